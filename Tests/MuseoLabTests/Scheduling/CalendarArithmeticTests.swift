import Foundation
import Testing
@testable import MuseoLab

/// The calendar and the wall clock computed by arithmetic (day numbers, the zone's offset read once
/// a day) give what Foundation's calendar gives, asked the slow way, over every day the service
/// handles and every half-hour around the clock changes.
@Suite struct CalendarArithmeticTests {
    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    static var paris: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }

    @Test func everyDayOfTheSupportedYearsHasFoundationsNumberWeekdayAndText() throws {
        let calendar = Self.utc
        let first = calendar.date(from: DateComponents(year: 1900, month: 1, day: 1))!
        let days = calendar.dateComponents([.day], from: first, to: calendar.date(from: DateComponents(year: 2200, month: 12, day: 31))!).day!
        var mismatches: [String] = []
        for offset in 0...days {
            let instant = first.addingTimeInterval(Double(offset) * 86_400)
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
            let number = Int((instant.timeIntervalSince1970 / 86_400).rounded(.down))
            guard let date = CalendarDate(daysSince1970: number) else {
                mismatches.append("no date for day \(number)")
                continue
            }
            let isoWeekday = c.weekday! == 1 ? 7 : c.weekday! - 1
            if date.year != c.year || date.month != c.month || date.day != c.day || date.daysSince1970 != number
                || date.weekday.rawValue != isoWeekday || CalendarDate(date.description) != date
                || date.description != String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            {
                mismatches.append("\(date) for \(c)")
            }
            if mismatches.count > 5 { break }
        }
        #expect(mismatches.isEmpty)
        #expect(CalendarDate(daysSince1970: 0) == CalendarDate("1970-01-01"))
        #expect(CalendarDate(daysSince1970: -25_568) == nil, "1899-12-31 is outside the supported years")
    }

    @Test func datesThatDoNotExistAreRefused() {
        for text in ["2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2100-02-29", "2026-1-01", "2026-01-1",
                     "2026/01/01", "２０２６-01-01", "2026-01-01 ", "", "1899-12-31", "2201-01-01"] {
            #expect(CalendarDate(text) == nil, "\(text)")
        }
        #expect(CalendarDate("2028-02-29") != nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("2026-03-01")!.adding(days: -1) == CalendarDate("2026-02-28"))
        #expect(CalendarDate("2026-11-30")!.days(until: CalendarDate("2027-03-01")!) == 91)
        #expect(LocalTime(hour: 7, minute: 5)!.description == "07:05")
    }

    /// Foundation's ISO 8601 text in Europe/Paris, the oracle of `ParisTime.format`.
    static func foundationFormat(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "Europe/Paris")!)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }

    /// The old way: Foundation's calendar in Europe/Paris, asked at each conversion.
    static func foundationInstant(_ date: CalendarDate, _ time: LocalTime) -> Date? {
        let calendar = paris
        var components = DateComponents(year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute)
        components.timeZone = calendar.timeZone
        guard var instant = calendar.date(from: components) else { return nil }
        let back = calendar.dateComponents([.day, .hour, .minute], from: instant)
        guard back.hour == time.hour, back.minute == time.minute, back.day == date.day else { return nil }
        let earlier = instant.addingTimeInterval(-3600)
        let before = calendar.dateComponents([.day, .hour, .minute], from: earlier)
        if before.day == date.day, before.hour == time.hour, before.minute == time.minute { instant = earlier }
        return instant
    }

    @Test func wallClockMatchesFoundationAroundEveryClockChangeAndAcrossTheYears() throws {
        let calendar = Self.paris
        var days: [CalendarDate] = []
        for year in 1976...2100 {
            // The Sundays the clocks change, the days around them, and some ordinary days.
            for (month, last) in [(3, 31), (10, 31)] {
                var sunday = CalendarDate(year: year, month: month, day: last)!
                while sunday.weekday != .sunday { sunday = sunday.adding(days: -1) }
                days += [sunday.adding(days: -1), sunday, sunday.adding(days: 1)]
            }
            days += [CalendarDate(year: year, month: 1, day: 1)!, CalendarDate(year: year, month: 7, day: 14)!, CalendarDate(year: year, month: 12, day: 31)!]
        }
        var mismatches: [String] = []
        for day in days {
            for minutes in stride(from: 0, to: 24 * 60, by: 30) {
                let time = LocalTime(hour: minutes / 60, minute: minutes % 60)!
                let expected = Self.foundationInstant(day, time)
                let found = try? ParisClock.instant(day, time)
                if found != expected { mismatches.append("\(day) \(time): \(String(describing: found)) for \(String(describing: expected))") }
            }
            // Every quarter of an hour of the UTC day: the wall date, time and text.
            let start = Double(day.daysSince1970 * 86_400)
            for quarter in 0..<96 {
                let instant = Date(timeIntervalSince1970: start + Double(quarter) * 900 + 59.5)
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
                let date = ParisClock.date(of: instant), time = ParisClock.time(of: instant)
                if date != CalendarDate(year: c.year!, month: c.month!, day: c.day!) || time != LocalTime(hour: c.hour!, minute: c.minute!)
                    || ParisTime.format(instant) != Self.foundationFormat(instant)
                {
                    mismatches.append("\(instant): \(date) \(time) \(ParisTime.format(instant)) for \(c) \(Self.foundationFormat(instant))")
                }
            }
            if mismatches.count > 5 { break }
        }
        #expect(mismatches.isEmpty)
    }

    @Test func iCalendarAndLogTimesAreUTC() {
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 1_792_888_200)) == "20261025T003000Z")
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 0.9)) == "19700101T000000Z")
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 8_000_000_000)) == "22230706T141320Z", "beyond the years of dates, a time is still written")
        #expect(zeroPadded(42, width: 6) == "000042")
        #expect(zeroPadded(-7, width: 3) == "-007")
        #expect(zeroPadded(1_234_567, width: 6) == "1234567")
        #expect(CalendarDate.civil(seconds: -1) == (1969, 12, 31, 23, 59, 59))
        #expect(CalendarDate("2026-08-31")!.adding(months: 6) == CalendarDate("2027-02-28"))
        #expect(CalendarDate("2028-01-31")!.adding(months: 1) == CalendarDate("2028-02-29"))
    }
}
