import Foundation
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

/// The generated API's handlers: each reads its input, calls the domain as the
/// authenticated caller, and writes the output. No rule lives here.
struct APIImplementation: APIProtocol {
    let lab: MuseoLab
    var metrics = MetricsRegistry()
    var databasePoolSize = 20

    var actor: Actor {
        get throws { try RequestIdentity.current() }
    }
}

/// What the document leaves as text: a path that takes an id or another reference (a feed's
/// machine), and dates. Ids of the `Id` schema come parsed (`ResourceId`).
enum Identifier {
    static func path(_ text: String, _ what: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw Problem.notFound(what) }
        return id
    }

    static func date(_ text: String?, _ field: String) throws -> CalendarDate? {
        guard let text else { return nil }
        return try CalendarDate.parse(text, field: field)
    }
}

extension UUID {
    /// Lower-case, as in URLs and JSON.
    var text: String { uuidString.lowercased() }

    /// As the API's `Id` schema.
    var resourceId: ResourceId { ResourceId(self) }
}
