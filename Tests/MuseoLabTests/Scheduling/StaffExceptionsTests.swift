import Foundation
import Testing
@testable import MuseoLab

/// The standing exceptions of the whole team, read at once for the calendar page.
@Suite struct StaffExceptionsTests {
    @Test func theTeamsStandingExceptionsAreReadInOneStatementEachUnderItsOwner() async throws {
        try await TestLab.with { t in
            let (manager, admin) = (t.people.manager, t.people.admin)
            let day = Days.next(.wednesday)
            let away = try await t.lab.staffAvailability.addException(
                manager.user.id, period: Days.period(day, "14:00", "18:00"), available: false, reason: "formation", by: manager.actor)
            let extra = try await t.lab.staffAvailability.addException(
                admin.user.id, period: Days.period(day, "09:00", "12:00"), available: true, reason: nil, by: manager.actor)
            let withdrawn = try await t.lab.staffAvailability.addException(
                admin.user.id, period: Days.period(day.adding(days: 1), "09:00", "12:00"), available: false, reason: "annulé", by: manager.actor)
            try await t.lab.staffAvailability.withdrawException(withdrawn.id, by: manager.actor)
            // Outside the window: not read.
            _ = try await t.lab.staffAvailability.addException(
                manager.user.id, period: Days.period(day.adding(days: 120), "09:00", "12:00"), available: false, reason: nil, by: manager.actor)

            let window = Period(start: t.lab.now(), end: t.lab.now().addingTimeInterval(90 * 86_400))
            let before = t.lab.database.usage.statementsSent
            let standing = try await t.lab.staffAvailability.standingExceptions(of: [manager.user.id, admin.user.id], within: window)
            #expect(t.lab.database.usage.statementsSent - before == 1, "one statement for the whole team")
            #expect(standing[manager.user.id]?.map(\.id) == [away.id])
            #expect(standing[admin.user.id]?.map(\.id) == [extra.id], "the withdrawn one is not standing")
            #expect(standing[manager.user.id]?.first?.staffUserId == manager.user.id)
        }
    }
}
