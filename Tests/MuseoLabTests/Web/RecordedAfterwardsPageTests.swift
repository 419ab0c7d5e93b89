import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// The manager's page for a session recorded afterwards, as a browser without JavaScript uses
/// it: refused at the field in French (not over yet, too far back), then recorded as completed.
@Suite struct RecordedAfterwardsPageTests {
    @Test func aManagerRecordsYesterdaysWalkInFromThePage() async throws {
        try await TestLab.with { t in
            try await TestServer.with(t.lab) { server in
                let client = try await PageClient.signIn(t, server, as: t.people.manager)
                func send(_ method: String, _ path: String, _ form: [String: String]? = nil) async throws -> (status: Int, text: String) {
                    try await client.send(method, path, form)
                }
                let page = try await send("GET", "/gestion/enregistrer")
                #expect(page.status == 200 && page.text.contains("<h1>Enregistrer une séance passée</h1>"), "\(page.text.prefix(300))")
                #expect(page.text.contains("jusqu'à 31 jours"))
                #expect(try await send("GET", "/gestion/reserver").text.contains("href=\"/gestion/enregistrer\""), "reached from the booking form")

                let today = ParisClock.date(of: Date())
                var form = [
                    "membre": t.people.member.user.id.text, "jour": today.adding(days: 1).description, "debut": "10:00", "fin": "11:30",
                    "encadrant": t.people.manager.user.id.text, "objet": "Passage sans rendez-vous", "participants": "2",
                ]
                let future = try await send("POST", "/gestion/enregistrer", form)
                #expect(future.status == 422 && future.text.contains("pas encore terminée"), "\(future.text.suffix(2000))")
                #expect(future.text.contains("value=\"Passage sans rendez-vous\""), "what was typed stays")
                form["jour"] = today.adding(days: -40).description
                let old = try await send("POST", "/gestion/enregistrer", form)
                #expect(old.status == 422 && old.text.contains("il y a plus de 31 jours : seul un administrateur"), "\(old.text.suffix(2000))")
                form["encadrant"] = ""
                #expect(try await send("POST", "/gestion/enregistrer", form).text.contains("id=\"encadrant-erreur\""))
                #expect(try await t.lab.sessions.list(by: t.people.manager.actor).isEmpty, "nothing stored")

                form["jour"] = today.adding(days: -1).description
                form["encadrant"] = t.people.manager.user.id.text
                let recorded = try await send("POST", "/gestion/enregistrer", form)
                #expect(recorded.status == 303 && recorded.text.contains("?fait=enregistree"), "\(recorded.text.prefix(300))")
                let session = try #require(try await t.lab.sessions.list(by: t.people.manager.actor).first)
                #expect(session.status == .completed && session.recordedAfterwards && session.participants == 2)
                #expect(session.actualPeriod == Days.period(today.adding(days: -1), "10:00", "11:30"), "Paris times")
                let shown = try await send("GET", "/gestion/seances/\(session.reference)?fait=enregistree")
                #expect(shown.text.contains("La séance passée est enregistrée comme terminée"), "\(shown.text.prefix(300))")
            }
        }
    }
}
