/// Checks on free text coming from people, before the database's own checks.
enum Validate {
    /// Trims the text and requires 1...maxLength characters.
    static func text(_ value: String, field: String, maxLength: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Problem.invalid(field, "must not be empty") }
        guard trimmed.count <= maxLength else {
            throw Problem.invalid(field, "must be at most \(maxLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw Problem.invalid(field, "must not contain control characters")
        }
        return trimmed
    }

    /// Like `text`, but `nil` or blank mean "none".
    static func optionalText(_ value: String?, field: String, maxLength: Int) throws -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try text(value, field: field, maxLength: maxLength)
    }

    static func email(_ value: String, field: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !trimmed.contains(where: { $0.isWhitespace })
        else { throw Problem.invalid(field, "\"\(value)\" is not an e-mail address") }
        return trimmed
    }

    /// A lower-case slug such as `laser-cutter`.
    static func slug(_ value: String, field: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard trimmed.count <= 50, !words.isEmpty,
            words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } })
        else { throw Problem.invalid(field, "\"\(value)\" is not lower-case words joined by '-' (e.g. laser-cutter)") }
        return trimmed
    }
}
