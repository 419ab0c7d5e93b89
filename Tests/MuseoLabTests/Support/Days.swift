import Foundation
@testable import MuseoLab

/// Future days for booking tests: always ahead of the clock, never a public holiday.
enum Days {
    /// The first `weekday` at least `weeksAhead` weeks from today that is not a public holiday.
    static func next(_ weekday: Weekday, weeksAhead: Int = 1) -> CalendarDate {
        var date = ParisClock.date(of: Date()).adding(days: 7 * weeksAhead)
        while date.weekday != weekday || FrenchPublicHolidays.name(of: date) != nil {
            date = date.adding(days: 1)
        }
        return date
    }

    /// An instant on the wall clock of Paris: `at(day, "10:30")`.
    static func at(_ date: CalendarDate, _ time: String) -> Date {
        try! ParisClock.instant(date, LocalTime(time)!)
    }

    static func period(_ date: CalendarDate, _ start: String, _ end: String) -> Period {
        Period(start: at(date, start), end: at(date, end))
    }

    /// RFC 3339, as the API takes instants.
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

extension TestLab {
    /// The manager supervises Monday to Friday, 09:00–18:00 (the seeded opening hours).
    func managerAvailableOnWeekdays() async throws {
        let weekdays = (1...5).map { WeeklyInterval(weekday: Weekday(rawValue: $0)!, start: LocalTime("09:00")!, end: LocalTime("18:00")!) }
        _ = try await lab.staffAvailability.setWeekly(people.manager.user.id, weekdays, by: people.manager.actor)
    }

    func machine(_ inventoryNumber: String) async throws -> Machine {
        try await lab.inventory.find(inventoryNumber, by: people.manager.actor)
    }
}
