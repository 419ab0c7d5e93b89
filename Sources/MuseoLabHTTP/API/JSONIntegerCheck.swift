/// Finds the field of a JSON body whose number is not an integer the API can take.
///
/// Every number the API reads is an integer. Foundation's decoder refuses `1.5`,
/// `99999999999999999999999999` or `1e400` for an integer as "not valid JSON", without the
/// field; this reads the body's syntax itself and names the first number that is not a
/// 64-bit integer. A body that is not valid JSON either way has no such field.
enum JSONIntegerCheck {
    struct Finding: Equatable {
        /// `participants`, `items[2].quantity`.
        var field: String
        var number: String
        var detail: String
    }

    /// The first number that is not a 64-bit integer, when `bytes` is otherwise valid JSON.
    static func firstNonInteger(in bytes: [UInt8]) -> Finding? {
        var reader = Reader(bytes: bytes)
        guard (try? reader.document()) != nil, let finding = reader.finding, !finding.field.isEmpty else { return nil }
        return finding
    }

    private struct Syntax: Error {}

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var path: [String] = []
        var finding: Finding?

        mutating func document() throws {
            try value(depth: 0)
            skipSpace()
            guard index == bytes.count else { throw Syntax() }
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw Syntax() }
                index += 1
            }
        }

        mutating func value(depth: Int) throws {
            // Deep enough for any request; deeper is not worth the stack.
            guard depth < 64 else { throw Syntax() }
            skipSpace()
            guard index < bytes.count else { throw Syntax() }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    path.append(path.isEmpty ? key : ".\(key)")
                    try value(depth: depth + 1)
                    path.removeLast()
                    skipSpace()
                    guard index < bytes.count else { throw Syntax() }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return
                }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
                var position = 0
                while true {
                    path.append("[\(position)]")
                    try value(depth: depth + 1)
                    path.removeLast()
                    position += 1
                    skipSpace()
                    guard index < bytes.count else { throw Syntax() }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return
                }
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            default:
                try number()
            }
        }

        mutating func string() throws -> String {
            try expect("\"")
            var text: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: text, as: UTF8.self)
                }
                guard byte >= 0x20 else { throw Syntax() }
                if byte == UInt8(ascii: "\\") {
                    // Escapes are kept as written: a key with one is named as sent.
                    guard index + 1 < bytes.count else { throw Syntax() }
                    text.append(byte)
                    index += 1
                }
                text.append(bytes[index])
                index += 1
            }
            throw Syntax()
        }

        mutating func number() throws {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > integerStart else { throw Syntax() }
            var integral = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > fractionStart else { throw Syntax() }
                integral = false
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let exponentStart = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > exponentStart else { throw Syntax() }
                integral = false
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard finding == nil else { return }
            let field = path.joined()
            if !integral {
                finding = Finding(field: field, number: text, detail: "expected an integer, not \(text)")
            } else if Int64(text) == nil {
                finding = Finding(field: field, number: text, detail: "\(text) is out of range for an integer")
            }
        }
    }
}
