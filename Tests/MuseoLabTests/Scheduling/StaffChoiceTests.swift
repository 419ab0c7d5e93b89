import Foundation
import Testing
@testable import MuseoLab

/// A supervised request that names no staff member gets the first one, in the staff's order, who
/// works then and supervises nothing else then: read with the booking's own statement, so the
/// choice costs the same statements among one candidate as among many.
@Suite struct StaffChoiceTests {
    @Test func theFirstStaffMemberWorkingAndFreeIsChosenInTheSameStatementsWhateverTheirNumber() async throws {
        try await TestLab.with { t in
            let admin = t.people.admin.actor
            let weekdays = (1...5).map { WeeklyInterval(weekday: Weekday(rawValue: $0)!, start: LocalTime("08:00")!, end: LocalTime("20:00")!) }
            _ = try await t.lab.staffAvailability.setWeekly(t.people.manager.user.id, weekdays, by: admin)
            let day = Days.next(.wednesday)
            func request(_ start: String, _ end: String, staffId: UUID? = nil, by person: TestLab.Person) async throws -> (SupportSession, statements: Int) {
                let before = t.lab.database.usage.statementsSent
                let session = try await t.lab.sessions.request(
                    SessionRequest(staffId: staffId, purpose: "Maquette", period: Days.period(day, start, end)), by: person.actor)
                return (session, t.lab.database.usage.statementsSent - before)
            }

            let (alone, withOne) = try await request("09:00", "10:00", by: t.people.member)
            #expect(alone.staff?.id == t.people.manager.user.id, "the only staff member working then")

            // Three more, first in the staff's order: one away then, one already supervising then, one free.
            var team: [UUID] = []
            for name in ["aa-aline", "aa-bruno", "aa-chloe"] {
                let user = try await t.lab.users.add(
                    NewUser(email: "\(name)@tests.museolab", displayName: name, organisationId: TestLab.llv, role: .manager), by: admin)
                _ = try await t.lab.staffAvailability.setWeekly(user.id, weekdays, by: admin)
                team.append(user.id)
            }
            _ = try await t.lab.staffAvailability.addException(
                team[0], period: Days.period(day, "10:00", "13:00"), available: false, reason: "formation", by: admin)
            let (taken, _) = try await request("11:00", "12:00", staffId: team[1], by: t.people.otherMember)
            #expect(taken.staff?.id == team[1])

            let (chosen, withFour) = try await request("11:00", "12:00", by: t.people.member)
            #expect(chosen.staff?.id == team[2], "aa-aline is away and aa-bruno busy then; aa-chloe comes before the manager")
            #expect(withFour == withOne, "the same statements among four candidates as among one")
            #expect(withOne <= 6, "BEGIN, the actor, the booking's context with its candidates, the booking, its notification, COMMIT")

            // When every one working then supervises already, the refusal says so.
            for staffId in team + [t.people.manager.user.id] {
                _ = try await request("15:00", "16:00", staffId: staffId, by: t.people.otherMember)
            }
            do {
                _ = try await request("15:00", "16:00", by: t.people.member)
                Issue.record("booked with every staff member busy")
            } catch let problem as Problem {
                #expect(problem.kind == .bookingConflict)
                #expect(problem.field == "start")
            }
        }
    }
}
