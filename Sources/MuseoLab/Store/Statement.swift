import Foundation
import PostgresNIO
import Synchronization

/// A statement of a context's store, as one type: its text, its bound values, and the row it
/// reads (PostgresNIO's `PostgresPreparedStatement` model). The rules never see a `PostgresRow`:
/// they get the rows decoded, by column name.
///
/// Every parameter carries a cast in the text (`$1::uuid`), so that a `NULL` sent first cannot
/// decide its type: the text alone names the prepared statement.
protocol Statement: Sendable {
    associatedtype Row: Sendable
    static var sql: String { get }
    func makeBindings() throws -> PostgresBindings
    func decodeRow(_ row: PostgresRandomAccessRow) throws -> Row
}

/// Each statement type's prepared-statement name, hashed from its text once (the texts run to
/// kilobytes, and a booking sends several).
enum StatementNames {
    private static let names = Mutex<[ObjectIdentifier: String]>([:])

    static func name<S: Statement>(of type: S.Type) -> String {
        if let known = names.withLock({ $0[ObjectIdentifier(type)] }) { return known }
        let name = SQL.statementName(S.sql, parameterTypes: [])
        names.withLock { $0[ObjectIdentifier(type)] = name }
        return name
    }
}

/// The rows of a prepared statement as PostgresNIO hands them over.
typealias PreparedRows = AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>

extension SQLSession {
    /// Runs a store's statement, prepared once per connection, and decodes its rows.
    func run<S: Statement>(_ statement: S) async throws -> [S.Row] {
        let (rows, recorded) = try await sent(statement) { rows in
            var collected: [PostgresRow] = []
            for try await row in rows { collected.append(row) }
            return collected
        }
        usage?.record(rows: rows, at: recorded)
        return try rows.map { try statement.decodeRow($0.makeRandomAccess()) }
    }

    /// Sends a store's statement as a prepared statement (prepared once per connection) and hands
    /// its rows to `body`, a lost connection and a failing statement told apart as everywhere.
    func prepared<S: Statement, Result: Sendable>(
        _ statement: S, _ body: @escaping @Sendable (PreparedRows) async throws -> Result
    ) async throws -> Result {
        try await sent(statement, body).result
    }

    /// `prepared`, and where the statement was recorded (the benchmark's capture), if it was.
    private func sent<S: Statement, Result: Sendable>(
        _ statement: S, _ body: @escaping @Sendable (PreparedRows) async throws -> Result
    ) async throws -> (result: Result, recorded: Int?) {
        let name = StatementNames.name(of: S.self)
        let text = PreparedSQL.Text(name: PreparedSQL.currentName(name), sql: S.sql)
        let (connection, logger, bindings) = (connection, logger, try statement.makeBindings())
        usage?.sent()
        let recorded = usage?.record(S.sql, bindings)
        do {
            let result = try await ConnectionLoss.guarding(connection) {
                try await PreparedSQL.$text.withValue(text) {
                    try await body(try await connection.execute(PreparedSQL(bindings: bindings), logger: logger))
                }
            }
            return (result, recorded)
        } catch let error as PSQLError {
            PreparedSQL.noteFailure(error, of: name)
            throw error
        }
    }
}

/// Whether a row of `table` has an id: the check a store makes before a write, so that a missing
/// row is a 404 or a named field rather than a foreign key's refusal. A conforming type names its
/// table; the text, bindings and row follow.
protocol IdExists: Statement where Row == Bool {
    static var table: String { get }
    var id: UUID { get }
}

extension IdExists {
    static var sql: String { "SELECT true AS found FROM \(table) WHERE id = $1::uuid" }
    func makeBindings() throws -> PostgresBindings { .with(id) }
    func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("found") }
}

extension SQLSession {
    /// Whether the row an `IdExists` names is there.
    func exists<S: IdExists>(_ statement: S) async throws -> Bool {
        try await !run(statement).isEmpty
    }
}

extension PostgresBindings {
    /// Appends a value as the JSON text a `$n::jsonb` parameter reads (`jsonb_to_recordset`
    /// writes a batch of rows in one statement).
    mutating func appendJSON<T: Encodable>(_ value: T) throws {
        append(String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
    }

    /// Bindings of one value.
    static func with<T: PostgresNonThrowingEncodable>(_ value: T) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(value)
        return bindings
    }

    /// Bindings of two values (an id and a time, most often).
    static func with<A: PostgresNonThrowingEncodable, B: PostgresNonThrowingEncodable>(_ first: A, _ second: B) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(first)
        bindings.append(second)
        return bindings
    }

    /// Bindings of one value that may be `NULL`.
    static func with<T: PostgresNonThrowingEncodable>(_ value: T?) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(value)
        return bindings
    }
}
