import Foundation
import PostgresNIO
import Synchronization

/// Sends each statement from its connection's own event loop, so that it cannot be lost when
/// the connection closes under it.
///
/// PostgresNIO hands each statement to its connection's channel. When the channel has just
/// closed (PostgreSQL crashed or was stopped) but the pool has not noticed yet, a statement
/// written to it is dropped on the way and its answer never comes: a request waited for ever
/// (found by `DatabaseOutageTests`: a prepared `set_config` and a `ROLLBACK` hung this way). A
/// channel closes on its event loop's thread only: checked there, and written there in the same
/// step, a statement either finds the channel closed (`Closed`, at once) or reaches its handler,
/// which fails it if the connection closes later. The answer then resumes the statement on that
/// thread too. (The first guard ran each statement in a task of its own, raced against the
/// channel's closing: two more thread hops per statement.)
enum ConnectionLoss {
    /// The connection closed before the statement was sent.
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the connection to the database closed before the statement was answered" }
    }

    /// Runs `operation` against `connection` on its event loop, or throws `Closed` if the
    /// connection is closed. `operation` must write its statement before its first suspension
    /// (PostgresNIO's `query` and `execute` do).
    static func guarding<Value: Sendable>(
        _ connection: PostgresConnection, _ operation: () async throws -> Value
    ) async throws -> Value {
        try await withTaskExecutorPreference(EventLoopExecutor.of(connection.eventLoop)) {
            assert(connection.eventLoop.inEventLoop, "a statement is sent from its connection's event loop")
            guard !connection.isClosed else { throw Closed() }
            return try await operation()
        }
    }
}
