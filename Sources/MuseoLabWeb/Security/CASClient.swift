import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(FoundationXML)
import FoundationXML
#endif
import MuseoLab

/// Université d'Artois's CAS server (CAS 3.0): where to send a browser to sign in, and the
/// server-to-server validation of the ticket it comes back with (`/p3/serviceValidate`). The
/// service URL is always the same exact address; the CAS server uses a ticket once.
struct CASClient: Sendable {
    /// The server's base, such as `https://cas.univ-artois.fr/cas`.
    let server: String
    let timeout: TimeInterval

    /// Who CAS says signed in, and the attributes it released.
    struct Identity: Sendable, Equatable {
        var user: String
        var attributes: [String: String]
        var email: String? { attributes["mail"] ?? attributes["email"] }
        var displayName: String? { attributes["displayName"] ?? attributes["cn"] }
    }

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
    }

    func loginURL(service: String) -> String {
        "\(server)/login?service=\(Self.encoded(service))"
    }

    static let session: URLSession = URLSession(configuration: .ephemeral)

    /// The identity a ticket proves, or `SignInRefusal(.casRefused)`.
    func validate(ticket: String, service: String) async throws -> Identity {
        guard let url = URL(string: "\(server)/p3/serviceValidate?service=\(Self.encoded(service))&ticket=\(Self.encoded(ticket))") else {
            throw SignInRefusal(.casRefused)
        }
        // A CAS server that cannot be reached, or answers anything but a success, signs no one in.
        guard let (data, response) = try? await Self.session.data(for: URLRequest(url: url, timeoutInterval: timeout)),
            (response as? HTTPURLResponse)?.statusCode == 200, let identity = Self.identity(fromServiceResponse: data)
        else { throw SignInRefusal(.casRefused) }
        return identity
    }

    /// Reads `<cas:authenticationSuccess>`: the user and the attributes (the first value of each).
    static func identity(fromServiceResponse data: Data) -> Identity? {
        let reader = ServiceResponseReader()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse(), reader.succeeded, let user = reader.user, !user.isEmpty else { return nil }
        return Identity(user: user, attributes: reader.attributes)
    }

    private final class ServiceResponseReader: NSObject, XMLParserDelegate {
        var succeeded = false
        var user: String?
        var attributes: [String: String] = [:]
        private var path: [String] = []
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            path.append(name)
            text = ""
            if name == "authenticationSuccess" { succeeded = true }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if path.suffix(2) == ["authenticationSuccess", "user"] { user = value }
            if path.count >= 2, path[path.count - 2] == "attributes", attributes[name] == nil { attributes[name] = value }
            path.removeLast()
            text = ""
        }
    }
}
