import Foundation
import Testing
@testable import MuseoLab

/// The waiting list through the API and the CLI: a cancellation tells the waiting members, in the
/// order they asked, in the app and by e-mail; nothing is booked for them; a request is told once.
@Suite struct WaitingListTests {
    static func ask(_ http: HTTPClient, _ person: TestLab.Person, _ body: [String: Any]) async throws -> HTTPAnswer {
        try await http.send("POST", "/v1/waiting-list", token: person.token, json: body)
    }

    static func slot(_ period: Period) -> [String: Any] { ["start": Days.iso(period.start), "end": Days.iso(period.end)] }

    @Test func aCancellationTellsTheWaitingMembersInTheOrderTheyAsked() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.tuesday)
            let printer = try await t.machine("12548")
            let taken = Days.period(day, "10:00", "12:00")
            // Ana holds the printer on Tuesday morning.
            let booked = try await SessionRulesTests.book(http, t.people.member, taken, machines: [printer])
            #expect(booked.status == 201, "\(booked.text)")
            let sessionId = try #require(booked.json["id"] as? String)

            // Bruno asks first, for part of the morning; the accountant second; the admin asks and withdraws.
            let machine: [String: Any] = ["machineId": printer.id.text]
            let first = try await Self.ask(http, t.people.otherMember, machine.merging(Self.slot(Days.period(day, "11:00", "13:00"))) { $1 })
            #expect(first.status == 201 && first.json["status"] as? String == "waiting", "\(first.text)")
            let second = try await Self.ask(http, t.people.accountant, machine.merging(Self.slot(Days.period(day, "09:00", "18:00"))) { $1 })
            #expect(second.status == 201, "\(second.text)")
            let withdrawn = try await Self.ask(http, t.people.admin, machine.merging(Self.slot(taken)) { $1 })
            let withdrawnId = try #require(withdrawn.json["id"] as? String)
            let withdrawal = try await http.send("POST", "/v1/waiting-list/\(withdrawnId)/withdraw", token: t.people.admin.token)
            #expect(withdrawal.status == 200 && withdrawal.json["status"] as? String == "withdrawn", "\(withdrawal.text)")
            #expect(try await http.send("POST", "/v1/waiting-list/\(withdrawnId)/withdraw", token: t.people.admin.token).isProblem(409))
            // Waiting for another time, or for the staff member's time on another day: not freed by this cancellation.
            let later = try await Self.ask(http, t.people.otherMember, machine.merging(Self.slot(Days.period(day, "14:00", "15:00"))) { $1 })
            let staff = try await Self.ask(
                http, t.people.otherMember, (["staffId": t.people.manager.user.id.text] as [String: Any]).merging(Self.slot(Days.period(day.adding(days: 1), "10:00", "11:00"))) { $1 })
            #expect(later.status == 201 && staff.status == 201, "\(later.text) \(staff.text)")
            // The same request twice is refused; so is a request for nothing, for two things, backwards or too long.
            #expect(try await Self.ask(http, t.people.otherMember, machine.merging(Self.slot(Days.period(day, "11:00", "13:00"))) { $1 }).isProblem(409))
            #expect(try await Self.ask(http, t.people.otherMember, Self.slot(taken)).isProblem(422))
            #expect(try await Self.ask(
                http, t.people.otherMember, machine.merging(["staffId": t.people.manager.user.id.text]) { $1 }.merging(Self.slot(taken)) { $1 }).isProblem(422))
            #expect(try await Self.ask(http, t.people.otherMember, machine.merging(Self.slot(Period(start: taken.end, end: taken.start))) { $1 })
                .isProblem(422, type: "end-not-after-start"))
            #expect(try await Self.ask(
                http, t.people.otherMember, machine.merging(Self.slot(Period(start: taken.start, end: taken.start.addingTimeInterval(15 * 86_400)))) { $1 })
                .isProblem(422))
            #expect(try await Self.ask(http, t.people.otherMember, ["machineId": UUID().text].merging(Self.slot(taken)) { $1 }).isProblem(422))

            // Ana cancels: Bruno is told, then the accountant; nothing is booked for them.
            let cancelled = try await http.send("POST", "/v1/sessions/\(sessionId)/cancel", token: t.people.member.token, json: ["reason": "projet reporté"])
            #expect(cancelled.status == 200, "\(cancelled.text)")
            let told = try await t.lab.database.read { session in
                try await session.rows("SELECT recipient, subject, body FROM outbox_messages WHERE topic LIKE 'waiting:%' ORDER BY id")
                    .map { try $0.decode((String, String, String).self) }
            }
            #expect(told.map(\.0) == [t.people.otherMember.user.email, t.people.accountant.user.email], "in the order they asked")
            #expect(told.first?.1 == "Un créneau s'est libéré : \(printer.nature)")
            #expect(told.first?.2.contains("Il n'est pas retenu pour vous") == true, "\(told.first?.2 ?? "")")
            let notifications = try await http.get("/v1/me/notifications", token: t.people.otherMember.token).items
            #expect(notifications.filter { $0["kind"] as? String == "waiting_list.freed" }.count == 1)
            let brunos = try await http.get("/v1/waiting-list", token: t.people.otherMember.token).items
            #expect(brunos.map { $0["status"] as? String } == ["notified", "waiting", "waiting"])
            #expect(brunos.first?["freedBySessionId"] as? String == sessionId)
            let sessions = try await http.get("/v1/sessions", token: t.people.otherMember.token).items
            #expect(sessions.isEmpty, "nothing was booked for Bruno")
            // A member sees only their own; staff everyone's, in the order of asking.
            #expect(try await http.get("/v1/waiting-list", token: t.people.manager.token).items.count == 5, "Bruno's three, the accountant's, the admin's withdrawn one")
            #expect(try await http.get("/v1/waiting-list", token: t.people.accountant.token).items.count == 5, "the accountant sees every session")
            #expect(try await http.get("/v1/waiting-list?userId=\(t.people.accountant.user.id.text)", token: t.people.manager.token).items.count == 1)
            // A told request is closed: Bruno cannot withdraw it, and the database keeps it as it is.
            let toldId = try #require(brunos.first?["id"] as? String)
            #expect(try await http.send("POST", "/v1/waiting-list/\(toldId)/withdraw", token: t.people.otherMember.token).isProblem(409))
            await #expect(throws: (any Error).self) {
                try await t.lab.database.write(as: .system("tests"), action: "tests.tamper") { session in
                    try await session.execute("UPDATE waiting_requests SET notified_at = NULL, freed_by_session_id = NULL WHERE notified_at IS NOT NULL")
                }
            }
        }
    }

    @Test func theCommandLinePutsAMemberOnTheListAndTakesThemOff() async throws {
        try await TestLab.with { t in
            let day = Days.next(.wednesday)
            let ask = try await CommandLineTool.run(
                ["waiting-list", "ask", "--user", t.people.member.user.email, "--machine", "12548",
                 "--start", "\(day) 10:00", "--end", "\(day) 11:00"], databaseURL: t.databaseURL)
            #expect(ask.status == 0 && ask.output.hasPrefix("Waiting (number "), "\(ask.output)")
            let listed = try await CommandLineTool.run(["waiting-list", "list", "--user", t.people.member.user.email, "--json"], databaseURL: t.databaseURL)
            let items = try #require(listed.json as? [[String: Any]], "\(listed.output)")
            #expect(items.count == 1 && items.first?["status"] as? String == "waiting")
            #expect(items.first?["start"] as? String == Days.iso(Days.period(day, "10:00", "11:00").start))
            let id = try #require(items.first?["id"] as? String)
            let withdrawn = try await CommandLineTool.run(["waiting-list", "withdraw", id], databaseURL: t.databaseURL)
            #expect(withdrawn.status == 0, "\(withdrawn.output)")
            #expect(try await t.lab.waitingList.list(userId: t.people.member.user.id, by: t.people.manager.actor).map(\.status) == [.withdrawn])
            let again = try await CommandLineTool.run(["waiting-list", "withdraw", id], databaseURL: t.databaseURL)
            #expect(again.status != 0 && again.output.contains("no longer waits"), "\(again.output)")
        }
    }
}
