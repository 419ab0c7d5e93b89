import Foundation
import PostgresNIO

extension SQLSession {
    /// Runs a store's statement, prepared once per connection like `run`, and hands its rows over
    /// decoded one at a time as they arrive, never all held at once (exports): PostgresNIO reads
    /// more from the connection only as the rows are consumed.
    func stream<S: Statement>(_ statement: S) async throws -> StatementRows<S> {
        let rows = try await prepared(statement) { $0 }
        return StatementRows(rows: rows, statement: statement, name: SQL.statementName(S.sql, parameterTypes: []))
    }
}

/// The rows of a statement run by `SQLSession.stream`, decoded by the statement as they are read.
struct StatementRows<S: Statement>: AsyncSequence, Sendable {
    typealias Element = S.Row

    fileprivate let rows: PreparedRows
    fileprivate let statement: S
    fileprivate let name: String

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var rows: PreparedRows.AsyncIterator
        fileprivate let statement: S
        fileprivate let name: String

        mutating func next() async throws -> S.Row? {
            do {
                guard let row = try await rows.next() else { return nil }
                return try statement.decodeRow(row.makeRandomAccess())
            } catch let error as PSQLError {
                PreparedSQL.noteFailure(error, of: name)
                throw error
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(rows: rows.makeAsyncIterator(), statement: statement, name: name)
    }
}
