import Foundation
import Testing
@testable import MuseoLab

/// Sessions recorded afterwards, through the API and the CLI: a walk-in recorded once over is
/// completed, counts in the ledger (and raises its alert once), says who recorded it, is refused
/// over what was booked, and goes back the recording window only, further for an administrator.
@Suite struct RecordedAfterwardsTests {
    static func body(
        _ t: TestLab, _ period: Period, staff: TestLab.Person? = nil, machines: [Machine] = [], purpose: String = "Passage sans rendez-vous"
    ) -> [String: Any] {
        [
            "requesterId": t.people.otherMember.user.id.text, "staffId": (staff ?? t.people.manager).user.id.text, "purpose": purpose,
            "participants": 3, "actualStart": Days.iso(period.start), "actualEnd": Days.iso(period.end), "machineIds": machines.map(\.id.text),
        ]
    }

    @Test func aWalkInRecordedAfterwardsCountsLikeACompletionAndRaisesItsAlertOnce() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let manager = t.people.manager.actor
            let laser = try await t.machine("13995")
            // What was really booked that day: Ana's session, 14:00–15:00, with the manager.
            let booked = try await t.lab.sessions.request(
                SessionRequest(purpose: "Prototype", period: Days.period(day, "14:00", "15:00")), by: t.people.member.actor)
            _ = try await t.lab.maintenance.add(
                machineId: laser.id, period: Days.period(day, "16:00", "17:00"), reason: "Changement de lentille", cancelConflicting: false,
                by: manager)
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: day.year, minutes: 17_940, reason: "historique", by: manager)

            // The evening of that day.
            try await TestServer.with(t.at(Days.at(day, "19:00"))) { server in
                let http = HTTPClient(server)
                let walkIn = Days.period(day, "09:30", "11:30")
                #expect(try await http.send("POST", "/v1/sessions/recorded", token: t.people.member.token, json: Self.body(t, walkIn)).isProblem(403))

                let recorded = try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token, json: Self.body(t, walkIn, machines: [laser]))
                #expect(recorded.status == 201, "\(recorded.text)")
                #expect(recorded.header("Location") == "/v1/sessions/\(recorded.json["id"] as? String ?? "")")
                #expect(recorded.json["status"] as? String == "completed")
                #expect(recorded.json["recordedAfterwards"] as? Bool == true)
                #expect(recorded.json["actualDurationMinutes"] as? Int == 120)
                #expect((recorded.json["requester"] as? [String: Any])?["id"] as? String == t.people.otherMember.user.id.text)
                let events = recorded.json["events"] as? [[String: Any]] ?? []
                #expect(events.map { $0["to"] as? String } == ["requested", "completed"])
                #expect(events.first?["reason"] as? String == "recorded afterwards")
                #expect(events.allSatisfy { $0["actor"] as? String == "user:\(t.people.manager.user.email)" }, "recorded by whom")
                #expect((recorded.json["machines"] as? [[String: Any]])?.first?["id"] as? String == laser.id.text,
                        "the laser needs an authorisation to book, not to record a supervised use that took place")

                // In the ledger as a consumption, committed never; the 75 % threshold crossed, once.
                let id = try #require(UUID(uuidString: recorded.json["id"] as? String ?? ""))
                let entries = try await t.lab.quota.ledger(TestLab.agreement, year: day.year, by: manager).filter { $0.sessionId == id }
                #expect(entries.map(\.kind) == [.consumption])
                #expect(entries.map(\.committedMinutes) == [0] && entries.map(\.consumedMinutes) == [120])
                #expect(entries.first?.reason == "recorded afterwards")
                #expect(try await t.lab.alerts.list(agreementId: TestLab.agreement, year: day.year, by: manager).map(\.threshold) == [75])
                let second = try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token, json: Self.body(t, Days.period(day, "11:30", "12:30")))
                #expect(second.status == 201, "\(second.text)")
                #expect(try await t.lab.alerts.list(agreementId: TestLab.agreement, year: day.year, by: manager).map(\.threshold) == [75], "once")
                #expect(try await t.balanceMatchesLedger(year: day.year).consumedMinutes == 17_940 + 180)

                // Not over what was booked: the manager's session at 14:00, the laser's maintenance at 16:00.
                let overSession = try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token, json: Self.body(t, Days.period(day, "14:30", "15:30")))
                #expect(overSession.isProblem(409, type: "booking-conflict") && overSession.json["field"] as? String == "staffId", "\(overSession.text)")
                let overMaintenance = try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token,
                    json: Self.body(t, Days.period(day, "16:30", "17:30"), staff: t.people.admin, machines: [laser]))
                #expect(overMaintenance.isProblem(409, type: "booking-conflict"), "\(overMaintenance.text)")
                #expect((overMaintenance.json["detail"] as? String)?.contains("maintenance") == true)
                #expect(try await t.lab.sessions.get(booked.id, by: manager).status == .requested, "what was booked is untouched")

                // Once over only; and an unknown field or a missing one loses nothing.
                let future = try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token, json: Self.body(t, Days.period(day, "18:30", "20:00")))
                #expect(future.isProblem(422) && future.json["field"] as? String == "actualEnd", "\(future.text)")
                var withoutStaff = Self.body(t, Days.period(day, "12:30", "13:00"))
                withoutStaff["staffId"] = nil
                let unnamed = try await http.send("POST", "/v1/sessions/recorded", token: t.people.manager.token, json: withoutStaff)
                #expect(unnamed.isProblem(422) && unnamed.json["field"] as? String == "staffId", "\(unnamed.text)")

                // 40 days back: beyond the manager's window (31 days), within an administrator's.
                let old = day.adding(days: -40)
                let tooOld = try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token, json: Self.body(t, Days.period(old, "10:00", "11:00")))
                #expect(tooOld.isProblem(403), "\(tooOld.text)")
                #expect((tooOld.json["detail"] as? String)?.contains("more than 31 days ago") == true)
                #expect(try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.admin.token, json: Self.body(t, Days.period(old, "10:00", "11:00"))).status == 201)
                // The window is a booking rule: widened, the manager records further back.
                let rules = try await http.send("PATCH", "/v1/calendar/rules", token: t.people.manager.token, json: ["recordingWindowDays": 60])
                #expect(rules.status == 200 && rules.json["recordingWindowDays"] as? Int == 60, "\(rules.text)")
                #expect(try await http.send(
                    "POST", "/v1/sessions/recorded", token: t.people.manager.token, json: Self.body(t, Days.period(old, "14:00", "15:00"))).status == 201)
            }
        }
    }

    @Test func theCommandLineRecordsASessionAfterwards() async throws {
        try await TestLab.with { t in
            let yesterday = ParisClock.date(of: Date()).adding(days: -1)
            let run = try await CommandLineTool.run(
                ["sessions", "record", "--user", t.people.member.user.email, "--staff", t.people.manager.user.email,
                 "--actual-start", "\(yesterday) 10:00", "--actual-end", "\(yesterday) 11:30", "--purpose", "Oublié dans le planning", "--json"],
                databaseURL: t.databaseURL)
            #expect(run.status == 0, "\(run.output)")
            let json = try #require(run.json as? [String: Any], "\(run.output)")
            #expect(json["status"] as? String == "completed" && json["recordedAfterwards"] as? Bool == true)
            let shown = try await CommandLineTool.run(["sessions", "show", json["id"] as? String ?? ""], databaseURL: t.databaseURL)
            #expect(shown.output.contains("completed (recorded afterwards)"), "\(shown.output)")
            #expect(shown.output.contains("«recorded afterwards»"))
            let rules = try await CommandLineTool.run(["calendar", "rules", "--recording-days", "10"], databaseURL: t.databaseURL)
            #expect(rules.output.contains("up to 10 days back"), "\(rules.output)")
        }
    }
}
