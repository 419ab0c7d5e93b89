import Foundation
import Testing
@testable import MuseoLab

/// Every booking rule, through the HTTP API: bad requests are answered with the
/// problem type that names the rule, and nothing is stored.
@Suite struct SessionRulesTests {
    /// Books as `person`, returning the answer.
    static func book(_ http: HTTPClient, _ person: TestLab.Person, _ period: Period, machines: [Machine] = [], extra: [String: Any] = [:]) async throws -> HTTPAnswer {
        var body: [String: Any] = [
            "purpose": "Prototype de socle", "participants": 2, "start": Days.iso(period.start), "end": Days.iso(period.end),
            "machineIds": machines.map(\.id.text),
        ]
        body.merge(extra) { _, new in new }
        return try await http.send("POST", "/v1/sessions", token: person.token, json: body)
    }

    @Test func aValidRequestIsStoredWithAnAvailableStaffMember() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let printer = try await t.machine("12548")
            let answer = try await Self.book(HTTPClient(server), t.people.member, Days.period(day, "10:00", "12:30"), machines: [printer])
            #expect(answer.status == 201, "\(answer.text)")
            #expect(answer.json["status"] as? String == "requested")
            #expect((answer.json["staff"] as? [String: Any])?["id"] as? String == t.people.manager.user.id.text)
            #expect(answer.json["durationMinutes"] as? Int == 150)
            #expect(answer.json["agreementId"] as? String == "6f0b8d2e-0003-4000-8000-000000000001", "charged to the university's agreement")
            #expect((answer.json["localStart"] as? String)?.hasSuffix("T10:00:00+01:00") == true || (answer.json["localStart"] as? String)?.hasSuffix("T10:00:00+02:00") == true)
            #expect((answer.json["machines"] as? [[String: Any]])?.first?["inventoryNumber"] as? String == "12548")
            #expect(answer.header("Location") == "/v1/sessions/\(answer.json["id"] as? String ?? "")")
            let events = answer.json["events"] as? [[String: Any]]
            #expect(events?.first?["to"] as? String == "requested")
            #expect(events?.first?["actor"] as? String == "user:ana@univ-artois.fr")
        }
    }

    @Test func eachRuleIsNamed() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.wednesday)
            let member = t.people.member

            func expectRule(_ answer: HTTPAnswer, _ status: Int, _ type: String, field: String? = nil, _ comment: Comment) {
                #expect(answer.isProblem(status, type: type), "\(comment): \(answer.status) \(answer.text)")
                if let field { #expect(answer.json["field"] as? String == field, comment) }
            }

            expectRule(try await Self.book(http, member, Days.period(day, "11:00", "10:00")), 422, "end-not-after-start", field: "end", "end before start")
            expectRule(try await Self.book(http, member, Days.period(day, "10:00", "10:00")), 422, "end-not-after-start", "empty")
            let past = ParisClock.date(of: Date()).adding(days: -3)
            expectRule(try await Self.book(http, member, Days.period(past, "10:00", "11:00")), 422, "start-in-the-past", field: "start", "past")
            expectRule(try await Self.book(http, member, Days.period(day, "07:00", "09:30")), 422, "outside-opening-hours", "before opening")
            expectRule(try await Self.book(http, member, Days.period(day, "17:00", "19:00")), 422, "outside-opening-hours", "after closing")
            expectRule(try await Self.book(http, member, Days.period(Days.next(.saturday), "10:00", "11:00")), 422, "outside-opening-hours", "Saturday")
            expectRule(try await Self.book(http, member, Days.period(day, "09:00", "18:00").with(end: Days.at(day.adding(days: 1), "10:00"))), 422, "longer-than-maximum", "25 h")

            // A closure declared by LLV.
            let closed = Days.next(.thursday)
            _ = try await t.lab.calendar.addClosure(from: closed, to: closed, label: "Inventaire annuel", by: t.people.manager.actor)
            let closure = try await Self.book(http, member, Days.period(closed, "10:00", "11:00"))
            expectRule(closure, 422, "closure-day", "LLV closure")
            #expect((closure.json["detail"] as? String)?.contains("Inventaire annuel") == true)

            // The staff member is away.
            _ = try await t.lab.staffAvailability.addException(
                t.people.manager.user.id, period: Days.period(day, "14:00", "18:00"), available: false, reason: "formation", by: t.people.manager.actor)
            expectRule(try await Self.book(http, member, Days.period(day, "15:00", "16:00")), 422, "staff-unavailable", "absent staff")
            expectRule(
                try await Self.book(http, member, Days.period(day, "10:00", "11:00"), extra: ["staffId": t.people.admin.user.id.text]),
                422, "staff-unavailable", field: "staffId", "a staff member without availability")
            expectRule(
                try await Self.book(http, member, Days.period(day, "10:00", "11:00"), extra: ["staffId": t.people.otherMember.user.id.text]),
                422, "invalid-field", field: "staffId", "a member cannot supervise")

            // Machines: unknown, retired, in maintenance, not bookable, authorisation.
            expectRule(
                try await Self.book(http, member, Days.period(day, "10:00", "11:00"), extra: ["machineIds": [UUID().uuidString]]),
                422, "invalid-field", field: "machineIds", "unknown machine")
            let scanner = try await t.machine("18893")
            _ = try await t.lab.inventory.update(scanner.id, MachineChanges(status: .retired), by: t.people.manager.actor)
            expectRule(try await Self.book(http, member, Days.period(day, "10:00", "11:00"), machines: [scanner]), 422, "machine-unavailable", "retired")
            let plotter = try await t.machine("12549")
            _ = try await t.lab.inventory.update(plotter.id, MachineChanges(status: .maintenance), by: t.people.manager.actor)
            expectRule(try await Self.book(http, member, Days.period(day, "10:00", "11:00"), machines: [plotter]), 422, "machine-unavailable", "in maintenance")
            expectRule(try await Self.book(http, member, Days.period(day, "10:00", "11:00"), machines: [try await t.machine("19004")]), 422, "machine-unavailable", "not bookable")
            let laser = try await t.machine("13995")
            expectRule(try await Self.book(http, member, Days.period(day, "10:00", "11:00"), machines: [laser]), 403, "authorisation-required", "laser without training")

            _ = try await t.lab.maintenance.add(
                machineId: try await t.machine("12548").id, period: Days.period(day, "09:00", "12:00"), reason: "nozzle", cancelConflicting: false,
                by: t.people.manager.actor)
            expectRule(try await Self.book(http, member, Days.period(day, "11:00", "12:00"), machines: [try await t.machine("12548")]), 409, "booking-conflict", "maintenance window")

            #expect(try await t.count("SELECT count(*) FROM support_sessions") == 0, "nothing was stored")

            // With an authorisation for its category, the laser can be booked.
            _ = try await t.lab.authorisations.grant(
                to: member.user.id, machineId: nil, category: "laser-cutter", grantedOn: nil, expiresOn: nil, note: "formation du 3/11",
                by: t.people.manager.actor)
            let allowed = try await Self.book(http, member, Days.period(day, "10:00", "11:00"), machines: [laser])
            #expect(allowed.status == 201, "\(allowed.text)")
        }
    }

    @Test func aMemberBooksOnlyForThemselves() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let period = Days.period(Days.next(.monday), "14:00", "15:00")
            let forOther = try await Self.book(http, t.people.member, period, extra: ["requesterId": t.people.otherMember.user.id.text])
            #expect(forOther.isProblem(403))
            let byManager = try await Self.book(http, t.people.manager, period, extra: ["requesterId": t.people.otherMember.user.id.text])
            #expect(byManager.status == 201)
            #expect((byManager.json["requester"] as? [String: Any])?["email"] as? String == "bruno@univ-artois.fr")
            // Bruno sees it, Ana does not.
            let id = try #require(byManager.json["id"] as? String)
            #expect(try await http.get("/v1/sessions/\(id)", token: t.people.otherMember.token).status == 200)
            #expect(try await http.get("/v1/sessions/\(id)", token: t.people.member.token).isProblem(404))
            #expect(try await http.get("/v1/sessions", token: t.people.member.token).items.isEmpty)
            #expect(try await http.get("/v1/sessions", token: t.people.otherMember.token).items.count == 1)
            #expect(try await http.get("/v1/sessions", token: t.people.accountant.token).items.count == 1)
        }
    }

    @Test func unsupervisedBookingsAreForAuthorisedCustomersOutsideAnAgreement() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let museum = try await t.lab.organisations.create(NewOrganisation(name: "Musée du Louvre-Lens", tariffCategory: "public_body"), by: t.people.admin.actor)
            let curator = try await t.lab.users.add(
                NewUser(email: "regie@louvrelens.fr", displayName: "Régie", organisationId: museum.id, role: .member), by: t.people.admin.actor)
            let token = try await t.lab.tokens.create(for: curator.id, label: "t", expiresAt: nil, by: t.people.admin.actor).secret
            let curatorPerson = TestLab.Person(user: curator, token: token)
            let printer = try await t.machine("12548")
            let period = Days.period(Days.next(.tuesday), "10:00", "12:00")

            let university = try await Self.book(http, t.people.member, period, machines: [printer], extra: ["supervised": false])
            #expect(university.isProblem(422), "university members come supervised")
            let unauthorised = try await Self.book(http, curatorPerson, period, machines: [printer], extra: ["supervised": false])
            #expect(unauthorised.isProblem(403, type: "authorisation-required"))
            _ = try await t.lab.authorisations.grant(
                to: curator.id, machineId: printer.id, category: nil, grantedOn: nil, expiresOn: nil, note: nil, by: t.people.manager.actor)
            let booked = try await Self.book(http, curatorPerson, period, machines: [printer], extra: ["supervised": false])
            #expect(booked.status == 201, "\(booked.text)")
            #expect(booked.json["supervised"] as? Bool == false)
            #expect(booked.json["staff"] == nil)
            #expect(booked.json["agreementId"] == nil)
        }
    }
}

extension Period {
    func with(end: Date) -> Period { Period(start: start, end: end) }
}
