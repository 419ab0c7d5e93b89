import Foundation

/// Rows aggregated by PostgreSQL as a JSON array of arrays (`json_agg(json_build_array(…))`),
/// so that a parent and its children come back in one query.
///
/// Read by a small parser of its own (`JSONArrays.Reader`): the values PostgreSQL writes there are
/// strings, numbers, booleans, nulls and nested arrays, and Foundation's `JSONSerialization`,
/// which bridged each into an `NSNumber` or `NSString`, was a tenth of a booking's time.
struct JSONArrays: Sequence {
    /// A value of such a row.
    enum Value: Equatable {
        case string(String)
        /// A number as written (an integer, a microsecond count, a decimal).
        case number(String)
        case bool(Bool)
        case null
        case array([Value])
    }

    struct Row {
        let values: [Value]

        func string(_ index: Int) throws -> String {
            guard let value = optionalString(index) else { throw Malformed(detail: "no text at \(index) in \(values)") }
            return value
        }

        func optionalString(_ index: Int) -> String? {
            guard index < values.count, case .string(let text) = values[index] else { return nil }
            return text
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

        func optionalBool(_ index: Int) -> Bool? {
            guard index < values.count, case .bool(let value) = values[index] else { return nil }
            return value
        }

        /// A number at `index`, `nil` for a JSON null.
        func optionalInt(_ index: Int) throws -> Int64? {
            guard index < values.count, values[index] != .null else { return nil }
            return try int(index)
        }

        func int(_ index: Int) throws -> Int64 {
            guard index < values.count, case .number(let text) = values[index], let number = Int64(text) ?? Double(text).map({ Int64($0) }) else {
                throw Malformed(detail: "no number at \(index) in \(values)")
            }
            return number
        }

        /// An instant written by `PostgresMicroseconds.sql` (the same `Date` PostgresNIO reads, to the bit).
        func instant(_ index: Int) throws -> Date {
            PostgresMicroseconds.instant(try int(index))
        }

        /// The arrays of arrays nested at `index` (a child's rows aggregated within its parent's).
        static func rows(at index: Int, of row: Row) throws -> [Row] {
            guard index < row.values.count, case .array(let arrays) = row.values[index] else {
                throw Malformed(detail: "no array at \(index) in \(row.values)")
            }
            return try arrays.map { value in
                guard case .array(let array) = value else { throw Malformed(detail: "not an array: \(value)") }
                return Row(values: array)
            }
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let detail: String
        var description: String { "unexpected aggregated JSON: \(detail)" }
    }

    let rows: [Row]

    init(_ text: String) throws {
        var text = text
        let values = try text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            let value = try reader.document()
            guard case .array(let rows) = value else { throw Malformed(detail: "not an array of arrays: \(String(decoding: bytes.prefix(200), as: UTF8.self))") }
            return rows
        }
        rows = try values.map { value in
            guard case .array(let row) = value else { throw Malformed(detail: "not an array of arrays: \(text.prefix(200))") }
            return Row(values: row)
        }
    }

    func makeIterator() -> IndexingIterator<[Row]> { rows.makeIterator() }

    /// A JSON reader for what `json_agg` writes (objects are not expected there).
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func document() throws -> Value {
            let value = try self.value(depth: 0)
            skipSpace()
            guard index == bytes.count else { throw malformed("text after the value") }
            return value
        }

        func malformed(_ what: String) -> Malformed {
            Malformed(detail: "\(what) at byte \(index) of \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) throws -> Value {
            guard depth < 32 else { throw malformed("nesting too deep") }
            skipSpace()
            guard index < bytes.count else { throw malformed("a value missing") }
            switch bytes[index] {
            case UInt8(ascii: "["):
                index += 1
                var elements: [Value] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                }
                while true {
                    elements.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw malformed("an unclosed array") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                    } else if bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        return .array(elements)
                    } else {
                        throw malformed("a separator missing")
                    }
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
                return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            default:
                throw malformed("an unexpected character")
            }
        }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw malformed("a truncated literal") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw malformed("an unknown literal") }
            index += count
        }

        /// A string's text, escapes resolved (PostgreSQL writes `\"`, `\\`, `\n`, `\t`, `\uXXXX`…).
        mutating func string() throws -> String {
            index += 1  // the opening quote
            let start = index
            // Most strings hold no escape: taken as they are.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            guard index < bytes.count else { throw malformed("an unclosed string") }
            if bytes[index] == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            var text = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: text, as: UTF8.self)
                }
                guard byte == UInt8(ascii: "\\") else {
                    text.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < bytes.count else { throw malformed("an unfinished escape") }
                let escaped = bytes[index + 1]
                index += 2
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: `\uD83D\uDE00`.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw malformed("a lone surrogate")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw malformed("a lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw malformed("an invalid code point") }
                    text.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw malformed("an unknown escape")
                }
            }
            throw malformed("an unclosed string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw malformed("a truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw malformed("a bad \\u escape")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }
    }
}
