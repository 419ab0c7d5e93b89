import Foundation
import Testing
@testable import MuseoLab

/// What each role may do, and members never seeing one another.
@Suite struct RoleTests {
    @Test func everyoneSignedInSeesTheInventoryButOnlyManagersChangeIt() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let machine = try await t.lab.inventory.find("13995", by: t.people.manager.actor)
            for person in [t.people.member, t.people.accountant, t.people.manager, t.people.admin] {
                #expect(try await http.get("/v1/machines", token: person.token).items.count == 27)
            }
            let path = "/v1/machines/\(machine.id.text)"
            let byMember = try await http.send("PATCH", path, token: t.people.member.token, json: ["status": "maintenance"])
            #expect(byMember.isProblem(403, type: "forbidden"))
            let byAccountant = try await http.send("PATCH", path, token: t.people.accountant.token, json: ["status": "maintenance"])
            #expect(byAccountant.isProblem(403))
            let create = try await http.send("POST", "/v1/machines", token: t.people.member.token, json: ["nature": "Perceuse"])
            #expect(create.isProblem(403))
            #expect(try await t.lab.inventory.get(machine.id, by: t.people.manager.actor).status == .inService, "nothing changed")
            let byManager = try await http.send("PATCH", path, token: t.people.manager.token, json: ["status": "maintenance"])
            #expect(byManager.status == 200)
            #expect(byManager.json["status"] as? String == "maintenance")
        }
    }

    /// Nobody locks the service out: the last active administrator can be neither demoted nor
    /// disabled, while any other can.
    @Test func theLastActiveAdministratorStays() async throws {
        try await TestLab.with { t in
            let system = Actor.system("tests")
            let admins = try await t.lab.users.list(.init(role: .admin), by: system)
            let last = try #require(admins.first { $0.id == t.people.admin.user.id })
            for other in admins where other.id != last.id {
                #expect(try await t.lab.users.disable(other.id, reason: "left", by: system).isActive == false)
            }
            for attempt in [
                { try await t.lab.users.update(last.id, UserChanges(role: .manager), by: system) },
                { try await t.lab.users.disable(last.id, reason: nil, by: system) },
            ] as [@Sendable () async throws -> User] {
                let refused = try await #require(throws: Problem.self) { try await attempt() }
                #expect(refused.kind == .conflict && refused.detail.contains("the last active administrator"), "\(refused)")
            }
            let unchanged = try await t.lab.users.get(last.id, by: system)
            #expect(unchanged.role == .admin && unchanged.isActive)
            // A second administrator makes the first removable again.
            let second = try await t.lab.users.add(
                NewUser(email: "second-admin@tests.museolab", displayName: "Second", organisationId: TestLab.llv, role: .admin), by: system)
            #expect(try await t.lab.users.update(last.id, UserChanges(role: .manager), by: system).role == .manager)
            let refused = try await #require(throws: Problem.self) { try await t.lab.users.disable(second.id, reason: nil, by: system) }
            #expect(refused.kind == .conflict)
        }
    }

    @Test func aMemberSeesThemselfAndNobodyElse() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let own = try await http.get("/v1/users/\(t.people.member.user.id.text)", token: t.people.member.token)
            #expect(own.status == 200)
            let other = try await http.get("/v1/users/\(t.people.otherMember.user.id.text)", token: t.people.member.token)
            #expect(other.isProblem(404), "another member's account is not even said to exist")
            let unknown = try await http.get("/v1/users/\(UUID().uuidString)", token: t.people.member.token)
            #expect(unknown.isProblem(404))
            #expect(other.json["detail"] as? String == unknown.json["detail"] as? String)
            #expect(try await http.get("/v1/users", token: t.people.member.token).isProblem(403))
            #expect(try await http.get("/v1/audit", token: t.people.member.token).isProblem(403))
        }
    }

    @Test func managersSeePeopleOnlyAdminsChangeThem() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let list = try await http.get("/v1/users", token: t.people.manager.token)
            #expect(list.status == 200)
            #expect(list.items.count >= 5)
            let add: [String: Any] = [
                "email": "chloe@univ-artois.fr", "displayName": "Chloé", "organisationId": TestLab.university.text, "role": "member",
            ]
            #expect(try await http.send("POST", "/v1/users", token: t.people.manager.token, json: add).isProblem(403))
            let created = try await http.send("POST", "/v1/users", token: t.people.admin.token, json: add)
            #expect(created.status == 201)
            #expect(created.header("Location") == "/v1/users/\(created.json["id"] as? String ?? "")")
            let duplicate = try await http.send("POST", "/v1/users", token: t.people.admin.token, json: add)
            #expect(duplicate.isProblem(409, type: "duplicate"))
            #expect(duplicate.json["field"] as? String == "email")
        }
    }

    @Test func organisationsByRole() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            #expect(try await http.get("/v1/organisations", token: t.people.member.token).isProblem(403))
            #expect(try await http.get("/v1/organisations", token: t.people.accountant.token).items.count == 2)
            // A member sees their own organisation, not another one.
            #expect(try await http.get("/v1/organisations/\(TestLab.university.text)", token: t.people.member.token).status == 200)
            #expect(try await http.get("/v1/organisations/\(TestLab.llv.text)", token: t.people.member.token).isProblem(404))
            let new: [String: Any] = ["name": "Musée du Louvre-Lens", "tariffCategory": "public_body", "siret": "200 041 630 00001"]
            #expect(try await http.send("POST", "/v1/organisations", token: t.people.manager.token, json: new).isProblem(403))
            let created = try await http.send("POST", "/v1/organisations", token: t.people.admin.token, json: new)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["siren"] as? String == "200041630")
            let component = try await http.send(
                "POST", "/v1/organisations/\(TestLab.university.text)/components", token: t.people.admin.token,
                json: ["kind": "ufr", "name": "UFR Sciences Jean Perrin"])
            #expect(component.status == 201)
        }
    }

    @Test func identifiersAreChecked() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let badSiret = try await http.send(
                "POST", "/v1/organisations", token: t.people.admin.token,
                json: ["name": "Faux", "tariffCategory": "partner", "siret": "12345678901234"])
            #expect(badSiret.isProblem(422))
            #expect(badSiret.json["field"] as? String == "siret")
            let badCategory = try await http.send(
                "POST", "/v1/organisations", token: t.people.admin.token, json: ["name": "Faux", "tariffCategory": "vip"])
            #expect(badCategory.isProblem(422))
            #expect(badCategory.json["field"] as? String == "tariffCategory")
        }
    }

    @Test func theLastAdministratorCannotBeDisabled() async throws {
        try await TestLab.with { t in
            // The seeded admin and the test admin: disabling one is fine, the last one is refused.
            let admins = try await t.lab.users.list(.init(role: .admin), by: t.people.admin.actor)
            #expect(admins.count == 1)
            await #expect(throws: Problem.self) {
                try await t.lab.users.disable(t.people.admin.user.id, reason: nil, by: t.people.admin.actor)
            }
            await #expect(throws: Problem.self) {
                try await t.lab.users.update(t.people.admin.user.id, UserChanges(role: .manager), by: t.people.admin.actor)
            }
        }
    }
}
