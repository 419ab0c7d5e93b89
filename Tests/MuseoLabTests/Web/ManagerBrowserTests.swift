import Foundation
import MuseoLab
import MuseoLabRuntime
import Testing

/// The manager's console in a real browser (Tests/browser/manager_flows.py): a manager confirms a
/// session from the planner, completes it once it has started, and the quota page shows it, its
/// chart checked against its figures; two managers accepting overlapping room requests at once get
/// one success and one clear refusal; a session is booked on a member's behalf; a dry-run annex import shows annex 1's warnings and applies
/// nothing; an authorisation is granted and revoked; a maintenance over a booking is refused, then
/// planned with the booking cancelled. Screenshots of every page (desktop and 390 px) go to
/// .build/artefacts/screenshots.
@Suite struct ManagerBrowserTests {
    @Test func aManagerConfirmsAndCompletesFromThePlannerAndTheQuotaShowsIt() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let year = day.year
            // The year so far: 150 h recorded by hand, so the chart has something to draw.
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 150 * 60, reason: "relevé du premier semestre", by: t.people.manager.actor)
            let session = try await t.lab.sessions.request(
                SessionRequest(purpose: "Maquette du musée", period: Days.period(day, "10:00", "12:00"), machineIds: [try await t.machine("12548").id]),
                by: t.people.member.actor)
            // A booking of the printer that a maintenance will cancel.
            let booked = Days.next(.tuesday, weeksAhead: 2)
            let inTheWay = try await t.lab.sessions.request(
                SessionRequest(purpose: "Prototype", period: Days.period(booked, "14:00", "16:00"), machineIds: [try await t.machine("12548").id]),
                by: t.people.otherMember.actor)
            // Two requests for the meeting room at the same hour, by two members.
            let room = Days.period(Days.next(.wednesday, weeksAhead: 2), "14:00", "16:00")
            let first = try await t.lab.roomBookings.request(
                RoomBookingRequest(room: "meeting", layout: "meeting", period: room, attendees: 6, purpose: "Réunion de projet"), by: t.people.member.actor)
            let second = try await t.lab.roomBookings.request(
                RoomBookingRequest(room: "meeting", layout: "meeting", period: room, attendees: 8, purpose: "Jury"), by: t.people.otherMember.actor)

            // Two servers on the database: one at today's clock, one when the session has just ended
            // (to complete it), each with its own sign-in links.
            let later = t.at(session.period.end.addingTimeInterval(30 * 60))
            @Sendable func link(_ lab: MuseoLab, _ base: String, _ person: TestLab.Person) async throws -> String {
                let signIn = WebSignIn(database: lab.database, now: lab.now)
                let issued = try #require(try await signIn.requestLink(email: person.user.email, from: "tests") { "\(base)/connexion/lien?jeton=\($0)" })
                return "\(base)/connexion/lien?jeton=\(issued.secret)"
            }
            try FileManager.default.createDirectory(at: BrowserTests.screenshots, withIntermediateDirectories: true)
            let (status, output) = try await TestServer.with(t.lab) { now in
                try await TestServer.with(later) { afterwards in
                    let browser = try BrowserRun.start([
                        ProjectFolders.root.appendingPathComponent("Tests/browser/manager_flows.py").path,
                        now.base, afterwards.base, BrowserTests.screenshots.path,
                        try await link(t.lab, now.base, t.people.manager), try await link(t.lab, now.base, t.people.admin),
                        try await link(later, afterwards.base, t.people.manager),
                        session.reference, first.reference, second.reference,
                        ProjectFolders.sql.appendingPathComponent("seed/annexe-1-2026.tsv").path, booked.description,
                    ])
                    return try await browser.result()
                }
            }
            #expect(status == 0, "\(output)")
            #expect(output.hasSuffix("ok\n"), "\(output)")

            // What the pages did is what the domain holds.
            let done = try await t.lab.sessions.get(session.id, by: t.people.manager.actor)
            #expect(done.status == .completed)
            #expect(done.actualPeriod == Days.period(day, "10:00", "11:45"))
            // Yesterday's walk-in, recorded afterwards: completed at once, counted in its year.
            let walkIn = try await t.lab.sessions.list(SessionFilter(requesterId: t.people.otherMember.user.id), by: t.people.manager.actor)
                .filter { $0.purpose == "Passage sans rendez-vous" }
            #expect(walkIn.count == 1 && walkIn.first?.status == .completed && walkIn.first?.recordedAfterwards == true)
            let walkInMinutes = walkIn.first.map { ParisClock.date(of: $0.period.start).year == year ? $0.period.minutes : 0 } ?? 0
            let balance = try await t.balanceMatchesLedger(year: year)
            #expect(balance.consumedMinutes == 150 * 60 + 105 + walkInMinutes)
            let accepted = try await t.lab.roomBookings.list(status: .accepted, by: t.people.manager.actor)
            #expect(accepted.count == 1 && [first.id, second.id].contains(accepted[0].id))
            // The previewed annex was not imported; the maintenance cancelled the booking in its way.
            #expect(try await t.count("SELECT count(*) FROM inventory_imports WHERE annex_year = 2027") == 0)
            #expect(try await t.lab.sessions.get(inTheWay.id, by: t.people.manager.actor).status == .cancelled)
            let byPhone = try await t.lab.sessions.list(SessionFilter(requesterId: t.people.otherMember.user.id), by: t.people.manager.actor)
                .filter { $0.purpose == "Réservé par téléphone" }
            #expect(byPhone.count == 1 && byPhone.first?.period == Days.period(booked, "10:00", "11:00") && byPhone.first?.status == .requested)
            let authorisations = try await t.lab.authorisations.list(userId: t.people.member.user.id, by: t.people.manager.actor)
            #expect(authorisations.count == 1 && authorisations[0].revokedAt != nil)
        }
    }
}
