import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Every write is in the audit log: who, when, what, before and after; admins read it; nobody changes it.
@Suite struct AuditTests {
    @Test func aWriteThroughTheAPIIsRecordedWithBeforeAndAfter() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let laser = try await t.lab.inventory.find("13995", by: t.people.manager.actor)
            _ = try await http.send("PATCH", "/v1/machines/\(laser.id.text)", token: t.people.manager.token, json: ["status": "maintenance"])
            let log = try await http.get("/v1/audit?entity=machines&entityId=\(laser.id.text)&limit=5", token: t.people.admin.token)
            #expect(log.status == 200)
            let entry = try #require(log.items.first)
            #expect(entry["actor"] as? String == "user:manager@tests.museolab")
            #expect(entry["actorUserId"] as? String == t.people.manager.user.id.text)
            #expect(entry["action"] as? String == "machine.update")
            #expect(entry["operation"] as? String == "UPDATE")
            #expect((entry["before"] as? [String: Any])?["status"] as? String == "in_service")
            #expect((entry["after"] as? [String: Any])?["status"] as? String == "maintenance")
            #expect(entry["occurredAt"] is String)
        }
    }

    @Test func everyKindOfWriteIsAudited() async throws {
        try await TestLab.with { t in
            let admin = t.people.admin.actor
            let organisation = try await t.lab.organisations.create(NewOrganisation(name: "Lycée Condorcet", tariffCategory: "public_body"), by: admin)
            let user = try await t.lab.users.add(
                NewUser(email: "prof@condorcet.fr", displayName: "Prof", organisationId: organisation.id, role: .member), by: admin)
            let token = try await t.lab.tokens.create(for: user.id, label: "t", expiresAt: nil, by: admin)
            _ = try await t.lab.tokens.revoke(token.token.id, reason: "test", by: admin)
            _ = try await t.lab.users.disable(user.id, reason: "left", by: admin)
            let entries = try await t.lab.audit.list(.init(actorUserId: t.people.admin.user.id), by: admin)
            let actions = entries.map(\.action)
            for action in ["organisation.create", "user.add", "token.create", "token.revoke", "user.disable"] {
                #expect(actions.contains(action), "\(action) in \(actions)")
            }
            let disable = try #require(entries.first { $0.action == "user.disable" })
            #expect(disable.before?.contains("\"disabled_at\": null") == true)
            #expect(disable.after?.contains("\"disabled_reason\": \"left\"") == true)
        }
    }

    @Test func theLogIsAppendOnly() async throws {
        try await TestLab.with { t in
            // Refused by the triggers, even to the schema's owner (the service's role may not even try).
            for statement in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
                await #expect(throws: Problem.self, "\(statement)") { try await t.rawSQL(statement) }
            }
            let changed = try await t.count("SELECT count(*) FROM audit_log WHERE actor = 'someone else'")
            #expect(changed == 0)
        }
    }

    @Test func onlyAdminsReadIt() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            for person in [t.people.member, t.people.manager, t.people.accountant] {
                let answer = try await http.get("/v1/audit", token: person.token)
                #expect(answer.isProblem(403))
            }
            let answer = try await http.get("/v1/audit", token: t.people.admin.token)
            #expect(answer.status == 200)
        }
    }
}
