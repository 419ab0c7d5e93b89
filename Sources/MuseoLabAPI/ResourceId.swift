package import Foundation

/// The OpenAPI document's shared `Id` schema (`typeOverrides` in openapi-generator-config.yaml):
/// a UUID, read in either case and written in lower case, as every id the service shows. The
/// generated code parses ids in paths, queries and bodies, so handlers receive UUIDs.
package struct ResourceId: Codable, Hashable, Sendable, CustomStringConvertible {
    package var uuid: UUID

    package init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// The text that is not a UUID, as the underlying error of the `DecodingError`: a problem
    /// then says which parameter or field it was (a path's id that names nothing is a 404).
    package struct Malformed: Error, Sendable {
        package var text: String
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath, debugDescription: "\"\(text)\" is not a UUID", underlyingError: Malformed(text: text)))
        }
        self.uuid = uuid
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    package var description: String { uuid.uuidString.lowercased() }
}
