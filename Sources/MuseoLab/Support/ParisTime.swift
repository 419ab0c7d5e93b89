import Foundation

/// The fablab's clock: instants are stored in UTC and shown in Europe/Paris.
public enum ParisTime {
    public static let zone = TimeZone(identifier: "Europe/Paris")!

    /// `2026-11-21 22:05 (heure de Paris)`-style text for messages: `2026-11-21T22:05:00+01:00`.
    public static func format(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: zone)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }
}
