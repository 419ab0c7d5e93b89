import Foundation

/// Writes iCalendar (RFC 5545) text: CRLF lines folded at 75 octets, text escaped,
/// instants in UTC.
public struct ICalendar: Sendable {
    public struct Event: Sendable {
        public var uid: String
        public var sequence: Int
        public var status: Status
        public var period: Period
        public var summary: String
        public var description: String?
        public var lastModified: Date

        public enum Status: String, Sendable {
            case tentative = "TENTATIVE", confirmed = "CONFIRMED", cancelled = "CANCELLED"
        }

        public init(uid: String, sequence: Int, status: Status, period: Period, summary: String, description: String?, lastModified: Date) {
            self.uid = uid
            self.sequence = sequence
            self.status = status
            self.period = period
            self.summary = summary
            self.description = description
            self.lastModified = lastModified
        }
    }

    public var name: String
    public var events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    public func render(stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Louvre-Lens Vallée//MuséoLab//FR", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:\(Self.escape(name))", "X-WR-TIMEZONE:Europe/Paris",
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT",
                "UID:\(event.uid)",
                "DTSTAMP:\(Self.utc(stamp))",
                "DTSTART:\(Self.utc(event.period.start))",
                "DTEND:\(Self.utc(event.period.end))",
                "SEQUENCE:\(event.sequence)",
                "STATUS:\(event.status.rawValue)",
                "SUMMARY:\(Self.escape(event.summary))",
                "LAST-MODIFIED:\(Self.utc(event.lastModified))",
            ]
            if let description = event.description { lines.append("DESCRIPTION:\(Self.escape(description))") }
            if event.status == .cancelled { lines.append("TRANSP:TRANSPARENT") }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261201T080000Z`.
    static func utc(_ date: Date) -> String {
        let t = CalendarDate.civil(seconds: Int(date.timeIntervalSince1970.rounded(.down)))
        return zeroPadded(t.year, width: 4) + zeroPadded(t.month, width: 2) + zeroPadded(t.day, width: 2) + "T"
            + zeroPadded(t.hour, width: 2) + zeroPadded(t.minute, width: 2) + zeroPadded(t.second, width: 2) + "Z"
    }

    /// TEXT values: backslash, semicolon and comma escaped, newlines as `\n`.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n", "\r\n": escaped += "\\n"
            case "\r": continue
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Lines longer than 75 octets continue on lines starting with a space, never splitting a character.
    static func fold(_ line: String) -> String {
        var folded = ""
        var count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                folded += "\r\n "
                count = 1
            }
            folded.append(character)
            count += size
        }
        return folded
    }
}
