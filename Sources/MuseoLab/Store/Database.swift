import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL store: every read and write of the domain goes through here.
///
/// Writes run in one transaction that names its actor, so the audit triggers can
/// record who did what; database refusals (unique, foreign key, check, exclusion
/// constraints) come back as `Problem`s.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// How many pooled connections the domain holds right now (for `/metrics`).
    public let usage: ConnectionUsage

    public init(client: PostgresClient, logger: Logger, usage: ConnectionUsage = ConnectionUsage()) {
        self.client = client
        self.logger = logger
        self.usage = usage
    }

    /// Reads on a pooled connection.
    public func read<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        try await withSession(body)
    }

    /// Runs `body` in a transaction on behalf of `actor`; `action` names the change in the audit log.
    /// With `commit: false` everything is rolled back at the end (dry runs).
    public func write<Result: Sendable>(
        as actor: Actor, action: String, commit: Bool = true,
        _ body: (SQLSession) async throws -> Result
    ) async throws -> Result {
        try await withSession { session in
            try await session.execute("BEGIN" as PostgresQuery)
            do {
                try await session.execute(
                    """
                    SELECT set_config('museolab.actor', \(actor.label), true),
                           set_config('museolab.actor_user_id', \(actor.userId?.uuidString ?? ""), true),
                           set_config('museolab.action', \(action), true),
                           set_config('museolab.request_id', \(RequestScope.requestId ?? ""), true)
                    """)
                let result = try await body(session)
                try await session.execute(PostgresQuery(unsafeSQL: commit ? "COMMIT" : "ROLLBACK"))
                return result
            } catch {
                try? await session.execute("ROLLBACK" as PostgresQuery)
                throw error
            }
        }
    }

    /// A pooled connection, counted in `usage` while held; database refusals become problems.
    private func withSession<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                usage.take()
                defer { usage.give() }
                return try await body(SQLSession(connection: connection, logger: logger))
            }
        } catch let error as PSQLError {
            throw ConstraintCatalogue.problem(for: error) ?? error
        }
    }

    /// Whether the database answers; `GET /health` uses it.
    public func ping() async throws {
        _ = try await read { try await $0.rows("SELECT 1") }
    }
}

/// Connections in use, and the most ever in use at once.
public final class ConnectionUsage: Sendable {
    private let counts = Mutex((inUse: 0, peak: 0))

    public init() {}

    func take() { counts.withLock { $0.inUse += 1; $0.peak = max($0.peak, $0.inUse) } }
    func give() { counts.withLock { $0.inUse -= 1 } }

    public var inUse: Int { counts.withLock { $0.inUse } }
    public var peak: Int { counts.withLock { $0.peak } }
}

/// One connection, inside or outside a transaction, with helpers that collect rows.
///
/// Statements written in the code (`SQL`) run as prepared statements of the connection:
/// parsed once, and planned once when PostgreSQL finds its generic plan as good as a
/// custom one. Scripts (`PostgresQuery`: migrations, seeds) run as they are.
public struct SQLSession: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger

    @discardableResult
    public func rows(_ statement: SQL) async throws -> [PostgresRow] {
        let name = statement.statementName
        let text = PreparedSQL.Text(name: PreparedSQL.currentName(name), sql: statement.query.sql)
        do {
            return try await PreparedSQL.$text.withValue(text) {
                var result: [PostgresRow] = []
                for try await row in try await connection.execute(PreparedSQL(bindings: statement.query.binds), logger: logger) {
                    result.append(row)
                }
                return result
            }
        } catch let error as PSQLError {
            PreparedSQL.noteFailure(error, of: name)
            throw error
        }
    }

    public func first(_ statement: SQL) async throws -> PostgresRow? {
        try await rows(statement).first
    }

    public func execute(_ statement: SQL) async throws {
        try await rows(statement)
    }

    /// A script or a statement built at run time, parsed and planned at each call.
    @_disfavoredOverload
    @discardableResult
    public func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        var result: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) {
            result.append(row)
        }
        return result
    }

    @_disfavoredOverload
    public func first(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await rows(query).first
    }

    @_disfavoredOverload
    public func execute(_ query: PostgresQuery) async throws {
        try await rows(query)
    }

    /// Holds a transaction-scoped advisory lock, to serialise work such as imports.
    public func lock(_ name: String) async throws {
        try await execute("SELECT pg_advisory_xact_lock(hashtext(\(name)))")
    }
}

extension PostgresRandomAccessRow {
    /// Decodes a column by name.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self, context: .default)
    }
}
