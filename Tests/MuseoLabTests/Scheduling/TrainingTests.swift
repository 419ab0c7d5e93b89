import Foundation
import Testing
@testable import MuseoLab

/// The training before a machine, through the API and the CLI: a member asks, the manager plans
/// it as a supervised session, completing it grants the authorisation (with its validity) and
/// tells the member, who can then book the machine; an authorisation about to end is announced.
@Suite struct TrainingTests {
    @Test func completingATrainingGrantsTheAuthorisationAndTheMemberCanThenBook() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let laser = try await t.machine("13995")
            let day = Days.next(.tuesday)
            // Without the training, the laser cutter is refused.
            #expect(try await SessionRulesTests.book(http, t.people.member, Days.period(day.adding(days: 1), "10:00", "11:00"), machines: [laser])
                .isProblem(403, type: "authorisation-required"))

            let asked = try await http.send("POST", "/v1/trainings", token: t.people.member.token, json: ["machineId": laser.id.text, "note": "pour mon projet"])
            #expect(asked.status == 201 && asked.json["status"] as? String == "asked", "\(asked.text)")
            let id = try #require(asked.json["id"] as? String)
            #expect(try await http.send("POST", "/v1/trainings", token: t.people.member.token, json: [:]).isProblem(422), "a machine or a category")
            let plan: [String: Any] = ["start": Days.iso(Days.at(day, "14:00")), "end": Days.iso(Days.at(day, "16:00")), "validityMonths": 24]
            #expect(try await http.send("POST", "/v1/trainings/\(id)/plan", token: t.people.member.token, json: plan).isProblem(403))
            let planned = try await http.send("POST", "/v1/trainings/\(id)/plan", token: t.people.manager.token, json: plan)
            #expect(planned.status == 201, "\(planned.text)")
            let session = try #require(planned.json["session"] as? [String: Any])
            #expect(session["purpose"] as? String == "Formation : \(laser.nature)")
            #expect((session["machines"] as? [[String: Any]])?.first?["id"] as? String == laser.id.text, "the machine is booked for the training")
            #expect((planned.json["training"] as? [String: Any])?["status"] as? String == "planned")
            #expect(try await http.send("POST", "/v1/trainings/\(id)/plan", token: t.people.manager.token, json: plan).isProblem(409), "planned once")

            // The manager confirms, then completes it after the fact: the authorisation is granted for two years.
            let sessionId = try #require(UUID(uuidString: session["id"] as? String ?? ""))
            _ = try await t.lab.sessions.confirm(sessionId, by: t.people.manager.actor)
            _ = try await t.at(Days.at(day, "17:00")).sessions.complete(
                sessionId, actual: Days.period(day, "14:00", "16:15"), by: t.people.manager.actor)
            let held = try await http.get("/v1/authorisations", token: t.people.member.token).items
            #expect(held.count == 1)
            #expect(held.first?["machineId"] as? String == laser.id.text)
            #expect(held.first?["grantedOn"] as? String == day.description)
            #expect(held.first?["expiresOn"] as? String == day.adding(months: 24).description)
            let trainings = try await http.get("/v1/trainings", token: t.people.member.token).items
            #expect(trainings.map { $0["status"] as? String } == ["granted"])
            #expect(trainings.first?["authorisationId"] as? String == held.first?["id"] as? String)
            let told = try await http.get("/v1/me/notifications", token: t.people.member.token).items.filter { $0["kind"] as? String == "training.granted" }
            #expect(told.count == 1 && (told.first?["subject"] as? String) == "Formation validée : \(laser.nature)")
            let mails = try await t.lab.database.read { session in
                try await session.rows("SELECT recipient FROM outbox_messages WHERE topic = \("training:\(id)")").map { try $0.decode(String.self) }
            }
            #expect(mails == [t.people.member.user.email])

            // Now Ana books the laser cutter herself.
            let booked = try await SessionRulesTests.book(http, t.people.member, Days.period(day.adding(days: 1), "10:00", "11:00"), machines: [laser])
            #expect(booked.status == 201, "\(booked.text)")
            // The member sees only their own requests; the accountant none of anyone's.
            #expect(try await http.get("/v1/trainings", token: t.people.otherMember.token).items.isEmpty)
            #expect(try await http.get("/v1/trainings", token: t.people.manager.token).items.count == 1)
        }
    }

    @Test func anAuthorisationAboutToEndIsAnnouncedOnceAMonthBefore() async throws {
        try await TestLab.with { t in
            let today = ParisClock.date(of: t.lab.now())
            let laser = try await t.machine("13995")
            let ending = try await t.lab.authorisations.grant(
                to: t.people.member.user.id, machineId: laser.id, category: nil, grantedOn: today.adding(days: -700), expiresOn: today.adding(days: 20),
                note: nil, by: t.people.manager.actor)
            _ = try await t.lab.authorisations.grant(
                to: t.people.otherMember.user.id, machineId: laser.id, category: nil, grantedOn: nil, expiresOn: today.adding(days: 45), note: nil,
                by: t.people.manager.actor)
            #expect(try await t.lab.reminders().queueDue().expiries == 1, "the one ending within a month")
            #expect(try await t.lab.reminders().queueDue().expiries == 0, "once")
            let mail = try await t.lab.database.read { session in
                try await session.first("SELECT recipient, subject FROM outbox_messages WHERE topic = \("authorisation-expiry:\(ending.id.text)")")
                    .map { try $0.decode((String, String).self) }
            }
            #expect(mail?.0 == t.people.member.user.email)
            #expect(mail?.1 == "Votre habilitation prend fin le \(FrenchWording.day(today.adding(days: 20)))")
            // The CLI asks for a training on behalf of no one: a member asks for themselves.
            let cli = try await CommandLineTool.run(["trainings", "list", "--json"], databaseURL: t.databaseURL)
            #expect(cli.status == 0 && (cli.json as? [Any])?.isEmpty == true, "\(cli.output)")
        }
    }

    @Test func monthsAreAddedOnTheCalendar() {
        #expect(CalendarDate("2026-08-31")!.adding(months: 6) == CalendarDate("2027-02-28")!)
        #expect(CalendarDate("2027-12-15")!.adding(months: 24) == CalendarDate("2029-12-15")!)
        #expect(CalendarDate("2028-02-29")!.adding(months: 12) == CalendarDate("2029-02-28")!)
    }
}
