import EmbeddedPostgres
import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Migrations: applied once each, tracked with checksums, serialised between
/// processes starting together, refused when an applied file was edited.
@Suite struct MigrationTests {
    static var folder: URL { ProjectFolders.sql.appendingPathComponent("migrations") }

    @Test func applyingTwiceChangesNothingTheSecondTime() async throws {
        let configuration = try await TestDatabases.shared.emptyDatabase()
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            let migrator = try Migrator(folder: Self.folder, logger: TestLog.logger)
            let first = try await migrator.migrate(client)
            #expect(first.applied.count == migrator.migrations.count)
            #expect(first.alreadyApplied == 0)
            let second = try await migrator.migrate(client)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == migrator.migrations.count)
            #expect(try await migrator.pending(client).isEmpty)
            let recorded = try await client.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
                .collect().map { try $0.decode((String, String).self) }
            #expect(recorded.map(\.0) == migrator.migrations.map(\.version))
            #expect(recorded.map(\.1) == migrator.migrations.map(\.checksum))
        }
    }

    @Test func concurrentStartsApplyEachMigrationOnce() async throws {
        let configuration = try await TestDatabases.shared.emptyDatabase()
        // Six clients, each its own session, migrating at the same moment.
        let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
                        try await Migrator(folder: Self.folder, logger: TestLog.logger).migrate(client)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let count = try Migrator(folder: Self.folder, logger: TestLog.logger).migrations.count
        #expect(reports.map(\.applied.count).reduce(0, +) == count, "every migration applied exactly once in all")
        #expect(reports.filter { !$0.applied.isEmpty }.count == 1)
    }

    @Test func twoMigrateProcessesAtOnce() async throws {
        let configuration = try await TestDatabases.shared.emptyDatabase()
        let url = TestDatabases.shared.url(for: configuration)
        let runs = try await withThrowingTaskGroup(of: CommandLineTool.Run.self) { group in
            for _ in 0..<2 {
                group.addTask { try await CommandLineTool.run(["migrate"], databaseURL: url) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.allSatisfy { $0.status == 0 }, "\(runs.map(\.output))")
        #expect(runs.filter { $0.output.contains("applied 0001_foundation") }.count == 1)
    }

    @Test func anEditedAppliedMigrationIsRefused() async throws {
        let configuration = try await TestDatabases.shared.emptyDatabase()
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            let original = try Migrator(folder: Self.folder, logger: TestLog.logger)
            try await original.migrate(client)
            var edited = original.migrations
            edited[0].sql += "\n-- a harmless-looking edit\n"
            edited[0].checksum = String(repeating: "0", count: 64)
            // A new migration after the edited one must not run either.
            edited.append(.init(version: "9999", name: "later", sql: "CREATE TABLE later (id int)", checksum: String(repeating: "1", count: 64)))
            await #expect {
                try await Migrator(migrations: edited, logger: TestLog.logger).migrate(client)
            } throws: { error in
                guard case Migrator.Failure.edited(let version, _) = error else { return false }
                return version == original.migrations[0].version
            }
            let later = try await client.query("SELECT to_regclass('later') IS NULL").collect()[0].decode(Bool.self)
            #expect(later, "nothing ran")
        }
    }

    @Test func aFailingMigrationLeavesNothingHalfDone() async throws {
        let configuration = try await TestDatabases.shared.emptyDatabase()
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            let broken = Migrator.Migration(
                version: "0001", name: "broken", sql: "CREATE TABLE half (id int);\nCREATE TABLE half (id int);",
                checksum: String(repeating: "2", count: 64))
            await #expect(throws: Migrator.Failure.self) {
                try await Migrator(migrations: [broken], logger: TestLog.logger).migrate(client)
            }
            let rows = try await client.query("SELECT to_regclass('half') IS NULL, (SELECT count(*) FROM schema_migrations)").collect()
            let (absent, recorded) = try rows[0].decode((Bool, Int64).self)
            #expect(absent)
            #expect(recorded == 0)
        }
    }

    @Test func theCommandLineRefusesAnUnmigratedDatabase() async throws {
        let configuration = try await TestDatabases.shared.emptyDatabase()
        let run = try await CommandLineTool.run(["inventory", "list"], databaseURL: TestDatabases.shared.url(for: configuration))
        #expect(run.status == 1)
        #expect(run.output.contains("museolab migrate"))
    }
}
