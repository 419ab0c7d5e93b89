import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// The service runs as a role that owns nothing: it cannot change the schema, switch off the
/// triggers that keep the history honest, or empty a table; and the owner itself cannot
/// truncate what must stay.
@Suite struct LeastPrivilegeTests {
    @Test func theServicesRoleOwnsNothing() async throws {
        try await TestLab.with { t in
            let role = try await t.lab.database.role()
            #expect(role.name == TestDatabases.serviceRole)
            #expect(!role.isSuperuser && role.ownedTables == 0 && !role.holdsTooMuch)
            // The owner, by contrast, would be told off at start.
            let owner = try await t.connected(as: .owner) { try await $0.database.role() }
            #expect(owner.ownedTables > 40 && owner.holdsTooMuch)
        }
    }

    @Test func theServicesRoleCannotChangeTheSchemaNorSkipTheTriggers() async throws {
        try await TestLab.with { t in
            let invoiceCount = try await t.count("SELECT count(*) FROM invoices")
            for statement in [
                "ALTER TABLE invoices ADD COLUMN sneaky int",
                "ALTER TABLE invoices DISABLE TRIGGER invoices_final",
                "ALTER TABLE invoice_lines DISABLE TRIGGER ALL",
                "DROP TRIGGER invoices_final ON invoices",
                "TRUNCATE invoices CASCADE",
                "TRUNCATE audit_log",
                "SET session_replication_role = replica",
                "CREATE TABLE shadow (id int)",
                "CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
                "INSERT INTO audit_log (actor, entity, entity_id, operation) VALUES ('forged', 'x', 'x', 'INSERT')",
                "DELETE FROM users",
                "UPDATE quota_ledger SET consumed_minutes = 0",
                "UPDATE quota_year_balances SET consumed_minutes = 0",
                "UPDATE schema_migrations SET checksum = 'x'",
            ] {
                let literal = PostgresQueryLiteral(statement)
                let refusal = await #expect(throws: PSQLError.self, "\(statement)") {
                    try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { try await $0.execute(literal.query) }
                }
                // Refused for want of the right, before any trigger is reached.
                #expect(refusal?.serverInfo?[.sqlState] == "42501", "\(statement): \(String(describing: refusal?.serverInfo?[.message]))")
            }
            #expect(try await t.count("SELECT count(*) FROM invoices") == invoiceCount)
        }
    }

    @Test func everyProtectedTableRefusesTruncateEvenToItsOwner() async throws {
        try await TestLab.with { t in
            let tables = try await t.connected(as: .owner) { lab in
                try await lab.database.read { session in
                    try await session.rows("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").map { try $0.decode(String.self) }
                }
            }
            // Throttle bookkeeping is the one table that may be emptied.
            let unprotected: Set = ["authentication_failures"]
            #expect(tables.count > 40)
            for table in tables where !unprotected.contains(table) {
                let refusal = await #expect(throws: Problem.self, "\(table)") { try await t.rawSQL("TRUNCATE \(table) CASCADE") }
                #expect(refusal?.detail.contains("truncated") == true || refusal?.detail.contains("append-only") == true, "\(table): \(String(describing: refusal))")
            }
            #expect(try await t.count("SELECT count(*) FROM machines") == 27)
        }
    }

    /// Nothing is deleted: the service may delete from no table but the throttle's bookkeeping.
    @Test func theServicesGroupRoleDeletesFromNoTableButTheThrottles() async throws {
        try await TestLab.with { t in
            let deletable = try await t.lab.database.read { session in
                try await session.rows(
                    """
                    SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind = 'r' AND has_table_privilege('museolab_app', c.oid, 'DELETE')
                    ORDER BY 1
                    """
                ).map { try $0.decode(String.self) }
            }
            #expect(deletable == ["authentication_failures"])
        }
    }

    /// A table added without its grants would fail at the first request that reads it: here instead.
    @Test func theServicesGroupRoleReadsEveryTable() async throws {
        try await TestLab.with { t in
            let missing = try await t.lab.database.read { session in
                try await session.rows(
                    """
                    SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT has_table_privilege('museolab_app', c.oid, 'SELECT')
                    """
                ).map { try $0.decode(String.self) }
            }
            #expect(missing.isEmpty, "no SELECT for museolab_app on \(missing)")
        }
    }

    /// The test servers run as the service's role, and say nothing about it; a server given the
    /// owner's role warns at start.
    @Test func aServerConnectedAsTheOwnerSaysSo() async throws {
        try await TestLab.with { t in
            let served = try ServerProcess(databaseURL: t.databaseURL)
            let owned = try ServerProcess(databaseURL: t.ownerURL)
            _ = try await served.port()
            _ = try await owned.port()
            #expect(!served.logged.contains("holds more than it needs"), "\(served.logged)")
            #expect(owned.logged.contains("holds more than it needs"), "\(owned.logged)")
        }
    }

    /// A deployment: the server migrates and seeds an empty database as its owner, then serves as
    /// the service's role; it prints no token where its output is a log, and the CLI makes one.
    @Test func aDeploymentMigratesAsTheOwnerAndServesAsTheService() async throws {
        let owner = try await TestDatabases.shared.emptyDatabase()
        let ownerURL = TestDatabases.shared.url(for: owner)
        let serviceURL = TestDatabases.shared.url(for: TestDatabases.as(TestDatabases.serviceRole, owner))
        let server = try ServerProcess(databaseURL: serviceURL, environment: ["DATABASE_OWNER_URL": ownerURL])
        let http = HTTPClient(base: "http://127.0.0.1:\(try await server.port())")
        #expect(try await http.get("/health").status == 200)
        let migrations = try Migrator(folder: MigrationTests.folder, logger: TestLog.logger).migrations.count
        #expect(server.logged.contains("\"applied\":\"\(migrations)\""), "migrated at start:\n\(server.logged)")
        #expect(server.logged.contains("museolab tokens create --user admin@museolab.local"))
        #expect(!(server.printed + server.logged).contains("mlab_"), "no token where the output is a log")
        #expect(!server.logged.contains("holds more than it needs"))
        let created = try await CommandLineTool.run(["tokens", "create", "--user", "admin@museolab.local", "--json"], databaseURL: serviceURL)
        let token = try #require(created.output.firstMatch(of: /mlab_[A-Za-z0-9_-]{43}/).map { String($0.output) }, "\(created.output)")
        #expect(try await http.get("/v1/machines", token: token).items.count == 27)
        // The objects belong to the owner; the service's role holds none.
        try await PostgresClient.withRunning(owner, logger: TestLog.logger) { client in
            let owners = try await client.query("SELECT DISTINCT tableowner::text FROM pg_tables WHERE schemaname = 'public'").collect()
            #expect(try owners.map { try $0.decode(String.self) } == [TestDatabases.ownerRole])
        }
        #expect(try await server.stop(SIGTERM) == 0)
    }
}
