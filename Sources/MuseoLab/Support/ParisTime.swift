import Foundation

/// The fablab's clock: instants are stored in UTC and shown in Europe/Paris.
public enum ParisTime {
    public static let zone = TimeZone(identifier: "Europe/Paris")!

    /// `2026-11-21 22:05 (heure de Paris)`-style text for messages: `2026-11-21T22:05:00+01:00`.
    /// Written from the day number and the zone's offset (every session the API answers carries
    /// two): Foundation's ISO 8601 style is kept for instants outside the service's years.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let offset = ParisOffsets.seconds(at: seconds)
        let wall = Int(seconds) + offset
        let days = Int((Double(wall) / 86_400).rounded(.down)), ofDay = wall - days * 86_400
        guard let day = CalendarDate(daysSince1970: days) else { return foundationFormat(date) }
        let zone = "\(offset < 0 ? "-" : "+")\(zeroPadded(abs(offset) / 3600, width: 2)):\(zeroPadded(abs(offset) % 3600 / 60, width: 2))"
        return "\(day)T\(zeroPadded(ofDay / 3600, width: 2)):\(zeroPadded(ofDay % 3600 / 60, width: 2)):\(zeroPadded(ofDay % 60, width: 2))\(zone)"
    }

    static func foundationFormat(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: zone)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }
}
