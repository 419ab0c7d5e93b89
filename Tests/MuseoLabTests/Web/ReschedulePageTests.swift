import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// The manager moves a session to another time from its page: refused at the form in French
/// (the fablab is closed on Sundays), then moved, and the history says so on both sides.
@Suite struct ReschedulePageTests {
    @Test func aManagerMovesASessionFromItsPage() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            try await TestServer.with(t.lab) { server in
                let manager = try await PageClient.signIn(t, server, as: t.people.manager)
                let member = try await PageClient.signIn(t, server, as: t.people.member)
                let tuesday = Days.next(.tuesday, weeksAhead: 2)
                let booked = try await t.lab.sessions.request(
                    SessionRequest(purpose: "Maquette", period: Days.period(tuesday, "10:00", "12:00"), machineIds: []), by: t.people.member.actor)
                let path = "/gestion/seances/\(booked.reference)"
                let page = try await manager.send("GET", path)
                #expect(page.text.contains("<h2>Déplacer</h2>") && page.text.contains("value=\"\(tuesday)\""), "prefilled with the plan")
                let sunday = tuesday.adding(days: 5)
                let closed = try await manager.send("POST", path + "/deplacer", ["jour": sunday.description, "debut": "10:00", "fin": "12:00"])
                #expect(closed.status == 422 && closed.text.contains("id=\"deplacer-erreur\""), "\(closed.text.suffix(2500))")
                #expect(closed.text.contains("Le MuséoLab est fermé"), "said in French")
                #expect(try await member.send("POST", path + "/deplacer", ["jour": tuesday.adding(days: 2).description, "debut": "14:00", "fin": "16:00"]).status == 403)
                #expect(try await t.lab.sessions.get(booked.id, by: t.people.manager.actor).period == booked.period, "nothing moved")

                let moved = try await manager.send("POST", path + "/deplacer", [
                    "jour": tuesday.adding(days: 2).description, "debut": "14:00", "fin": "16:00", "motif-deplacement": "atelier scolaire mardi",
                ])
                #expect(moved.status == 303 && moved.text.contains("?fait=deplacer"), "\(moved.text.prefix(400))")
                #expect(try await t.lab.sessions.get(booked.id, by: t.people.manager.actor).period == Days.period(tuesday.adding(days: 2), "14:00", "16:00"))
                let shown = try await manager.send("GET", path + "?fait=deplacer")
                #expect(shown.text.contains("La séance est déplacée") && shown.text.contains("<strong>Déplacée</strong>"), "\(shown.text.suffix(2500))")
                let hers = try await member.send("GET", "/reservations/\(booked.reference)")
                #expect(hers.text.contains("<strong>Déplacée</strong>") && hers.text.contains("atelier scolaire mardi"))
            }
        }
    }
}
