import EmbeddedPostgres
import Foundation
import MuseoLabHTTP
import PostgresNIO
import Testing
@testable import MuseoLab

/// `deploy/backup.sh` then `deploy/restore.sh` into an empty database give back every row of
/// every table, the sequences, and the guards (triggers) that keep the data honest.
@Suite struct BackupRestoreTests {
    /// Every table of the schema: its row count and a digest of its rows; then the sequences.
    static func fingerprint(_ client: PostgresClient) async throws -> [String: String] {
        var result: [String: String] = [:]
        let tables = try await client.query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
        var names: [String] = []
        for try await name in tables.decode(String.self) { names.append(name) }
        for name in names {
            let rows = try await client.query(PostgresQuery(unsafeSQL:
                "SELECT count(*)::text || ' ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.\"\(name)\" t"))
            for try await digest in rows.decode(String.self) { result["table \(name)"] = digest }
        }
        let sequences = try await client.query("SELECT sequencename::text, coalesce(last_value, 0)::text FROM pg_sequences WHERE schemaname = 'public'")
        for try await (name, value) in sequences.decode((String, String).self) { result["sequence \(name)"] = value }
        return result
    }

    static func script(_ name: String, _ arguments: [String], databaseURL: String) async throws -> ChildProcess.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        return try await ChildProcess.run(ProjectFolders.root.appendingPathComponent("deploy/\(name)").path, arguments, environment: environment)
    }

    @Test func aBackupRestoresEverythingAndTheGuardsStillHold() async throws {
        try await TestLab.with { t in
            // A bit of everything: people, a billed overage, a room booking, consumables, an invoice and its credit note.
            try await t.prepareUniversityForChorus()
            let year = ParisClock.date(of: Date()).year
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 400 * 60 + 90, reason: "relevé annuel", by: t.people.manager.actor)
            let overage = try await t.lab.overage.list(agreementId: TestLab.agreement, year: year, status: .pending, by: t.people.manager.actor)
            _ = try await t.lab.overage.decide(try #require(overage.first).id, bill: true, reason: "au-delà du quota", by: t.people.manager.actor)
            try await t.consumable(quantity: 2, on: "2026-11-10")
            let invoice = try await t.invoice(period: "\(year)", issuedOn: "\(year)-12-01")
            let draft = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "geste", amounts: [invoice.lines[0].id: 500], by: t.people.accountant.actor)
            _ = try await t.lab.invoices.issue(draft.id, on: CalendarDate("\(year)-12-02")!, by: t.people.accountant.actor)
            let before = try await Self.fingerprint(t.client)
            #expect(before.count > 40, "every table and sequence of the schema")

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("museolab.dump").path
            let backup = try await Self.script("backup.sh", [file], databaseURL: t.ownerURL)
            #expect(backup.succeeded, "\(backup.output)")
            #expect(FileManager.default.fileExists(atPath: file) && !FileManager.default.fileExists(atPath: file + ".partial"))

            let empty = try await TestDatabases.shared.emptyDatabase()
            let emptyURL = TestDatabases.shared.url(for: empty)
            let restore = try await Self.script("restore.sh", [file], databaseURL: emptyURL)
            #expect(restore.succeeded, "\(restore.output)")
            // Into a database that is not empty: refused, nothing touched.
            let again = try await Self.script("restore.sh", [file], databaseURL: emptyURL)
            #expect(again.status == 1 && again.output.contains("restore into an empty database"), "\(again.output)")

            try await PostgresClient.withRunning(empty, logger: TestLog.logger) { client in
                let after = try await Self.fingerprint(client)
                #expect(after == before, "rows and sequences differ: \(after.filter { before[$0.key] != $0.value }.keys.sorted())")

                // The restored database is a working one, with its guards.
                let restored = MuseoLab(client: client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, printer: TestLog.printer)
                let chain = try await restored.invoices.verifyChain(by: t.people.accountant.actor)
                #expect(chain.valid && chain.documents == 2)
                let refused = await #expect(throws: Problem.self) {
                    try await restored.database.write(as: t.people.admin.actor, action: "tests") { session in
                        try await session.execute("UPDATE invoices SET total_net_cents = 0 WHERE number = \(invoice.number!)")
                    }
                }
                #expect(refused?.kind.status == 409)
                await #expect(throws: Problem.self) {
                    try await restored.database.write(as: t.people.admin.actor, action: "tests") { session in
                        try await session.execute("DELETE FROM users WHERE email = 'ana@univ-artois.fr'")
                    }
                }
                let auditBefore = try await restored.audit.list(.init(limit: 1000), by: t.people.admin.actor).count
                // The service's rights came back with it: the server can run on the restored database.
                try await PostgresClient.withRunning(TestDatabases.as(TestDatabases.serviceRole, empty), logger: TestLog.logger) { service in
                    let served = MuseoLab(client: service, logger: TestLog.logger, connectionWait: TestLog.connectionWait)
                    _ = try await served.organisations.create(NewOrganisation(name: "Après restauration", tariffCategory: "partner"), by: t.people.admin.actor)
                }
                #expect(try await restored.audit.list(.init(limit: 1000), by: t.people.admin.actor).count == auditBefore + 1, "audited as before")
            }
        }
    }
}
