import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// A series on the pages, as a browser without JavaScript uses them: a member asks for one from
/// `/reserver`, the answer says occurrence by occurrence which were booked and why one was
/// refused (a public holiday); the manager confirms it at once; the member cancels "this and the
/// following ones" in one action; a manager asks for one on a member's behalf.
@Suite struct SeriesPageTests {
    @Test func aMemberAsksForAWeeklySeriesOverAPublicHolidayAndCancelsTheEnd() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            try await TestServer.with(t.lab) { server in
                let member = try await PageClient.signIn(t, server, as: t.people.member)
                let manager = try await PageClient.signIn(t, server, as: t.people.manager)
                let (first, holidays) = try SessionSeriesTests.aroundAHoliday()
                let start = Days.at(first, "10:00")
                let booked = holidays.filter { !$0 }.count

                let form = try await member.send("GET", "/reserver?semaine=\(first)")
                #expect(form.text.contains("<legend>Répéter cette séance</legend>") && form.text.contains("name=\"fois\""), "\(form.text.suffix(3000))")
                var asked = [
                    "creneau": Days.iso(start), "duree": "120", "objet": "Cours de modélisation", "participants": "12", "repeter": "1",
                ]
                // Neither a number of sessions nor a last day: refused at the repetition, in French, nothing recorded.
                let incomplete = try await member.send("POST", "/reserver", asked)
                #expect(incomplete.status == 422 && incomplete.text.contains("id=\"repeter-erreur\""), "\(incomplete.text.suffix(3000))")
                #expect(incomplete.text.contains("Indiquez un nombre de séances entre 2 et 52, ou la date de la dernière."))
                #expect(incomplete.text.contains("Cours de modélisation"), "what was typed stays")
                asked["fois"] = "60"
                #expect(try await member.send("POST", "/reserver", asked).text.contains("Indiquez un nombre de séances entre 2 et 52"))
                #expect(try await t.count("SELECT count(*) FROM support_sessions") == 0)

                asked["fois"] = "3"
                let sent = try await member.send("POST", "/reserver", asked)
                #expect(sent.status == 303, "\(sent.text.prefix(500))")
                let location = try #require(sent.text.firstMatch(of: /Location: (\/series\/[0-9a-f-]+)\?fait=demandee/)?.1).description
                let page = try await member.send("GET", location + "?fait=demandee")
                #expect(page.status == 200 && page.text.contains("Votre série est enregistrée"), "\(page.text.suffix(3000))")
                #expect(page.text.contains("Chaque semaine, 3 séances demandées : \(booked) réservée\(booked > 1 ? "s" : "")"))
                for index in holidays.indices {
                    let when = French.period(Days.period(first.adding(days: 7 * index), "10:00", "12:00"))
                    #expect(page.text.contains("\(index + 1). \(when)"), "occurrence \(index + 1): \(when)")
                }
                #expect(page.text.components(separatedBy: "Le MuséoLab est fermé ce jour-là.").count - 1 == holidays.filter { $0 }.count,
                        "the holiday's occurrence says why it was refused")
                #expect(page.text.contains("Les séances encore à confirmer prennent \(French.hours(minutes: 120 * booked)) du quota"), "the quota preview sums them")
                #expect(!page.text.contains("Confirmer toute la série"), "a member does not confirm")

                // Each booked occurrence is an ordinary session, whose page leads back to its series.
                let sessions = try await t.lab.sessions.list(by: t.people.manager.actor).sorted { $0.period.start < $1.period.start }
                #expect(sessions.count == booked && sessions.allSatisfy { $0.status == .requested && $0.participants == 12 })
                let one = try #require(sessions.first)
                #expect(try await member.send("GET", "/reservations/\(one.reference)").text.contains("href=\"\(location)\""))
                #expect(try await manager.send("GET", "/gestion/seances/\(one.reference)").text.contains("href=\"\(location)\""))

                // The manager confirms them all at once.
                let staffView = try await manager.send("GET", location)
                #expect(staffView.text.contains("Confirmer toute la série") && staffView.text.contains("href=\"/gestion/seances/\(one.reference)\""))
                #expect(try await member.send("POST", location + "/confirmer", [:]).status == 403)
                let confirmed = try await manager.send("POST", location + "/confirmer", [:])
                #expect(confirmed.status == 303 && confirmed.text.contains("?fait=confirmee"), "\(confirmed.text.prefix(500))")
                #expect(try await t.lab.sessions.list(by: t.people.manager.actor).allSatisfy { $0.status == .confirmed })

                // "This one and the following": without a reason, refused at it; with one, cancelled at once.
                let last = try #require(sessions.last)
                let from = try #require(try await t.lab.sessionSeries.get(
                    UUID(uuidString: String(location.dropFirst("/series/".count)))!, by: t.people.member.actor)
                    .occurrences.first { $0.session?.id == last.id }?.occurrence)
                let noReason = try await member.send("POST", location + "/annuler", ["a-partir-de": String(from), "motif": ""])
                #expect(noReason.status == 422 && noReason.text.contains("id=\"motif-erreur\""), "\(noReason.text.suffix(2000))")
                let cancelled = try await member.send("POST", location + "/annuler", ["a-partir-de": String(from), "motif": "fin du projet"])
                #expect(cancelled.status == 303 && cancelled.text.contains("?fait=annulees"), "\(cancelled.text.prefix(500))")
                let after = try await t.lab.sessions.list(by: t.people.manager.actor)
                #expect(after.filter { $0.status == .cancelled }.map(\.id) == [last.id], "only the last one, from where it was asked")
                #expect(after.filter { $0.status == .confirmed }.count == booked - 1)

                // Someone else's series does not exist for another member.
                let stranger = try await PageClient.signIn(t, server, as: t.people.otherMember)
                #expect(try await stranger.send("GET", location).status == 404)
                #expect(try await stranger.send("POST", location + "/annuler", ["a-partir-de": "1", "motif": "x"]).status == 404)
                #expect(try await member.send("GET", "/series/pas-un-id").status == 404)
            }
        }
    }

    @Test func aManagerAsksForASeriesOnAMembersBehalf() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            try await TestServer.with(t.lab) { server in
                let manager = try await PageClient.signIn(t, server, as: t.people.manager)
                #expect(try await manager.send("GET", "/gestion/reserver").text.contains("<legend>Répéter cette séance</legend>"))
                #expect(!(try await manager.send("GET", "/gestion/enregistrer").text.contains("Répéter cette séance")), "not for a past session")
                let day = Days.next(.tuesday, weeksAhead: 2)
                let sent = try await manager.send("POST", "/gestion/reserver", [
                    "membre": t.people.member.user.id.text, "jour": day.description, "debut": "14:00", "fin": "16:00", "objet": "Projet tutoré",
                    "participants": "4", "repeter": "2", "jusqu-au": day.adding(days: 28).description,
                ])
                #expect(sent.status == 303 && sent.text.contains("/series/"), "\(sent.text.suffix(2000))")
                let sessions = try await t.lab.sessions.list(by: t.people.manager.actor).sorted { $0.period.start < $1.period.start }
                let expected = [0, 14, 28].map { day.adding(days: $0) }.filter { FrenchPublicHolidays.name(of: $0) == nil }
                #expect(sessions.map { ParisClock.date(of: $0.period.start) } == expected, "every two weeks until the day given")
                #expect(sessions.allSatisfy { $0.requester.id == t.people.member.user.id })
            }
        }
    }
}
