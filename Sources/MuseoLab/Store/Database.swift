import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The PostgreSQL store: every read and write of the domain goes through here.
///
/// Writes run in one transaction that names its actor, so the audit triggers can
/// record who did what; database refusals (unique, foreign key, check, exclusion
/// constraints) come back as `Problem`s, and a database that is down or unreachable
/// comes back quickly as `Problem.Kind.unavailable`, never as a wait without end.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// How many pooled connections the domain holds right now (for `/metrics`).
    public let usage: ConnectionUsage
    /// How long a read or write waits for a pooled connection. While the database is away the
    /// pool keeps trying to reconnect and would keep its callers waiting with it.
    public let connectionWait: Duration
    public static let defaultConnectionWait: Duration = .seconds(2)

    public init(
        client: PostgresClient, logger: Logger, usage: ConnectionUsage = ConnectionUsage(), connectionWait: Duration = defaultConnectionWait
    ) {
        self.client = client
        self.logger = logger
        self.usage = usage
        self.connectionWait = connectionWait
    }

    /// Reads on a pooled connection.
    public func read<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        try await withSession(wait: connectionWait, body)
    }

    /// Runs `body` in a transaction on behalf of `actor`; `action` names the change in the audit log.
    /// With `commit: false` everything is rolled back at the end (dry runs).
    public func write<Result: Sendable>(
        as actor: Actor, action: String, commit: Bool = true,
        _ body: (SQLSession) async throws -> Result
    ) async throws -> Result {
        try await withSession(wait: connectionWait) { session in
            // BEGIN and COMMIT prepared like every statement of the code: parsed once per connection.
            try await session.execute("BEGIN" as SQL)
            do {
                try await session.execute(
                    """
                    SELECT set_config('museolab.actor', \(actor.label), true),
                           set_config('museolab.actor_user_id', \(actor.userId?.uuidString ?? ""), true),
                           set_config('museolab.action', \(action), true),
                           set_config('museolab.request_id', \(RequestScope.requestId ?? ""), true)
                    """)
                let result = try await body(session)
                if commit { try await session.execute("COMMIT" as SQL) } else { try await session.execute("ROLLBACK" as PostgresQuery) }
                return result
            } catch {
                try? await session.execute("ROLLBACK" as PostgresQuery)
                throw error
            }
        }
    }

    /// Whether the database answers within `wait`; `GET /health` uses it.
    public func ping(wait: Duration = .milliseconds(800)) async throws {
        try await withSession(wait: wait) { try await $0.execute("SELECT 1") }
    }

    /// A pooled connection, counted in `usage` while held; database refusals become problems,
    /// and a lost or unreachable database becomes `unavailable`.
    private func withSession<Result: Sendable>(wait: Duration, _ body: (SQLSession) async throws -> Result) async throws -> Result {
        do {
            return try await BoundedLease.withConnection(client, wait: wait) { connection in
                usage.take()
                defer { usage.give() }
                // The body runs on its connection's event loop: each statement goes out and its
                // answer comes back on that thread, without the two thread hops per statement it
                // took from the global executor (10 to 20 % of a booking's server time). What a body
                // computes between statements is short; a long computation (decoding 1,000
                // invoices) holds that loop's other connections meanwhile.
                return try await withTaskExecutorPreference(EventLoopExecutor.of(connection.eventLoop)) {
                    try await body(SQLSession(connection: connection, logger: logger, usage: usage))
                }
            }
        } catch let error as PSQLError {
            if let problem = ConstraintCatalogue.problem(for: error) { throw problem }
            if let problem = DatabaseOutage.problem(for: error) { throw problem }
            throw error
        } catch let problem as Problem {
            throw problem
        } catch {
            if let problem = DatabaseOutage.problem(for: error) { throw problem }
            throw error
        }
    }
}

/// Leases a pooled connection, waiting at most a given time for one.
///
/// `PostgresClient` has no lease timeout: while connections cannot be made it keeps the request
/// queued until the database is back (or, after a minute, its circuit breaker opens). The lease
/// and the body run in a task of their own, which a timer on an event loop cancels if no
/// connection came in time (the pool gives up a cancelled request); once the connection is
/// leased the timer no longer matters, and the body runs as long as it needs (statements are
/// bounded by PostgreSQL's `statement_timeout`). The first version raced the lease against a
/// sleeping task in a task group: two child tasks and a Dispatch timer per transaction, about
/// 8 % of the server's time under load.
enum BoundedLease {
    /// The caller's body, run by the leasing task while the caller waits for it: never concurrently.
    private struct Body<Result>: @unchecked Sendable {
        let run: (PostgresConnection) async throws -> Result
    }

