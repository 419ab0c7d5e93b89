import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// The database makes double bookings impossible, even when the checks race.
@Suite struct DoubleBookingTests {
    @Test func fiftySimultaneousConflictingRequestsGiveExactlyOneBooking() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.thursday)
            let printer = try await t.machine("13901")
            // 50 members, each with their own token, all asking for the same printer at the same time.
            var people: [TestLab.Person] = []
            for index in 0..<50 {
                let user = try await t.lab.users.add(
                    NewUser(email: "student\(index)@univ-artois.fr", displayName: "Student \(index)", organisationId: TestLab.university, role: .member),
                    by: t.people.admin.actor)
                people.append(TestLab.Person(user: user, token: try await t.lab.tokens.create(for: user.id, label: "t", expiresAt: nil, by: t.people.admin.actor).secret))
            }
            let period = Days.period(day, "14:00", "16:00")
            let answers = try await withThrowingTaskGroup(of: HTTPAnswer.self) { group in
                for person in people {
                    group.addTask { try await SessionRulesTests.book(http, person, period, machines: [printer]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 50)
            #expect(answers.filter { $0.status == 201 }.count == 1)
            let refused = answers.filter { $0.status != 201 }
            #expect(refused.count == 49)
            let unexpected = refused.filter { !$0.isProblem(409, type: "booking-conflict") }
            #expect(unexpected.isEmpty, "\(unexpected.map { "\($0.status) \($0.text)" })")
            #expect(try await t.count("SELECT count(*) FROM support_sessions") == 1)
            #expect(try await t.count("SELECT count(*) FROM machine_occupations WHERE active") == 1)
        }
    }

    @Test func oneStaffMemberNeverSupervisesTwoSessionsAtOnce() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.tuesday)
            let first = try await SessionRulesTests.book(http, t.people.member, Days.period(day, "10:00", "12:00"))
            #expect(first.status == 201)
            let overlapping = try await SessionRulesTests.book(
                http, t.people.otherMember, Days.period(day, "11:00", "13:00"), extra: ["staffId": t.people.manager.user.id.text])
            #expect(overlapping.isProblem(409, type: "booking-conflict"))
            #expect(overlapping.json["field"] as? String == "staffId")
            // Without a staff member asked for: the only one working then is busy.
            let auto = try await SessionRulesTests.book(http, t.people.otherMember, Days.period(day, "11:00", "13:00"))
            #expect(auto.isProblem(409, type: "booking-conflict"))
            // Back to back is fine: periods are half-open.
            #expect(try await SessionRulesTests.book(http, t.people.otherMember, Days.period(day, "12:00", "13:00")).status == 201)
        }
    }

    @Test func theConstraintsHoldAgainstRawSQL() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let printer = try await t.machine("12548")
            let session = try await t.lab.sessions.request(
                SessionRequest(purpose: "x", period: Days.period(day, "10:00", "12:00"), machineIds: [printer.id]), by: t.people.member.actor)
            let overlap = Days.period(day, "11:00", "13:00")
            // Past every application check: an overlapping occupation, an overlapping supervision.
            await #expect(throws: Problem.self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { session in
                    let row = try await session.first(
                        """
                        INSERT INTO support_sessions (supervised, requester_user_id, organisation_id, staff_user_id, purpose, participants, period)
                        VALUES (false, \(t.people.otherMember.user.id), \(TestLab.university), NULL, 'raw', 1, tstzrange(\(overlap.start), \(overlap.end), '[)'))
                        RETURNING id
                        """)
                    try await session.execute(
                        "INSERT INTO machine_occupations (machine_id, period, session_id) VALUES (\(printer.id), tstzrange(\(overlap.start), \(overlap.end), '[)'), \(try row!.decode(UUID.self)))")
                }
            }
            await #expect(throws: Problem.self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { session in
                    try await session.execute(
                        """
                        INSERT INTO support_sessions (supervised, requester_user_id, organisation_id, staff_user_id, purpose, participants, period)
                        VALUES (true, \(t.people.otherMember.user.id), \(TestLab.university), \(t.people.manager.user.id), 'raw', 1,
                                tstzrange(\(overlap.start), \(overlap.end), '[)'))
                        """)
                }
            }
            // Cancelling releases the machine: the occupation follows the session (trigger).
            _ = try await t.lab.sessions.cancel(session.id, reason: "plans changed", by: t.people.member.actor)
            #expect(try await t.count("SELECT count(*) FROM machine_occupations WHERE active") == 0)
            let second = try await t.lab.sessions.request(
                SessionRequest(purpose: "y", period: overlap, machineIds: [printer.id]), by: t.people.otherMember.actor)
            #expect(second.status == .requested)
        }
    }
}
