import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// GET/POST/PATCH /v1/machines over HTTP, and the database's own guards on machines.
@Suite struct InventoryAPITests {
    @Test func listsTheAnnexAssetsWithFilters() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let all = try await http.get("/v1/machines", token: t.people.member.token)
            #expect(all.status == 200)
            #expect(all.items.count == 27)
            #expect(all.items.first?["nature"] as? String == "Découpeuse laser", "annex order")
            let printers = try await http.get("/v1/machines?category=3d-printer", token: t.people.member.token)
            #expect(printers.items.map { $0["inventoryNumber"] as? String } == ["12548", "13901", "17740"])
            let notBookable = try await http.get("/v1/machines?bookable=false", token: t.people.member.token)
            #expect(Set(notBookable.items.compactMap { $0["category"] as? String }) == ["cnc-router", "audio"])
            #expect(notBookable.items.count == 5)
            let retired = try await http.get("/v1/machines?status=retired", token: t.people.member.token)
            #expect(retired.items.isEmpty)
        }
    }

    @Test func getsOneMachine() async throws {
        try await TestLab.withServer { t, server in
            let laser = try await t.lab.inventory.find("13995", by: t.people.member.actor)
            let answer = try await HTTPClient(server).get("/v1/machines/\(laser.id.text)", token: t.people.member.token)
            #expect(answer.status == 200)
            #expect(answer.json["serialNumber"] as? String == "S4 2082")
            #expect(answer.json["requiresAuthorisation"] as? Bool == true)
            #expect(answer.json["ownerName"] as? String == "Université d'Artois")
            #expect(try await HTTPClient(server).get("/v1/machines/\(UUID().uuidString)", token: t.people.member.token).isProblem(404))
        }
    }

    @Test func managersAddAnAssetAcquiredLater() async throws {
        try await TestLab.withServer { t, server in
            let answer = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token,
                json: [
                    "nature": "Imprimante 3D", "model": "Prusa MK4", "serialNumber": "PRU-42", "inventoryNumber": "0031000",
                    "category": "3d-printer", "bookable": true, "acquiredOn": "2027-02-15",
                ])
            #expect(answer.status == 201, "\(answer.text)")
            let id = try #require(answer.json["id"] as? String)
            #expect(answer.header("Location") == "/v1/machines/\(id)")
            #expect(answer.json["inventoryNumber"] as? String == "31000")
            #expect(answer.json["annexYear"] as? Int == 2027, "added to the annex of its acquisition year")
            #expect(answer.json["ownerOrganisationId"] as? String == TestLab.university.text, "lent by the university by default")
            let again = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token, json: ["nature": "Autre", "inventoryNumber": "31000"])
            #expect(again.isProblem(409, type: "duplicate"))
            #expect(again.json["field"] as? String == "inventoryNumber")
            let badDate = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token, json: ["nature": "Autre", "acquiredOn": "2027-02-30"])
            #expect(badDate.isProblem(422))
            #expect(badDate.json["field"] as? String == "acquiredOn")
        }
    }

    @Test func statusLifecycleAndRetirement() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let laser = try await t.lab.inventory.find("13995", by: t.people.manager.actor)
            let path = "/v1/machines/\(laser.id.text)"
            let maintenance = try await http.send("PATCH", path, token: t.people.manager.token, json: ["status": "maintenance"])
            #expect(maintenance.json["status"] as? String == "maintenance")
            #expect(maintenance.json["bookable"] as? Bool == true)
            let retired = try await http.send("PATCH", path, token: t.people.manager.token, json: ["status": "retired"])
            #expect(retired.json["status"] as? String == "retired")
            #expect(retired.json["bookable"] as? Bool == false, "retiring takes it out of booking")
            #expect(retired.json["retiredAt"] is String)
            let bookable = try await http.send("PATCH", path, token: t.people.manager.token, json: ["bookable": true])
            #expect(bookable.isProblem(409))
            let back = try await http.send("PATCH", path, token: t.people.manager.token, json: ["status": "in_service", "bookable": true])
            #expect(back.status == 200)
            #expect(back.json["retiredAt"] == nil)
            let categorised = try await http.send(
                "PATCH", path, token: t.people.manager.token, json: ["category": "laser", "requiresAuthorisation": false])
            #expect(categorised.json["category"] as? String == "laser")
            #expect(categorised.json["requiresAuthorisation"] as? Bool == false)
            let empty = try await http.send("PATCH", path, token: t.people.manager.token, json: [String: Any]())
            #expect(empty.isProblem(422))
        }
    }

    @Test func theDatabaseRefusesDeletesAndInconsistentRows() async throws {
        try await TestLab.with { t in
            let laser = try await t.lab.inventory.find("13995", by: t.people.manager.actor)
            // Straight SQL, past every application check: the database itself says no.
            await #expect(throws: (any Error).self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { session in
                    try await session.execute("DELETE FROM machines WHERE id = \(laser.id)")
                }
            }
            await #expect(throws: (any Error).self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { session in
                    try await session.execute("UPDATE machines SET status = 'retired', retired_at = now(), bookable = true WHERE id = \(laser.id)")
                }
            }
            await #expect(throws: (any Error).self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { session in
                    try await session.execute("UPDATE machines SET inventory_number = '012548' WHERE id = \(laser.id)")
                }
            }
            // A write that does not say who makes it is refused.
            await #expect(throws: (any Error).self) {
                try await t.client.query("UPDATE machines SET notes = 'anonymous' WHERE id = \(laser.id)")
            }
            #expect(try await t.lab.inventory.get(laser.id, by: t.people.manager.actor) == laser)
        }
    }

    @Test func healthAndTheServedDocument() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let health = try await http.get("/health")
            #expect(health.status == 200)
            #expect(health.json["database"] as? String == "ok")
            #expect(health.header("X-Request-Id")?.isEmpty == false)
            let document = try await http.get("/openapi.yaml")
            #expect(document.status == 200)
            let shipped = try Data(contentsOf: ProjectFolders.root.appendingPathComponent("Sources/MuseoLabHTTP/Resources/openapi.yaml"))
            #expect(document.body == shipped)
            let problem = try await http.get("/problems/unknown-field")
            #expect(problem.json["status"] as? Int == 422)
            // The caller's request id is kept, and logged with the audit entry of a write.
            let laser = try await t.lab.inventory.find("13995", by: t.people.manager.actor)
            let patched = try await http.send(
                "PATCH", "/v1/machines/\(laser.id.text)", token: t.people.manager.token, json: ["notes": "cleaned"],
                headers: ["X-Request-Id": "req-abc-123"])
            #expect(patched.header("X-Request-Id") == "req-abc-123")
            #expect(try await t.count("SELECT count(*) FROM audit_log WHERE request_id = 'req-abc-123' AND entity = 'machines'") == 1)
        }
    }
}
