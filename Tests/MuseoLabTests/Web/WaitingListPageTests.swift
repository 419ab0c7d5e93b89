import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// The member's waiting list page, as a browser without JavaScript uses it: ask, be refused at
/// the field in French, see the request, withdraw it.
@Suite struct WaitingListPageTests {
    @Test func aMemberAsksSeesAndWithdrawsFromThePage() async throws {
        try await TestLab.with { t in
            try await TestServer.with(t.lab) { server in
                let client = try await PageClient.signIn(t, server, as: t.people.member)
                func send(_ method: String, _ path: String, _ form: [String: String]? = nil) async throws -> (status: Int, text: String) {
                    try await client.send(method, path, form)
                }
                let printer = try await t.machine("12548")
                let day = Days.next(.tuesday)
                // From the booking page's link, the machine is chosen already.
                let page = try await send("GET", "/mes-attentes?machine=\(printer.id.text)")
                #expect(page.status == 200 && page.text.contains("value=\"m:\(printer.id.text)\" selected"), "\(page.text.prefix(300))")
                #expect(page.text.contains("Aucune demande en attente."))

                let backwards = try await send("POST", "/mes-attentes", ["ressource": "m:\(printer.id.text)", "jour": day.description, "debut": "12:00", "fin": "10:00"])
                #expect(backwards.status == 422 && backwards.text.contains("<p class=\"error\" id=\"fin-erreur\" role=\"alert\">L’heure de fin doit suivre l’heure de début.</p>"),
                        "\(backwards.text.suffix(3000))")
                let nothing = try await send("POST", "/mes-attentes", ["ressource": "", "jour": day.description, "debut": "10:00", "fin": "12:00"])
                #expect(nothing.status == 422 && nothing.text.contains("id=\"ressource-erreur\""))
                #expect(try await t.lab.waitingList.list(userId: t.people.member.user.id, by: t.people.manager.actor).isEmpty, "nothing stored")

                let asked = try await send("POST", "/mes-attentes", ["ressource": "m:\(printer.id.text)", "jour": day.description, "debut": "10:00", "fin": "12:00"])
                #expect(asked.status == 303 && asked.text.contains("Location: /mes-attentes?fait=attente"), "\(asked.text.prefix(300))")
                let stored = try #require(try await t.lab.waitingList.list(userId: t.people.member.user.id, by: t.people.manager.actor).first)
                #expect(stored.machineId == printer.id && stored.period == Days.period(day, "10:00", "12:00"), "Paris times")
                let again = try await send("POST", "/mes-attentes", ["ressource": "m:\(printer.id.text)", "jour": day.description, "debut": "10:00", "fin": "12:00"])
                #expect(again.status == 422 && again.text.contains("Vous attendez déjà ce créneau."))
                let listed = try await send("GET", "/mes-attentes?fait=attente")
                #expect(listed.text.contains("C’est noté") && listed.text.contains("En attente") && listed.text.contains(printer.nature))

                let withdrawn = try await send("POST", "/mes-attentes/\(stored.id.text)/retirer", [:])
                #expect(withdrawn.status == 303, "\(withdrawn.text.prefix(300))")
                #expect(try await send("GET", "/mes-attentes").text.contains("Retirée"))
                #expect(try await send("POST", "/mes-attentes/\(stored.id.text)/retirer", [:]).status == 409)
            }
        }
    }
}
