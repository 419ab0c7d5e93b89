import Foundation

/// The fablab's clock: instants are stored in UTC and shown in Europe/Paris.
public enum ParisTime {
    public static let zone = TimeZone(identifier: "Europe/Paris")!

    /// `2026-11-21 22:05 (heure de Paris)`-style text for messages: `2026-11-21T22:05:00+01:00`.
    /// Written from the wall clock's seconds and the zone's offset (every session the API answers
    /// carries two), as Foundation's ISO 8601 style writes it, at far less cost.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let offset = ParisOffsets.seconds(at: seconds)
        let t = CalendarDate.civil(seconds: Int(seconds) + offset)
        let zone = "\(offset < 0 ? "-" : "+")\(zeroPadded(abs(offset) / 3600, width: 2)):\(zeroPadded(abs(offset) % 3600 / 60, width: 2))"
        return "\(zeroPadded(t.year, width: 4))-\(zeroPadded(t.month, width: 2))-\(zeroPadded(t.day, width: 2))"
            + "T\(zeroPadded(t.hour, width: 2)):\(zeroPadded(t.minute, width: 2)):\(zeroPadded(t.second, width: 2))\(zone)"
    }
}