    /// Whether the connection came first, or the timer.
    private final class Race: Sendable {
        private let state = Mutex<UInt8>(0)  // 0 waiting, 1 leased, 2 timed out
        func lease() -> Bool { state.withLock { if $0 == 0 { $0 = 1 }; return $0 == 1 } }
        func expire() -> Bool { state.withLock { if $0 == 0 { $0 = 2 }; return $0 == 2 } }
        var expired: Bool { state.withLock { $0 == 2 } }
    }

    static func withConnection<Result: Sendable>(
        _ client: PostgresClient, wait: Duration, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withoutActuallyEscaping(body) { body in
            let work = Body(run: body)
            let race = Race()
            // Awaited below whatever happens, so the body never outlives this call.
            let leasing = Task {
                try await client.withConnection { connection in
                    guard race.lease() else { throw DatabaseOutage.noConnection(within: wait) }
                    return try await work.run(connection)
                }
            }
            let nanoseconds = wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
            let timer = PostgresClient.defaultEventLoopGroup.any().scheduleTask(in: .nanoseconds(nanoseconds)) {
                if race.expire() { leasing.cancel() }
            }
            defer { timer.cancel() }
            return try await withTaskCancellationHandler {
                do {
                    return try await leasing.value
                } catch {
                    if race.expired { throw DatabaseOutage.noConnection(within: wait) }
                    throw error
                }
            } onCancel: {
                leasing.cancel()
            }
        }
    }
}

/// Tells a database that is away (stopped, restarting, unreachable, out of connections) from
/// one that refuses a statement: the first is `unavailable`, with a time to retry after.
enum DatabaseOutage {
    static let retryAfter = 2

    static func noConnection(within wait: Duration) -> Problem {
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        return Problem(.unavailable, "the database did not answer within \(milliseconds) ms: try again shortly", retryAfter: retryAfter)
    }

    static func problem(for error: any Error) -> Problem? {
        let lost = Problem(.unavailable, "the connection to the database was lost: try again shortly", retryAfter: retryAfter)
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed,
                .sslUnsupported, .failedToAddSSLHandler:
                return lost
            case .server:
                guard let state = error.serverInfo?[.sqlState] else { return nil }
                // Connection exceptions, too many connections or other missing resources, shutting
                // down or starting up; a statement that ran past statement_timeout; a transaction
                // that lost a serialisation race or a deadlock and is worth retrying.
                if state.hasPrefix("08") || state.hasPrefix("53") || ["57P01", "57P02", "57P03"].contains(state) {
                    return Problem(.unavailable, "the database is unavailable (\(error.serverInfo?[.message] ?? state)): try again shortly", retryAfter: retryAfter)
                }
                if state == "57014" {
                    return Problem(.unavailable, "the database took too long to answer: try again shortly", retryAfter: retryAfter)
                }
                if state == "40001" || state == "40P01" {
                    return Problem(.unavailable, "a simultaneous change got in the way: try again", retryAfter: 1)
                }
                return nil
            default:
                return nil
            }
        case is ChannelError, is IOError, is ConnectionLoss.Closed:
            return lost
        case is ConnectionPoolError:
            // The pool's own: its circuit breaker opens after a minute without a connection.
            return lost
        default:
            return nil
        }
    }
}

/// Connections in use, the most ever in use at once, and the statements sent (each a round trip).
public final class ConnectionUsage: Sendable {
    private let counts = Mutex((inUse: 0, peak: 0))
    private let statements = Atomic<Int>(0)
    /// The statements sent while recording (the benchmark replays them): off unless asked for,
    /// and then one flag read per statement.
    private let recording = Atomic<Bool>(false)
    private let recorded = Mutex<[RecordedStatement]>([])

    public init() {}

    func take() { counts.withLock { $0.inUse += 1; $0.peak = max($0.peak, $0.inUse) } }
    func give() { counts.withLock { $0.inUse -= 1 } }

    public var inUse: Int { counts.withLock { $0.inUse } }
    public var peak: Int { counts.withLock { $0.peak } }

    func sent() { statements.add(1, ordering: .relaxed) }
    /// Statements sent since the start: the benchmark counts an operation's round trips with it.
    public var statementsSent: Int { statements.load(ordering: .relaxed) }

    /// Starts keeping every statement sent, its bound values and the rows it read.
    public func startRecording() {
        recorded.withLock { $0 = [] }
        recording.store(true, ordering: .sequentiallyConsistent)
    }

    /// Stops keeping statements; the ones kept since `startRecording`, in the order they were sent.
    public func stopRecording() -> [RecordedStatement] {
        recording.store(false, ordering: .sequentiallyConsistent)
        return recorded.withLock { kept in defer { kept = [] }; return kept }
    }

    /// The index of the statement kept, when recording.
    func record(_ sql: String, _ bindings: PostgresBindings) -> Int? {
        guard recording.load(ordering: .relaxed) else { return nil }
        return recorded.withLock { kept in
            kept.append(RecordedStatement(sql: sql, bindings: bindings, rows: nil))
            return kept.count - 1
        }
    }

