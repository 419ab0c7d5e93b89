import Foundation
import Testing
@testable import MuseoLab

/// The training before a machine on the pages: a member asks from the machines page, the
/// manager plans it from the authorisations page (refused at its form in French first), and the
/// session booked is the training.
@Suite struct TrainingPageTests {
    @Test func aMemberAsksAndTheManagerPlansFromThePages() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            try await TestServer.with(t.lab) { server in
                let member = try await PageClient.signIn(t, server, as: t.people.member)
                let manager = try await PageClient.signIn(t, server, as: t.people.manager)
                let laser = try await t.machine("13995")
                let askAction = "/machines/\(laser.id.text)/formation"

                let machines = try await member.send("GET", "/machines")
                #expect(machines.text.contains("action=\"\(askAction)\""), "the laser requires a training Ana has not had")
                let asked = try await member.send("POST", askAction, [:])
                #expect(asked.status == 303 && asked.text.contains("Location: /machines?fait=formation"), "\(asked.text.prefix(300))")
                let after = try await member.send("GET", "/machines?fait=formation")
                #expect(after.text.contains("Votre demande de formation est enregistrée"))
                #expect(after.text.contains("Formation demandée") && !after.text.contains("action=\"\(askAction)\""), "asked once")
                let request = try #require(try await t.lab.trainings.list(userId: t.people.member.user.id, by: t.people.manager.actor).first)
                #expect(request.machineId == laser.id && request.status == .asked)
                #expect(try await member.send("POST", "/machines/\(UUID().uuidString.lowercased())/formation", [:]).status == 404)

                let page = try await manager.send("GET", "/gestion/autorisations")
                #expect(page.text.contains("Formations demandées") && page.text.contains("action=\"/gestion/formations/\(request.id.text)/planifier\""))
                let day = Days.next(.tuesday)
                let plan = "/gestion/formations/\(request.id.text)/planifier"
                let backwards = try await manager.send("POST", plan, ["jour": day.description, "debut": "16:00", "fin": "14:00", "validite": "24"])
                #expect(backwards.status == 422 && backwards.text.contains("La fin de la séance doit suivre son début."), "\(backwards.text.suffix(2000))")
                let sunday = try await manager.send("POST", plan, ["jour": day.adding(days: 5).description, "debut": "14:00", "fin": "16:00", "validite": "24"])
                #expect(sunday.status == 422 && sunday.text.contains("Le MuséoLab est fermé"), "\(sunday.text.suffix(2000))")
                #expect(try await manager.send("POST", plan, ["jour": day.description, "debut": "14:00", "fin": "16:00", "validite": "dix"]).status == 422)
                #expect(try await t.lab.sessions.list(by: t.people.manager.actor).isEmpty, "nothing booked")

                let planned = try await manager.send("POST", plan, ["jour": day.description, "debut": "14:00", "fin": "16:00", "validite": "24"])
                #expect(planned.status == 303 && planned.text.contains("?fait=formation"), "\(planned.text.prefix(300))")
                let session = try #require(try await t.lab.sessions.list(by: t.people.manager.actor).first)
                #expect(session.requester.id == t.people.member.user.id && session.machines.map(\.id) == [laser.id])
                #expect(session.period == Days.period(day, "14:00", "16:00") && session.purpose == "Formation : \(laser.nature)")
                #expect(try await t.lab.trainings.list(userId: nil, by: t.people.manager.actor).first?.validityMonths == 24)
                #expect(!(try await manager.send("GET", "/gestion/autorisations")).text.contains(plan), "planned: no longer waiting")
            }
        }
    }
}
