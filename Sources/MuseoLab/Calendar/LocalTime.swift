import Foundation

/// A time of day on the fablab's wall clock (Europe/Paris), `09:30`.
public struct LocalTime: Sendable, Hashable, Comparable, Codable, LosslessStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (and `HH:MM:SS` with zero seconds, as PostgreSQL writes times).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), parts.count == 2 || parts[2] == "00"
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var minutes: Int { hour * 60 + minute }
    public var description: String { "\(zeroPadded(hour, width: 2)):\(zeroPadded(minute, width: 2))" }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = LocalTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a time HH:MM: \(text)"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// ISO 8601 weekdays: 1 is Monday, 7 is Sunday.
public enum Weekday: Int, Sendable, CaseIterable, Codable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public var name: String {
        ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][rawValue - 1]
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
