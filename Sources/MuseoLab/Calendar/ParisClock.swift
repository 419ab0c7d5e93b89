import Foundation

/// Conversions between instants and the fablab's wall clock (Europe/Paris), where
/// a day may last 23 or 25 hours: durations are always real elapsed time.
public enum ParisClock {
    /// The instant a wall-clock time happens on a date. A time skipped by the spring
    /// change (02:30 on the last Sunday of March) does not exist and is refused; a time
    /// that happens twice in October is its first occurrence. 24:00 is the next midnight.
    public static func instant(_ date: CalendarDate, _ time: LocalTime) throws -> Date {
        if time.hour == 24 { return try instant(date.adding(days: 1), LocalTime(hour: 0, minute: 0)!) }
        // The wall-clock time read as if it were UTC; the instant is that minus the offset in force then.
        let wall = Double(date.daysSince1970 * 86_400 + time.hour * 3600 + time.minute * 60)
        // The offsets a day before and a day after cover any change that day. The larger one
        // first: of two occurrences, it gives the earlier.
        let before = ParisOffsets.seconds(at: wall - 86_400), after = ParisOffsets.seconds(at: wall + 86_400)
        for offset in before == after ? [before] : [max(before, after), min(before, after)] {
            let candidate = wall - Double(offset)
            if ParisOffsets.seconds(at: candidate) == offset { return Date(timeIntervalSince1970: candidate) }
        }
        throw Problem.invalid("time", "\(date) \(time) does not exist in Europe/Paris (the clocks go forward)")
    }

    /// The date on the wall calendar at an instant.
    public static func date(of instant: Date) -> CalendarDate {
        CalendarDate(daysSince1970: Int((wallSeconds(of: instant) / 86_400).rounded(.down)))!
    }

    /// The wall-clock time at an instant (to the minute, seconds dropped).
    public static func time(of instant: Date) -> LocalTime {
        let wall = CalendarDate.civil(seconds: Int(wallSeconds(of: instant).rounded(.down)))
        return LocalTime(hour: wall.hour, minute: wall.minute)!
    }

    /// Seconds since 1970-01-01 00:00 on the wall clock at an instant.
    static func wallSeconds(of instant: Date) -> Double {
        let seconds = instant.timeIntervalSince1970
        return seconds + Double(ParisOffsets.seconds(at: seconds))
    }

    /// Parses `2027-03-28 09:30` (or with a `T`) as a wall-clock time in Europe/Paris.
    public static func parse(_ text: String) throws -> Date {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, let date = CalendarDate(String(parts[0])), let time = LocalTime(String(parts[1])) else {
            throw Problem.invalid("time", "\"\(text)\" is not a local time YYYY-MM-DD HH:MM")
        }
        return try instant(date, time)
    }
}

extension CalendarDate {
    /// The ISO weekday of this date (1970-01-01 was a Thursday).
    public var weekday: Weekday {
        Weekday(rawValue: ((daysSince1970 % 7 + 7) % 7 + 3) % 7 + 1)!
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSince1970: daysSince1970 + days)!
    }

    /// The days from this date to `other` (negative when `other` comes first).
    public func days(until other: CalendarDate) -> Int {
        other.daysSince1970 - daysSince1970
    }

    /// The dates from this one to `last`, both included.
    public func through(_ last: CalendarDate) -> [CalendarDate] {
        var dates: [CalendarDate] = []
        var current = self
        while current <= last {
            dates.append(current)
            current = current.adding(days: 1)
        }
        return dates
    }
}
