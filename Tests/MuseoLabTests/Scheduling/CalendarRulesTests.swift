import Foundation
import Testing
@testable import MuseoLab

/// The wall clock of Europe/Paris, French public holidays, and periods: pure rules.
@Suite struct CalendarRulesTests {
    @Test func durationsAreRealElapsedTimeAcrossDaylightSavingChanges() throws {
        let spring = CalendarDate("2026-03-29")!, autumn = CalendarDate("2026-10-25")!
        let short = Period(start: try ParisClock.instant(spring, LocalTime("01:00")!), end: try ParisClock.instant(spring, LocalTime("04:00")!))
        #expect(short.minutes == 120, "01:00–04:00 on 2026-03-29 lasts 2 h")
        let long = Period(start: try ParisClock.instant(autumn, LocalTime("01:00")!), end: try ParisClock.instant(autumn, LocalTime("04:00")!))
        #expect(long.minutes == 240, "01:00–04:00 on 2026-10-25 lasts 4 h")
        let ordinary = Period(start: try ParisClock.instant(CalendarDate("2026-11-24")!, LocalTime("09:00")!),
                              end: try ParisClock.instant(CalendarDate("2026-11-24")!, LocalTime("17:00")!))
        #expect(ordinary.minutes == 480)
    }

    @Test func skippedTimesDoNotExistAndRepeatedTimesAreTheirFirstOccurrence() throws {
        #expect(throws: Problem.self) { try ParisClock.instant(CalendarDate("2026-03-29")!, LocalTime("02:30")!) }
        let repeated = try ParisClock.instant(CalendarDate("2026-10-25")!, LocalTime("02:30")!)
        #expect(repeated == Date(timeIntervalSince1970: 1_792_888_200), "00:30 UTC, still summer time")
        #expect(try ParisClock.instant(CalendarDate("2026-07-14")!, LocalTime("12:00")!) == Date(timeIntervalSince1970: 1_784_023_200))
        #expect(try ParisClock.instant(CalendarDate("2026-12-31")!, LocalTime("24:00")!) == ParisClock.instant(CalendarDate("2027-01-01")!, LocalTime("00:00")!))
    }

    @Test func frenchPublicHolidays() {
        #expect(FrenchPublicHolidays.easterSunday(2026) == CalendarDate("2026-04-05"))
        #expect(FrenchPublicHolidays.easterSunday(2027) == CalendarDate("2027-03-28"))
        #expect(FrenchPublicHolidays.easterSunday(2029) == CalendarDate("2029-04-01"))
        let holidays = FrenchPublicHolidays.holidays(in: 2027)
        #expect(holidays.count == 11)
        #expect(FrenchPublicHolidays.name(of: CalendarDate("2027-03-29")!) == "Lundi de Pâques")
        #expect(FrenchPublicHolidays.name(of: CalendarDate("2027-05-06")!) == "Ascension")
        #expect(FrenchPublicHolidays.name(of: CalendarDate("2027-05-17")!) == "Lundi de Pentecôte")
        #expect(FrenchPublicHolidays.name(of: CalendarDate("2027-07-14")!) == "Fête nationale")
        #expect(FrenchPublicHolidays.name(of: CalendarDate("2027-07-15")!) == nil)
    }

    @Test func weekdays() {
        #expect(CalendarDate("2026-11-21")!.weekday == .saturday)
        #expect(CalendarDate("2027-03-28")!.weekday == .sunday)
        #expect(CalendarDate("2026-11-23")!.weekday == .monday)
    }

    @Test func periodSets() {
        let t = { (h: Double) in Date(timeIntervalSince1970: h * 3600) }
        var set = PeriodSet([Period(start: t(9), end: t(12)), Period(start: t(14), end: t(18))])
        set.insert(Period(start: t(12), end: t(13)))
        #expect(set.periods == [Period(start: t(9), end: t(13)), Period(start: t(14), end: t(18))])
        set.subtract(Period(start: t(10), end: t(11)))
        #expect(set.periods == [Period(start: t(9), end: t(10)), Period(start: t(11), end: t(13)), Period(start: t(14), end: t(18))])
        #expect(set.covers(Period(start: t(14), end: t(18))))
        #expect(!set.covers(Period(start: t(12), end: t(15))))
        #expect(set.clipped(to: Period(start: t(12), end: t(15))).periods == [Period(start: t(12), end: t(13)), Period(start: t(14), end: t(15))])
    }

    @Test func iCalendarTextIsEscapedAndFolded() {
        let long = String(repeating: "é", count: 60)
        let text = ICalendar(name: "Test; one, two", events: [
            .init(uid: "u1@museolab", sequence: 3, status: .cancelled, period: Period(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 3600)),
                  summary: long, description: "a\nb", lastModified: Date(timeIntervalSince1970: 0)),
        ]).render(stamp: Date(timeIntervalSince1970: 0))
        #expect(text.contains("X-WR-CALNAME:Test\\; one\\, two\r\n"))
        #expect(text.contains("DTSTART:19700101T000000Z\r\n"))
        #expect(text.contains("SEQUENCE:3\r\nSTATUS:CANCELLED\r\n"))
        #expect(text.contains("DESCRIPTION:a\\nb\r\n"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 75)
        }
        #expect(text.contains("\r\n é"), "a folded line continues with a space")
    }
}
