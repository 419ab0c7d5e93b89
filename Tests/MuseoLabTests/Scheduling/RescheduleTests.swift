import Foundation
import Testing
@testable import MuseoLab

/// A session moved to another time (issue 17's "a moved session is reminded again"): through the
/// API and the CLI, by the staff only, under the rules of a booking at the new time; the
/// reminder of the new revision is sent again with the new time, the requester is told, and the
/// quota's commitment follows the new length; what is refused changes nothing.
@Suite struct RescheduleTests {
    @Test func aMovedSessionIsRemindedAgainAtItsNewTimeAndItsCommitmentFollows() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let (member, manager) = (t.people.member, t.people.manager)
            let printer = try await t.machine("12548")
            let tuesday = Days.next(.tuesday, weeksAhead: 2)
            let thursday = tuesday.adding(days: 2)
            let booked = try await t.lab.sessions.request(
                SessionRequest(purpose: "Socle de lampe", period: Days.period(tuesday, "10:00", "12:00"), machineIds: [printer.id]), by: member.actor)
            let confirmed = try await t.lab.sessions.confirm(booked.id, by: manager.actor)
            let other = try await t.lab.sessions.request(
                SessionRequest(purpose: "Autre", period: Days.period(thursday, "09:00", "10:00"), machineIds: [printer.id]), by: t.people.otherMember.actor)
            // Reminded the day before Tuesday, at its first revision.
            #expect(try await t.at(Days.at(tuesday.adding(days: -1), "11:00")).reminders().queueDue().reminders == 1)
            func committed() async throws -> Int {
                try await t.count("SELECT coalesce(sum(committed_minutes), 0) FROM quota_ledger WHERE session_id = \(booked.id)")
            }
            #expect(try await committed() == 120)
            func move(_ start: Date, _ end: Date, as person: TestLab.Person) async throws -> HTTPAnswer {
                try await http.send("POST", "/v1/sessions/\(booked.id.text)/reschedule", token: person.token,
                                    json: ["start": Days.iso(start), "end": Days.iso(end), "reason": "l'encadrant est en formation mardi"])
            }

            // Refused, and nothing changes: a member; the printer taken then; a Sunday; the same time.
            #expect(try await move(Days.at(thursday, "14:00"), Days.at(thursday, "17:00"), as: member).isProblem(403))
            #expect(try await move(Days.at(thursday, "09:30"), Days.at(thursday, "11:00"), as: manager).isProblem(409, type: "booking-conflict"))
            let sunday = tuesday.adding(days: 5)
            let closed = try await move(Days.at(sunday, "10:00"), Days.at(sunday, "12:00"), as: manager)
            #expect(closed.status == 422 || closed.status == 409, "\(closed.text)")
            #expect(try await move(Days.at(tuesday, "10:00"), Days.at(tuesday, "12:00"), as: manager).isProblem(422))
            let unchanged = try await t.lab.sessions.get(booked.id, by: manager.actor)
            #expect(unchanged.period == confirmed.period && unchanged.revision == confirmed.revision)

            // Bruno waits for the printer on Tuesday morning.
            _ = try await t.lab.waitingList.ask(
                machineId: printer.id, staffId: nil, period: Days.period(tuesday, "10:00", "12:00"), by: t.people.otherMember.actor)

            // Moved to Thursday afternoon, one hour longer.
            let moved = try await move(Days.at(thursday, "14:00"), Days.at(thursday, "17:00"), as: manager)
            #expect(moved.status == 200, "\(moved.text)")
            #expect(moved.json["status"] as? String == "confirmed")
            #expect(moved.json["start"] as? String == Days.iso(Days.at(thursday, "14:00")))
            let after = try await t.lab.sessions.get(booked.id, by: manager.actor)
            #expect(after.revision == confirmed.revision + 1)
            let event = try #require(after.events.last)
            #expect(event.from == .confirmed && event.to == .confirmed && event.reason == "l'encadrant est en formation mardi")
            #expect(try await committed() == 180, "the commitment follows the new length")
            // The printer is free again on Tuesday morning, taken on Thursday afternoon.
            #expect(try await t.lab.sessions.request(
                SessionRequest(purpose: "Libéré", period: Days.period(tuesday, "10:00", "11:00"), machineIds: [printer.id]),
                by: t.people.otherMember.actor).status == .requested)
            #expect(try await http.send("POST", "/v1/sessions", token: t.people.otherMember.token, json: [
                "purpose": "Pris", "start": Days.iso(Days.at(thursday, "15:00")), "end": Days.iso(Days.at(thursday, "16:00")), "machineIds": [printer.id.text],
            ]).isProblem(409))

            // Bruno is told Tuesday morning freed up.
            #expect(try await t.count("SELECT count(*) FROM notifications WHERE user_id = \(t.people.otherMember.user.id) AND kind = 'waiting_list.freed'") == 1)

            // Ana is told, with both times.
            let told = try await t.lab.database.read { session in
                try await session.rows("SELECT subject, body FROM notifications WHERE user_id = \(member.user.id) AND kind = 'session.rescheduled'")
                    .map { try $0.decode((String, String).self) }
            }
            #expect(told.map(\.0) == ["Séance \(booked.reference) déplacée"])
            #expect(told.first?.1 == "Votre séance du \(FrenchWording.slot(confirmed.period)) est déplacée au \(FrenchWording.slot(after.period)) : l'encadrant est en formation mardi")

            // Reminded again, once, the day before Thursday, at the new time; nothing more on Monday's pass.
            #expect(try await t.at(Days.at(tuesday.adding(days: -1), "12:00")).reminders().queueDue().reminders == 0)
            let wednesday = Days.at(thursday.adding(days: -1), "15:00")
            let (first, second) = (t.at(wednesday).reminders(), t.at(wednesday).reminders())
            async let a = first.queueDue()
            async let b = second.queueDue()
            _ = try await (a, b)
            let reminders = try await t.lab.database.read { session in
                try await session.rows("SELECT topic, subject FROM outbox_messages WHERE topic LIKE \("reminder:\(booked.id.text):%") ORDER BY topic")
                    .map { try $0.decode((String, String).self) }
            }
            #expect(reminders.map(\.0) == ["reminder:\(booked.id.text):\(confirmed.revision)", "reminder:\(booked.id.text):\(after.revision)"])
            #expect(reminders.last?.1 == "Rappel : séance \(booked.reference) le \(FrenchWording.slot(after.period))")

            // The CLI moves a request; a cancelled session keeps its time.
            let cli = try await CommandLineTool.run(
                ["sessions", "reschedule", other.reference, "--start", "\(thursday) 12:00", "--end", "\(thursday) 13:00"], databaseURL: t.databaseURL)
            #expect(cli.status == 0, "\(cli.output)")
            #expect(try await t.lab.sessions.get(other.id, by: manager.actor).period == Days.period(thursday, "12:00", "13:00"))
            _ = try await t.lab.sessions.cancel(other.id, reason: "plus besoin", by: t.people.otherMember.actor)
            let again = try await http.send("POST", "/v1/sessions/\(other.id.text)/reschedule", token: manager.token,
                                            json: ["start": Days.iso(Days.at(thursday, "13:00")), "end": Days.iso(Days.at(thursday, "14:00"))])
            #expect(again.status == 409 || again.status == 422, "\(again.text)")
            #expect(try await committed() == 180, "refusals change nothing")
        }
    }
}
