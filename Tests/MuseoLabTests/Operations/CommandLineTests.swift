import Foundation
import Testing
@testable import MuseoLab

/// The admin CLI, run as a process against a test database.
@Suite struct CommandLineTests {
    static var annexPath: String { ProjectFolders.sql.appendingPathComponent("seed/annexe-1-2026.tsv").path }

    @Test func importPrintsEachLineItsWarningsAndTotals() async throws {
        try await TestLab.with { t in
            let run = try await CommandLineTool.run(["inventory", "import", Self.annexPath, "--year", "2026", "--dry-run"], databaseURL: t.databaseURL)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("DRY RUN"))
            #expect(run.output.contains("line  25  repeated  Casque Vr htc VIVE"))
            #expect(run.output.contains("inventory number 12547 is already listed on line 6"))
            #expect(run.output.contains("Bras robotisés (unit 2/2) · Niryo · serial Er1020250910014 · inv. 24525"))
            #expect(run.output.contains("warning: no inventory number"))
            #expect(run.output.contains("Totals: 25 rows, 28 units: 0 created, 27 matched, 0 updated, 1 repeated, 0 skipped; 19 warnings"))

            let json = try await CommandLineTool.run(["inventory", "import", Self.annexPath, "--year", "2026", "--json"], databaseURL: t.databaseURL)
            let report = try JSONDecoder().decode(InventoryImportReport.self, from: Data(json.output.utf8))
            #expect(report.totals.matched == 27)
            #expect(report.lines.count == 28)
        }
    }

    @Test func listShowAndChangeMachines() async throws {
        try await TestLab.with { t in
            let list = try await CommandLineTool.run(["inventory", "list", "--json", "--category", "robot-arm"], databaseURL: t.databaseURL)
            let machines = try #require(list.json as? [[String: Any]])
            #expect(machines.map { $0["inventoryNumber"] as? String } == ["24524", "24525"])

            #expect(try await CommandLineTool.run(["inventory", "set-status", "024524", "maintenance"], databaseURL: t.databaseURL).status == 0)
            #expect(try await CommandLineTool.run(["inventory", "mark", "24524", "--bookable", "false"], databaseURL: t.databaseURL).status == 0)
            #expect(try await CommandLineTool.run(["inventory", "categorise", "24524", "cobot"], databaseURL: t.databaseURL).status == 0)
            let arm = try await t.lab.inventory.find("24524", by: t.people.manager.actor)
            #expect(arm.status == .maintenance && !arm.bookable && arm.category == "cobot")

            let refused = try await CommandLineTool.run(["inventory", "categorise", "24524", "Not a slug"], databaseURL: t.databaseURL)
            #expect(refused.status == 1)
            #expect(refused.output.contains("error:") && refused.output.contains("category"))

            let added = try await CommandLineTool.run(
                ["inventory", "add", "--nature", "Imprimante 3D", "--model", "Prusa MK4", "--inventory-number", "31001",
                 "--acquired-on", "2027-03-01", "--bookable", "--json"], databaseURL: t.databaseURL)
            #expect((added.json as? [String: Any])?["annexYear"] as? Int == 2027, "\(added.output)")

            let audit = try await CommandLineTool.run(["audit", "list", "--entity", "machines", "--limit", "3"], databaseURL: t.databaseURL)
            #expect(audit.output.contains("cli:"))
            #expect(audit.output.contains("machine.add"))
        }
    }

    @Test func exportReimportsToTheSameInventory() async throws {
        try await TestLab.with { t in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).tsv").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            #expect(try await CommandLineTool.run(["inventory", "export", "--output", file], databaseURL: t.databaseURL).status == 0)
            let run = try await CommandLineTool.run(["inventory", "import", file, "--year", "2026"], databaseURL: t.databaseURL)
            #expect(run.output.contains("0 created, 27 matched, 0 updated, 0 repeated"), "\(run.output)")
        }
    }

    @Test func usersAndTokens() async throws {
        try await TestLab.withServer { t, server in
            let add = try await CommandLineTool.run(
                ["users", "add", "--email", "dora@univ-artois.fr", "--name", "Dora", "--organisation", "Université d'Artois",
                 "--component", "CRIL (Centre de Recherche en Informatique de Lens)", "--json"], databaseURL: t.databaseURL)
            #expect(add.status == 0, "\(add.output)")
            let created = try #require(add.json as? [String: Any])
            #expect(created["componentName"] as? String == "CRIL (Centre de Recherche en Informatique de Lens)")
            #expect(created["role"] as? String == "member")

            let token = try await CommandLineTool.run(["tokens", "create", "--user", "dora@univ-artois.fr", "--json"], databaseURL: t.databaseURL)
            let issued = try #require(token.json as? [String: Any])
            let secret = try #require(issued["secret"] as? String)
            let tokenId = try #require((issued["token"] as? [String: Any])?["id"] as? String)
            let http = HTTPClient(server)
            #expect(try await http.get("/v1/me", token: secret).json["email"] as? String == "dora@univ-artois.fr")

            let listed = try await CommandLineTool.run(["tokens", "list", "--user", "dora@univ-artois.fr"], databaseURL: t.databaseURL)
            #expect(listed.output.contains(String(secret.prefix(12))))
            #expect(!listed.output.contains(secret), "never the secret")

            #expect(try await CommandLineTool.run(["tokens", "revoke", tokenId, "--reason", "test"], databaseURL: t.databaseURL).status == 0)
            #expect(try await http.get("/v1/me", token: secret).isProblem(401))

            let users = try await CommandLineTool.run(["users", "list", "--json", "--organisation", "Université d'Artois"], databaseURL: t.databaseURL)
            #expect((users.json as? [[String: Any]])?.count == 3)
            #expect(try await CommandLineTool.run(["users", "disable", "dora@univ-artois.fr"], databaseURL: t.databaseURL).status == 0)
            let duplicate = try await CommandLineTool.run(
                ["users", "add", "--email", "DORA@univ-artois.fr", "--name", "Dora", "--organisation", "Université d'Artois"],
                databaseURL: t.databaseURL)
            #expect(duplicate.status == 1)
            #expect(duplicate.output.contains("already exists"))
        }
    }

    @Test func badArgumentsAreExplained() async throws {
        try await TestLab.with { t in
            let noYear = try await CommandLineTool.run(["inventory", "import", Self.annexPath], databaseURL: t.databaseURL)
            #expect(noYear.status != 0)
            #expect(noYear.output.contains("--year"))
            let missingFile = try await CommandLineTool.run(["inventory", "import", "/nonexistent.tsv", "--year", "2026"], databaseURL: t.databaseURL)
            #expect(missingFile.status != 0)
            #expect(missingFile.output.contains("/nonexistent.tsv"))
            let badStatus = try await CommandLineTool.run(["inventory", "set-status", "13995", "broken"], databaseURL: t.databaseURL)
            #expect(badStatus.status != 0)
            let unknownMachine = try await CommandLineTool.run(["inventory", "show", "99999"], databaseURL: t.databaseURL)
            #expect(unknownMachine.status == 1)
            #expect(unknownMachine.output.contains("not found"))
        }
    }
}
