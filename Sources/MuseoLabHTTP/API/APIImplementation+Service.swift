import Foundation
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

extension APIImplementation {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        do {
            try await lab.database.ping()
        } catch {
            throw Problem(.unavailable, "the database does not answer")
        }
        return .ok(.init(body: .json(.init(status: .ok, database: .ok))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(body: .yaml(HTTPBody(try OpenAPIDocument.yaml()))))
    }

    func getProblemType(_ input: Operations.GetProblemType.Input) async throws -> Operations.GetProblemType.Output {
        guard let kind = Problem.Kind(rawValue: input.path.slug) else { throw Problem.notFound("problem type") }
        return .ok(.init(body: .json(.init(_type: kind.typeURI, title: kind.title, status: kind.status))))
    }
}

/// The OpenAPI document, served verbatim: the same file the code is generated from.
enum OpenAPIDocument {
    static let cached: Data? = Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? Data(contentsOf: $0) }

    static func yaml() throws -> Data {
        guard let cached else { throw Problem(.unavailable, "the OpenAPI document is missing from this build") }
        return cached
    }
}
