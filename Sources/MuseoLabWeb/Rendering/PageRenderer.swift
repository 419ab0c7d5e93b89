import Foundation
import Hummingbird
import Mustache

/// A page of the web front end: the template that renders it, and its typed view model (the
/// template reads the model's properties by name).
protocol Page: Sendable {
    static var template: String { get }
    /// The page's `<title>`, before " – MuséoLab".
    var title: String { get }
}

/// The templates, loaded once at start from the target's resources, and the pages they render.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The style sheet, served as it is.
    let styleSheet: String

    static var resources: URL {
        get throws {
            guard let url = Bundle.module.resourceURL else { throw MissingResources() }
            return url
        }
    }

    struct MissingResources: Error, CustomStringConvertible {
        var description: String { "the web front end's templates are not beside the executable" }
    }

    static func load() async throws -> PageRenderer {
        let resources = try resources
        return PageRenderer(
            library: try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path),
            styleSheet: try String(contentsOf: resources.appendingPathComponent("static/museolab.css"), encoding: .utf8))
    }

    /// The HTML of a page.
    func html<P: Page>(_ page: P) throws -> String {
        guard let html = library.render(ReflectedModel.flatten(page) ?? [String: Any](), withTemplate: P.template) else {
            throw MissingTemplate(name: P.template)
        }
        return html
    }

    struct MissingTemplate: Error, CustomStringConvertible {
        var name: String
        var description: String { "no template \(name).mustache" }
    }

    /// A page as a response: HTML, never cached (pages show personal data), framed by no one.
    func response<P: Page>(_ page: P, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("X-Frame-Options")!: "DENY", .init("Referrer-Policy")!: "same-origin",
                .init("Content-Security-Policy")!: "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: try html(page))))
    }
}
