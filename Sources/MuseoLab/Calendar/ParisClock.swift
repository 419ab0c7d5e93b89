import Foundation

/// Conversions between instants and the fablab's wall clock (Europe/Paris), where
/// a day may last 23 or 25 hours: durations are always real elapsed time.
public enum ParisClock {
    static var calendar: Calendar { Calendar.paris }

    /// The instant a wall-clock time happens on a date. A time skipped by the spring
    /// change (02:30 on the last Sunday of March) does not exist and is refused; a time
    /// that happens twice in October is its first occurrence. 24:00 is the next midnight.
    public static func instant(_ date: CalendarDate, _ time: LocalTime) throws -> Date {
        var components = DateComponents(year: date.year, month: date.month, day: date.day, hour: time.hour % 24, minute: time.minute)
        components.timeZone = ParisTime.zone
        guard var instant = calendar.date(from: components) else {
            throw Problem.invalid("time", "\(date) \(time) is not a time in Europe/Paris")
        }
        if time.hour == 24 {
            instant = try self.instant(date.adding(days: 1), LocalTime(hour: 0, minute: 0)!)
        } else {
            let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            guard back.hour == time.hour, back.minute == time.minute, back.day == date.day else {
                throw Problem.invalid("time", "\(date) \(time) does not exist in Europe/Paris (the clocks go forward)")
            }
            // Of two occurrences (clocks going back), take the first.
            let earlier = instant.addingTimeInterval(-3600)
            let earlierComponents = calendar.dateComponents([.day, .hour, .minute], from: earlier)
            if earlierComponents.day == date.day, earlierComponents.hour == time.hour, earlierComponents.minute == time.minute {
                instant = earlier
            }
        }
        return instant
    }

    /// The date on the wall calendar at an instant.
    public static func date(of instant: Date) -> CalendarDate {
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The wall-clock time at an instant.
    public static func time(of instant: Date) -> LocalTime {
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        return LocalTime(hour: c.hour!, minute: c.minute!)!
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
    /// The ISO weekday of this date.
    public var weekday: Weekday {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let sundayFirst = calendar.component(.weekday, from: date)  // 1 = Sunday
        return Weekday(rawValue: sundayFirst == 1 ? 7 : sundayFirst - 1)!
    }

    public func adding(days: Int) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(byAdding: .day, value: days, to: calendar.date(from: DateComponents(year: year, month: month, day: day))!)!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The same day `months` later (the month's last day when it has fewer: 31 August + 6 → 28 February).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (index / 12, index % 12 + 1)
        var last = 31
        while CalendarDate(year: newYear, month: newMonth, day: last) == nil { last -= 1 }
        return CalendarDate(year: newYear, month: newMonth, day: min(day, last))!
    }

    /// The days from this date to `other` (negative when `other` comes first).
    public func days(until other: CalendarDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let from = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let to = calendar.date(from: DateComponents(year: other.year, month: other.month, day: other.day))!
        return calendar.dateComponents([.day], from: from, to: to).day!
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
