import Foundation
import Testing
@testable import MuseoLab

/// requested → confirmed → completed | cancelled | no_show, each step recording who, when and why.
@Suite struct SessionLifecycleTests {
    @Test func confirmThenCompleteWithTheActualTimes() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.tuesday)
            let booked = try await SessionRulesTests.book(http, t.people.member, Days.period(day, "10:00", "12:00"))
            let id = try #require(booked.json["id"] as? String)

            #expect(try await http.send("POST", "/v1/sessions/\(id)/confirm", token: t.people.member.token).isProblem(403))
            let confirmed = try await http.send("POST", "/v1/sessions/\(id)/confirm", token: t.people.manager.token, json: ["reason": "ok"])
            #expect(confirmed.json["status"] as? String == "confirmed")
            #expect(confirmed.json["revision"] as? Int == 1)
            #expect(try await http.send("POST", "/v1/sessions/\(id)/confirm", token: t.people.manager.token).isProblem(409, type: "invalid-transition"))

            // The member was told.
            let notes = try await http.get("/v1/me/notifications", token: t.people.member.token)
            #expect(notes.items.first?["kind"] as? String == "session.confirmed")

            // Completion happens after the session: the staff's clock is then.
            let later = TestLab(lab: MuseoLab(client: t.client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, now: { Days.at(day, "13:00") }), configuration: t.configuration, people: t.people)
            try await TestServer.with(later.lab) { afterwards in
                let http = HTTPClient(afterwards)
                let early = try await http.send(
                    "POST", "/v1/sessions/\(id)/complete", token: t.people.manager.token,
                    json: ["actualStart": Days.iso(Days.at(day, "10:15")), "actualEnd": Days.iso(Days.at(day, "14:00"))])
                #expect(early.isProblem(422), "the actual end cannot be in the future")
                let done = try await http.send(
                    "POST", "/v1/sessions/\(id)/complete", token: t.people.manager.token,
                    json: ["actualStart": Days.iso(Days.at(day, "10:15")), "actualEnd": Days.iso(Days.at(day, "12:45")), "note": "overran"])
                #expect(done.status == 200, "\(done.text)")
                #expect(done.json["status"] as? String == "completed")
                #expect(done.json["actualDurationMinutes"] as? Int == 150)
                #expect(done.json["durationMinutes"] as? Int == 120)
                let events = try #require(done.json["events"] as? [[String: Any]])
                #expect(events.map { $0["to"] as? String } == ["requested", "confirmed", "completed"])
                #expect(events.last?["actor"] as? String == "user:manager@tests.museolab")
                #expect(events.last?["reason"] as? String == "overran")
                #expect(try await http.send("POST", "/v1/sessions/\(id)/cancel", token: t.people.member.token, json: ["reason": "x"]).isProblem(409))
            }
        }
    }

    /// The booking statement answers with the session read from the rows it inserts: that answer
    /// must be the session as any later read sees it, machines (in inventory order), staff and history included.
    @Test func aBookingAnswersWithTheSessionAsItIsStored() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let laser = try await t.machine("13995"), printer = try await t.machine("12548")
            _ = try await t.lab.authorisations.grant(
                to: t.people.member.user.id, machineId: laser.id, category: nil, grantedOn: nil, expiresOn: nil, note: nil,
                by: t.people.manager.actor)
            let day = Days.next(.wednesday)
            let booked = try await t.lab.sessions.request(
                SessionRequest(purpose: "Maquettes", participants: 3, period: Days.period(day, "14:00", "16:00"),
                               machineIds: [printer.id, laser.id]),
                by: t.people.member.actor)
            let stored = try await t.lab.sessions.get(booked.id, by: t.people.member.actor)
            #expect(booked == stored)
            #expect(Set(booked.machines.map(\.id)) == [laser.id, printer.id])
            #expect(booked.staff?.id == t.people.manager.user.id)
            #expect(booked.events.map(\.to) == [.requested])
            #expect(booked.number > 0 && booked.revision == 0 && booked.status == .requested)
        }
    }

    @Test func cancellationsRecordWhyAndFlagLateOnes() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.monday, weeksAhead: 2)
            let early = try #require(try await SessionRulesTests.book(http, t.people.member, Days.period(day, "10:00", "11:00")).json["id"] as? String)
            let late = try #require(try await SessionRulesTests.book(http, t.people.member, Days.period(day, "14:00", "15:00")).json["id"] as? String)
            _ = try await http.send("POST", "/v1/sessions/\(late)/confirm", token: t.people.manager.token)

            #expect(try await http.send("POST", "/v1/sessions/\(early)/cancel", token: t.people.member.token).isProblem(400), "a reason is required")
            #expect(try await http.send("POST", "/v1/sessions/\(early)/cancel", token: t.people.otherMember.token, json: ["reason": "x"]).isProblem(404))
            let cancelled = try await http.send("POST", "/v1/sessions/\(early)/cancel", token: t.people.member.token, json: ["reason": "exam moved"])
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(cancelled.json["lateCancellation"] as? Bool == false)
            #expect((cancelled.json["events"] as? [[String: Any]])?.last?["reason"] as? String == "exam moved")

            // The day before, inside the 48-hour notice.
            let dayBefore = TestLab(lab: MuseoLab(client: t.client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, now: { Days.at(day.adding(days: -1), "16:00") }), configuration: t.configuration, people: t.people)
            let lateCancel = try await dayBefore.lab.sessions.cancel(UUID(uuidString: late)!, reason: "ill", by: t.people.member.actor)
            #expect(lateCancel.lateCancellation)
            // The staff member is told the member cancelled.
            #expect(try await t.lab.notifications.mine(by: t.people.manager.actor).contains { $0.kind == "session.cancelled" })

            // Cancelled sessions free their slot.
            let again = try await SessionRulesTests.book(http, t.people.otherMember, Days.period(day, "14:00", "15:00"))
            #expect(again.status == 201)
        }
    }

    @Test func noShowsAreRecordedOnceTheSessionStarted() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.friday)
            let session = try await t.lab.sessions.request(
                SessionRequest(purpose: "Découpe", period: Days.period(day, "09:00", "10:00")), by: t.people.member.actor)
            _ = try await t.lab.sessions.confirm(session.id, by: t.people.manager.actor)
            await #expect(throws: Problem.self) { try await t.lab.sessions.noShow(session.id, by: t.people.manager.actor) }
            let during = MuseoLab(client: t.client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, now: { Days.at(day, "09:20") })
            await #expect(throws: Problem.self) { try await during.sessions.noShow(session.id, by: t.people.member.actor) }
            let absent = try await during.sessions.noShow(session.id, reason: "nobody came", by: t.people.manager.actor)
            #expect(absent.status == .noShow)
            #expect(absent.events.last?.reason == "nobody came")
            #expect(try await t.lab.notifications.mine(by: t.people.member.actor).contains { $0.kind == "session.no_show" })
        }
    }

    @Test func theDatabaseKeepsSessionsAndTheirHistory() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let session = try await t.lab.sessions.request(
                SessionRequest(purpose: "x", period: Days.period(Days.next(.friday), "11:00", "12:00")), by: t.people.member.actor)
            for statement: PostgresQueryLiteral in [
                .init("DELETE FROM support_sessions"), .init("DELETE FROM session_events"), .init("UPDATE session_events SET reason = 'rewritten'"),
            ] {
                await #expect(throws: (any Error).self) {
                    try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { try await $0.execute(statement.query) }
                }
            }
            #expect(try await t.lab.sessions.get(session.id, by: t.people.manager.actor).events.count == 1)
        }
    }
}
