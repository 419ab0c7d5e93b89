import Foundation

/// Rows aggregated by PostgreSQL as a JSON array of arrays (`json_agg(json_build_array(…))`),
/// so that a parent and its children come back in one query.
struct JSONArrays: Sequence {
    struct Row {
        let values: [Any]

        func string(_ index: Int) throws -> String {
            guard let value = optionalString(index) else { throw Malformed(detail: "no text at \(index) in \(values)") }
            return value
        }

        func optionalString(_ index: Int) -> String? {
            index < values.count ? values[index] as? String : nil
        }

        /// The domain's enum of a text at `index`.
        func value<T: RawRepresentable>(_ index: Int, as: T.Type) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try string(index)) else { throw Malformed(detail: "no \(T.self) at \(index) in \(values)") }
            return value
        }

        func optional<T: RawRepresentable>(_ index: Int, as type: T.Type) throws -> T? where T.RawValue == String {
            guard optionalString(index) != nil else { return nil }
            return try value(index, as: type)
        }

        func uuid(_ index: Int) throws -> UUID {
            guard let value = UUID(uuidString: try string(index)) else { throw Malformed(detail: "no UUID at \(index) in \(values)") }
            return value
        }

        func bool(_ index: Int) throws -> Bool {
            guard let value = optionalBool(index) else { throw Malformed(detail: "no boolean at \(index) in \(values)") }
            return value
        }

        /// JSON `true`/`false` come as `Bool` or as `NSNumber`, depending on the Foundation.
        func optionalBool(_ index: Int) -> Bool? {
            guard index < values.count else { return nil }
            if let value = values[index] as? Bool { return value }
            return (values[index] as? NSNumber)?.boolValue
        }

        func int(_ index: Int) throws -> Int64 {
            guard index < values.count, let number = values[index] as? NSNumber else {
                throw Malformed(detail: "no number at \(index) in \(values)")
            }
            return number.int64Value
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let detail: String
        var description: String { "unexpected aggregated JSON: \(detail)" }
    }

    let rows: [Row]

    init(_ text: String) throws {
        guard let arrays = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] else {
            throw Malformed(detail: "not an array of arrays: \(text.prefix(200))")
        }
        rows = arrays.map(Row.init(values:))
    }

    func makeIterator() -> IndexingIterator<[Row]> { rows.makeIterator() }
}
