import Crypto
import Foundation
import Logging
import PostgresNIO

/// Applies the ordered schema migrations of `sql/migrations/` (`NNNN_name.sql`).
///
/// Each file runs in its own transaction and is recorded with its SHA-256 in
/// `schema_migrations`. A session-level advisory lock makes two processes starting
/// at once take turns; a file edited after it was applied stops everything.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: String
        public var name: String
        public var sql: String
        public var checksum: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case badFileName(String)
        case duplicateVersion(String)
        case edited(version: String, name: String)
        case unknownApplied(version: String, name: String)
        case failed(version: String, name: String, statement: String, reason: String)

        public var description: String {
            switch self {
            case .badFileName(let file):
                "migration file \(file) is not named NNNN_name.sql"
            case .duplicateVersion(let version):
                "two migration files share the version \(version)"
            case .edited(let version, let name):
                "migration \(version)_\(name) was edited after it was applied: refusing to run. "
                    + "Restore the file and add a new migration instead."
            case .unknownApplied(let version, let name):
                "the database has migration \(version)_\(name), which this version of MuséoLab does not know: refusing to run"
            case .failed(let version, let name, let statement, let reason):
                "migration \(version)_\(name) failed (\(reason)) at: \(statement.prefix(200))"
            }
        }
    }

    /// What a run did.
    public struct Report: Sendable {
        public var applied: [String]
        public var alreadyApplied: Int
    }

    /// An arbitrary, fixed key for `pg_advisory_lock`: "MUSEOLAB" in ASCII, folded.
    static let lockKey: Int64 = 0x4D55_5345_4F4C_4142

    /// The group role the migrations grant the service's rights to (0007_least_privilege): the
    /// server's login role is a member of it and owns nothing.
    public static let serviceGroupRole = "museolab_app"

    public let migrations: [Migration]
    let logger: Logger

    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Reads `NNNN_name.sql` files from `folder`, in order.
    public init(folder: URL, logger: Logger) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        var migrations: [Migration] = []
        for file in files {
            let stem = String(file.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"),
                stem[..<underscore].count == 4, stem[..<underscore].allSatisfy(\.isNumber)
            else { throw Failure.badFileName(file) }
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            let version = String(stem[..<underscore])
            if migrations.contains(where: { $0.version == version }) { throw Failure.duplicateVersion(version) }
            migrations.append(Migration(
                version: version, name: String(stem[stem.index(after: underscore)...]),
                sql: String(decoding: data, as: UTF8.self), checksum: checksum))
        }
        self.init(migrations: migrations, logger: logger)
    }

    /// The migrations not applied yet, without changing anything.
    public func pending(_ client: PostgresClient) async throws -> [Migration] {
        try await client.withConnection { connection in
            let session = SQLSession(connection: connection, logger: logger)
            let exists = try await session.first("SELECT to_regclass('schema_migrations') IS NOT NULL")!.decode(Bool.self)
            guard exists else { return migrations }
            let applied = Set(try await session.rows("SELECT version FROM schema_migrations").map { try $0.decode(String.self) })
            return migrations.filter { !applied.contains($0.version) }
        }
    }

    /// Brings the database up to date.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> Report {
        try await client.withConnection { connection in
            let session = SQLSession(connection: connection, logger: logger)
            try await session.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let report = try await migrate(session)
                try await session.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return report
            } catch {
                try? await session.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func migrate(_ session: SQLSession) async throws -> Report {
        // Only the owner may create it; a server whose role owns nothing reads it to see that
        // nothing is pending.
        let exists = try await session.first("SELECT to_regclass('schema_migrations') IS NOT NULL")!.decode(Bool.self)
        if !exists {
            try await session.execute(
                """
                CREATE TABLE schema_migrations (
                    version     text PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now(),
                    duration_ms integer NOT NULL
                )
                """)
        }
        var applied: [String: (name: String, checksum: String)] = [:]
        for row in try await session.rows("SELECT version, name, checksum FROM schema_migrations") {
            let (version, name, checksum) = try row.decode((String, String, String).self)
            applied[version] = (name, checksum)
        }
        // Refuse before changing anything.
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw Failure.unknownApplied(version: version, name: record.name)
            }
            guard migration.checksum == record.checksum else {
                throw Failure.edited(version: version, name: migration.name)
            }
        }

        var report = Report(applied: [], alreadyApplied: applied.count)
        for migration in migrations where applied[migration.version] == nil {
            let started = ContinuousClock.now
            try await session.execute("BEGIN")
            do {
                try await session.execute("SELECT set_config('museolab.actor', 'system:migrate', true)")
                for statement in SQLScript.statements(migration.sql) {
                    do {
                        try await session.execute(PostgresQuery(unsafeSQL: statement))
                    } catch let error as PSQLError {
                        throw Failure.failed(
                            version: migration.version, name: migration.name, statement: statement,
                            reason: error.serverInfo?[.message] ?? "\(error)")
                    }
                }
                let elapsed = ContinuousClock.now - started
                let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                try await session.execute(
                    """
                    INSERT INTO schema_migrations (version, name, checksum, duration_ms)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum), \(milliseconds))
                    """)
                try await session.execute("COMMIT")
            } catch {
                try? await session.execute("ROLLBACK")
                throw error
            }
            logger.info("migration applied", metadata: ["migration": "\(migration.version)_\(migration.name)"])
            report.applied.append("\(migration.version)_\(migration.name)")
        }
        return report
    }
}