    func record(rows: [PostgresRow], at index: Int?) {
        guard let index else { return }
        recorded.withLock { kept in if index < kept.count { kept[index].rows = rows } }
    }
}

/// A statement as it was sent: its text, its bound values, the rows it read (`nil` when they were
/// streamed to their reader).
public struct RecordedStatement: Sendable {
    public var sql: String
    public var bindings: PostgresBindings
    public var rows: [PostgresRow]?
}

/// One connection, inside or outside a transaction, with helpers that collect rows.
///
/// Statements written in the code (`SQL`) run as prepared statements of the connection:
/// parsed once, and planned once when PostgreSQL finds its generic plan as good as a
/// custom one. Scripts (`PostgresQuery`: migrations, seeds) run as they are.
public struct SQLSession: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger
    /// Where the statements are counted (the domain's sessions; not the migrator's).
    var usage: ConnectionUsage? = nil

    @discardableResult
    public func rows(_ statement: SQL) async throws -> [PostgresRow] {
        let name = statement.statementName
        let text = PreparedSQL.Text(name: PreparedSQL.currentName(name), sql: statement.query.sql)
        let (connection, logger, bindings) = (connection, logger, statement.query.binds)
        usage?.sent()
        let recorded = usage?.record(text.sql, bindings)
        do {
            let rows = try await ConnectionLoss.guarding(connection) {
                try await PreparedSQL.$text.withValue(text) {
                    var result: [PostgresRow] = []
                    for try await row in try await connection.execute(PreparedSQL(bindings: bindings), logger: logger) {
                        result.append(row)
                    }
                    return result
                }
            }
            usage?.record(rows: rows, at: recorded)
            return rows
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
        let (connection, logger) = (connection, logger)
        usage?.sent()
        let recorded = usage?.record(query.sql, query.binds)
        let rows = try await ConnectionLoss.guarding(connection) {
            var result: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: logger) {
                result.append(row)
            }
            return result
        }
        usage?.record(rows: rows, at: recorded)
        return rows
    }

    /// A statement whose rows are read as they arrive (exports).
    public func stream(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        let (connection, logger) = (connection, logger)
        usage?.sent()
        _ = usage?.record(query.sql, query.binds)
        return try await ConnectionLoss.guarding(connection) { try await connection.query(query, logger: logger) }
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

    /// Decodes a text column into the domain's enum of the same values (the column's CHECK).
    func value<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        try .reading(try value(column, as: String.self), column: column)
    }

    func value<T: RawRepresentable>(_ column: String, as type: T?.Type = T?.self) throws -> T? where T.RawValue == String {
        try value(column, as: String?.self).map { try .reading($0, column: column) }
    }

    /// Decodes a `date::text` column.
    func date(_ column: String) throws -> CalendarDate {
        try .reading(try value(column, as: String.self), column: column)
    }
}

extension RawRepresentable where RawValue == String {
    /// The case of a text read from `column` (a typed tuple's field), or `UnknownColumnValue`.
    static func reading(_ text: String, column: String) throws -> Self {
        guard let value = Self(rawValue: text) else { throw UnknownColumnValue(column: column, value: text, type: "\(Self.self)") }
        return value
    }
}

extension CalendarDate {
    /// The date of a `date::text` read from `column` (a typed tuple's field), or `UnknownColumnValue`.
    static func reading(_ text: String, column: String) throws -> CalendarDate {
        guard let value = CalendarDate(text) else { throw UnknownColumnValue(column: column, value: text, type: "CalendarDate") }
        return value
    }
}

/// A column holding a value the domain has no case for: the column's CHECK and the domain's enum
/// disagree, a programming error. It fails the statement, naming both; never a crash or a stand-in.
struct UnknownColumnValue: Error, CustomStringConvertible {
    var column: String
    var value: String
    var type: String
    var description: String { "column \(column) holds \(value.debugDescription), which \(type) has no case for" }
}

/// The role a connection runs as, and whether it holds more than the service should.
public struct DatabaseRole: Sendable, Equatable {
    public var name: String
    public var isSuperuser: Bool
    /// Tables of the schema this role owns (or is a member of the owner of).
    public var ownedTables: Int

    /// Whether this role could disable the triggers that protect issued invoices, or truncate.
    public var holdsTooMuch: Bool { isSuperuser || ownedTables > 0 }
}

extension Database {
    /// Who the pool connects as.
    public func role() async throws -> DatabaseRole {
        try await read { session in
            let row = try await session.first(
                """
                SELECT current_user::text, r.rolsuper,
                       (SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'public' AND pg_has_role(current_user, t.tableowner, 'MEMBER'))
                FROM pg_roles r WHERE r.rolname = current_user
                """)!
            let (name, superuser, owned) = try row.decode((String, Bool, Int64).self)
            return DatabaseRole(name: name, isSuperuser: superuser, ownedTables: Int(owned))
        }
    }
}
