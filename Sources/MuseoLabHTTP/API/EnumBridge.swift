import MuseoLab

/// A domain value the OpenAPI document has no case for, or the reverse: the two lists of cases
/// differ, a programming error (`EnumBridgeTests` compares every pair). It answers 500 and names
/// both types; it never crashes the server, and never stands in for another value.
struct EnumMismatch: Error, CustomStringConvertible {
    var value: String
    var from: String
    var to: String
    var description: String { "\(from) .\(value) has no case in \(to)" }
}

extension RawRepresentable where RawValue == String {
    /// The case of the same raw value in the other side's enum (the domain's, or the API's).
    func bridged<Other: RawRepresentable>(_: Other.Type = Other.self) throws -> Other where Other.RawValue == String {
        try Other.bridging(rawValue, from: "\(Self.self)")
    }

    /// The case of a raw value read from elsewhere (a column), or an `EnumMismatch`.
    static func bridging(_ rawValue: String, from source: String) throws -> Self {
        guard let value = Self(rawValue: rawValue) else { throw EnumMismatch(value: rawValue, from: source, to: "\(Self.self)") }
        return value
    }
}
