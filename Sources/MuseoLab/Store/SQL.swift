import PostgresNIO
import Synchronization

/// A statement written in the code: fixed text with bound values, like PostgresNIO's
/// `PostgresQuery`, which it builds, plus the types of the bound values.
///
/// The text and those types name a prepared statement, so `SQLSession` can have each
/// statement parsed and planned once per connection instead of at every call. The types
/// belong to the name because PostgreSQL fixes a parameter's type when it prepares the
/// statement: a `NULL` first (type unknown, inferred from the context) must not decide how
/// a later value is read.
public struct SQL: ExpressibleByStringInterpolation, Sendable {
    public var query: PostgresQuery
    /// One entry per bound value: its type's oid, 0 for `NULL`.
    var parameterTypes: [UInt32]

    public init(stringLiteral value: String) {
        query = PostgresQuery(stringLiteral: value)
        parameterTypes = []
    }

    public init(stringInterpolation: StringInterpolation) {
        query = PostgresQuery(stringInterpolation: stringInterpolation.query)
        parameterTypes = stringInterpolation.parameterTypes
    }

    /// The prepared statement's name: a 64-bit FNV-1a hash of the text and the types
    /// (PostgreSQL names are at most 63 bytes; a collision needs billions of statements).
    var statementName: String { Self.statementName(query.sql, parameterTypes: parameterTypes) }

    static func statementName(_ sql: String, parameterTypes: [UInt32]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        for byte in sql.utf8 { mix(byte) }
        for type in parameterTypes {
            mix(0)
            for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8(truncatingIfNeeded: type >> UInt32(shift))) }
        }
        return "museolab_" + String(hash, radix: 16)
    }

    /// Mirrors `PostgresQuery.StringInterpolation`, noting each bound value's type.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var query: PostgresQuery.StringInterpolation
        var parameterTypes: [UInt32] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            query = .init(literalCapacity: literalCapacity, interpolationCount: interpolationCount)
            parameterTypes.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            query.appendLiteral(literal)
        }

        public mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws {
            try query.appendInterpolation(value)
            parameterTypes.append(value.psqlType.rawValue)
        }

        public mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws {
            try query.appendInterpolation(value)
            parameterTypes.append(value?.psqlType.rawValue ?? 0)
        }

        public mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
            query.appendInterpolation(value)
            parameterTypes.append(value.psqlType.rawValue)
        }

        public mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable>(_ value: Value?) {
            query.appendInterpolation(value)
            parameterTypes.append(value?.psqlType.rawValue ?? 0)
        }

        public mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable, Encoder: PostgresJSONEncoder>(
            _ value: Value, context: PostgresEncodingContext<Encoder>
        ) throws {
            try query.appendInterpolation(value, context: context)
            parameterTypes.append(value.psqlType.rawValue)
        }

        /// Text spliced into the statement (column lists, grouping keys): only ever one of a few
        /// constants of the code, so the set of prepared statements stays bounded.
        public mutating func appendInterpolation(unescaped text: String) {
            query.appendInterpolation(unescaped: text)
        }
    }
}

/// Runs an `SQL` statement as a named prepared statement of its connection.
///
/// PostgresNIO's `PostgresPreparedStatement` takes its name and text from the type (static
/// members), one type per statement; ours are built at the call site. The name and text
/// are handed over through a task-local value, read by PostgresNIO synchronously when it
/// queues the execution, within `withValue`'s scope.
struct PreparedSQL: PostgresPreparedStatement {
    struct Text: Sendable {
        var name = ""
        var sql = ""
    }

    @TaskLocal static var text = Text()

    static var name: String { text.name }
    static var sql: String { text.sql }

    typealias Row = PostgresRow

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// PostgresNIO remembers a failed preparation for the life of the connection, so a statement
    /// first sent in an aborted transaction (25P02) or before the schema had its table (class 42)
    /// would fail there forever. After such a failure the statement is prepared under a new name.
    private static let renamed = Mutex<[String: Int]>([:])

    static func currentName(_ name: String) -> String {
        renamed.withLock { $0[name] }.map { "\(name)_\($0)" } ?? name
    }

    static func noteFailure(_ error: PSQLError, of name: String) {
        guard let state = error.serverInfo?[.sqlState], state == "25P02" || state.hasPrefix("42") || state == "0A000" else { return }
        renamed.withLock { $0[name, default: 0] += 1 }
    }
}
