import Foundation
import PostgresNIO
import Synchronization

/// Ends the wait for a statement when its connection closes under it.
///
/// PostgresNIO hands each statement to its connection's channel. When the channel has just
/// closed (PostgreSQL crashed or was stopped) but the pool has not noticed yet, the statement is
/// dropped on the way and its answer never comes: a request waited for ever (found by
/// `DatabaseOutageTests`: a prepared `set_config` and a `ROLLBACK` hung this way). So the
/// statement runs in a task of its own while its caller waits on a continuation that the
/// statement's answer or the connection's closing resumes, whichever comes first; an abandoned
/// statement's task holds nothing but its own copies.
enum ConnectionLoss {
    /// The connection closed before the statement's answer came.
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the connection to the database closed before the statement was answered" }
    }

    /// The caller of one statement, resumed once.
    final class Waiter<Value: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<Value, any Error>?>(nil)

        init(_ continuation: CheckedContinuation<Value, any Error>) {
            self.continuation.withLock { $0 = continuation }
        }

        func resume(_ result: Result<Value, any Error>) {
            continuation.withLock { pending in
                pending?.resume(with: result)
                pending = nil
            }
        }
    }

    /// How to fail each caller still waiting on an open connection, by connection.
    private static let waiting = Mutex<[ObjectIdentifier: [ObjectIdentifier: @Sendable () -> Void]]>([:])

    /// Runs `operation` against `connection`, giving up with `Closed` if the connection closes first.
    static func guarding<Value: Sendable>(
        _ connection: PostgresConnection, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard !connection.isClosed else { throw Closed() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let waiter = Waiter(continuation)
            let key = ObjectIdentifier(connection), id = ObjectIdentifier(waiter)
            let first = waiting.withLock { table -> Bool in
                let first = table[key] == nil
                table[key, default: [:]][id] = { waiter.resume(.failure(Closed())) }
                return first
            }
            if first {
                // Once per connection: its closing fails whoever still waits on it.
                connection.closeFuture.whenComplete { _ in
                    let stranded = waiting.withLock { $0.removeValue(forKey: key) } ?? [:]
                    for fail in stranded.values { fail() }
                }
            }
            // Closed between the check and the registration: its callbacks may have run already.
            if connection.isClosed {
                waiting.withLock { _ = $0[key]?.removeValue(forKey: id) }
                waiter.resume(.failure(Closed()))
                return
            }
            Task {
                let result: Result<Value, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                waiting.withLock { _ = $0[key]?.removeValue(forKey: id) }
                waiter.resume(result)
            }
        }
    }
}
