import Foundation
import Testing
@testable import MuseoLab

/// Maintenance windows block bookings; free periods are the opening hours minus
/// bookings, maintenance and closures.
@Suite struct MaintenanceAndAvailabilityTests {
    @Test func maintenanceOverBookingsIsRefusedUnlessTheyAreCancelled() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.wednesday)
            let laser = try await t.machine("13995")
            _ = try await t.lab.authorisations.grant(
                to: t.people.member.user.id, machineId: laser.id, category: nil, grantedOn: nil, expiresOn: nil, note: nil, by: t.people.manager.actor)
            let booked = try await SessionRulesTests.book(http, t.people.member, Days.period(day, "10:00", "12:00"), machines: [laser])
            let sessionId = try #require(booked.json["id"] as? String)
            _ = try await http.send("POST", "/v1/sessions/\(sessionId)/confirm", token: t.people.manager.token)

            let path = "/v1/machines/\(laser.id.text)/maintenance"
            let window: [String: Any] = ["start": Days.iso(Days.at(day, "09:00")), "end": Days.iso(Days.at(day, "13:00")), "reason": "lens replacement"]
            #expect(try await http.send("POST", path, token: t.people.member.token, json: window).isProblem(403))
            let refused = try await http.send("POST", path, token: t.people.manager.token, json: window)
            #expect(refused.isProblem(409, type: "booking-conflict"))
            #expect((refused.json["detail"] as? String)?.contains("S-") == true, "names the sessions in the way")
            #expect(try await t.lab.sessions.get(UUID(uuidString: sessionId)!, by: t.people.manager.actor).status == .confirmed)

            var forced = window
            forced["cancelConflicting"] = true
            let created = try await http.send("POST", path, token: t.people.manager.token, json: forced)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["cancelledSessionIds"] as? [String] == [sessionId])
            let cancelled = try await http.get("/v1/sessions/\(sessionId)", token: t.people.member.token)
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(((cancelled.json["events"] as? [[String: Any]])?.last?["reason"] as? String)?.contains("lens replacement") == true)
            let notices = try await http.get("/v1/me/notifications?unread=true", token: t.people.member.token)
            #expect(notices.items.contains { ($0["subject"] as? String)?.contains("maintenance") == true })

            // The machine is blocked during the window; withdrawing it frees the machine.
            let blocked = try await SessionRulesTests.book(http, t.people.otherMember, Days.period(day, "10:00", "11:00"), machines: [laser])
            #expect(blocked.isProblem(403) || blocked.isProblem(409))
            let windowId = try #require(created.json["id"] as? String)
            #expect(try await http.send("POST", "/v1/maintenance/\(windowId)/withdraw", token: t.people.manager.token).json["withdrawnAt"] is String)
            let list = try await http.get(path, token: t.people.member.token)
            #expect(list.items.isEmpty)
        }
    }

    @Test func freePeriodsAreOpeningHoursMinusBookingsMaintenanceAndClosures() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let monday = Days.next(.monday, weeksAhead: 2)
            let printer = try await t.machine("12548")
            _ = try await SessionRulesTests.book(http, t.people.member, Days.period(monday, "10:00", "11:30"), machines: [printer])
            _ = try await t.lab.maintenance.add(
                machineId: printer.id, period: Days.period(monday, "14:00", "15:00"), reason: "calibration", cancelConflicting: false,
                by: t.people.manager.actor)
            _ = try await t.lab.calendar.addClosure(from: monday.adding(days: 1), to: monday.adding(days: 1), label: "Séminaire", by: t.people.manager.actor)

            let from = Days.iso(Days.at(monday, "00:00")), to = Days.iso(Days.at(monday.adding(days: 2), "00:00"))
            let answer = try await http.get(
                "/v1/machines/\(printer.id.text)/availability?from=\(from.urlEncoded)&to=\(to.urlEncoded)", token: t.people.member.token)
            #expect(answer.status == 200, "\(answer.text)")
            let free = (answer.json["free"] as? [[String: Any]] ?? []).map { ($0["start"] as? String ?? "", $0["end"] as? String ?? "") }
            let expected = [
                (Days.at(monday, "09:00"), Days.at(monday, "10:00")), (Days.at(monday, "11:30"), Days.at(monday, "14:00")),
                (Days.at(monday, "15:00"), Days.at(monday, "18:00")),
            ].map { (Days.iso($0.0), Days.iso($0.1)) }
            #expect(free.map(\.0) == expected.map(\.0))
            #expect(free.map(\.1) == expected.map(\.1), "Tuesday is closed")

            let tooLong = try await http.get(
                "/v1/machines/\(printer.id.text)/availability?from=\(from.urlEncoded)&to=\(Days.iso(Days.at(monday.adding(days: 90), "00:00")).urlEncoded)",
                token: t.people.member.token)
            #expect(tooLong.isProblem(422))
            let backwards = try await http.get("/v1/machines/\(printer.id.text)/availability?from=\(to.urlEncoded)&to=\(from.urlEncoded)", token: t.people.member.token)
            #expect(backwards.isProblem(422, type: "end-not-after-start"))
        }
    }

    @Test func openingHoursAndStaffPatternsAreConfigurable() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let hours = try await http.get("/v1/calendar/opening-hours", token: t.people.member.token)
            #expect((hours.json["intervals"] as? [[String: Any]])?.count == 5)
            let saturday: [String: Any] = ["intervals": [["weekday": 6, "start": "10:00", "end": "13:00"], ["weekday": 6, "start": "12:00", "end": "17:00"]]]
            let overlapping = try await http.send("PUT", "/v1/calendar/opening-hours", token: t.people.manager.token, json: saturday)
            #expect(overlapping.isProblem(422))
            let badTime = try await http.send(
                "PUT", "/v1/calendar/opening-hours", token: t.people.manager.token, json: ["intervals": [["weekday": 6, "start": "25:00", "end": "26:00"]]])
            #expect(badTime.isProblem(422))
            #expect(badTime.json["field"] as? String == "intervals[0].start")
            #expect(try await http.send("PUT", "/v1/calendar/opening-hours", token: t.people.member.token, json: ["intervals": []]).isProblem(403))
            let set = try await http.send(
                "PUT", "/v1/calendar/opening-hours", token: t.people.manager.token,
                json: ["intervals": [["weekday": 2, "start": "09:30", "end": "12:30"], ["weekday": 2, "start": "14:00", "end": "19:00"]]])
            #expect((set.json["intervals"] as? [[String: Any]])?.count == 2)

            let rules = try await http.send("PATCH", "/v1/calendar/rules", token: t.people.manager.token, json: ["maximumDurationMinutes": 240])
            #expect(rules.json["maximumDurationMinutes"] as? Int == 240)
            #expect(rules.json["cancellationNoticeMinutes"] as? Int == 2880)

            let weekly = try await http.send(
                "PUT", "/v1/staff/\(t.people.manager.user.id.text)/availability/weekly", token: t.people.manager.token,
                json: ["intervals": [["weekday": 2, "start": "09:30", "end": "19:00"]]])
            #expect(weekly.status == 200)
            let staff = try await http.get("/v1/staff", token: t.people.member.token)
            #expect(staff.items.contains { $0["email"] as? String == "manager@tests.museolab" })

            let closures = try await http.get("/v1/calendar/closures?year=2027", token: t.people.member.token)
            #expect(closures.items.filter { $0["kind"] as? String == "public_holiday" }.count == 11)
        }
    }

    @Test func durationsAcrossDaylightSavingChangesThroughTheAPI() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            // Night sessions on the Sundays the clocks change in 2027.
            let night = ["intervals": [["weekday": 7, "start": "00:00", "end": "06:00"]]]
            _ = try await http.send("PUT", "/v1/calendar/opening-hours", token: t.people.manager.token, json: night)
            _ = try await http.send("PUT", "/v1/staff/\(t.people.manager.user.id.text)/availability/weekly", token: t.people.manager.token, json: night)
            for (day, minutes) in [("2027-03-28", 120), ("2027-10-31", 240)] {
                let date = CalendarDate(day)!
                let answer = try await SessionRulesTests.book(http, t.people.member, Days.period(date, "01:00", "04:00"))
                #expect(answer.status == 201, "\(answer.text)")
                #expect(answer.json["durationMinutes"] as? Int == minutes, "01:00–04:00 on \(day)")
            }
        }
    }
}

extension String {
    var urlEncoded: String { addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~")))! }
}
