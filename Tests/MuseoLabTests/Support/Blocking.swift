import EmbeddedPostgres
import Foundation

/// Blocking work (a child process run to its end, a socket read) on a thread of its own.
///
/// On two cores Swift's cooperative pool has two threads: two tests blocking both would stall
/// every other test, and the in-process servers a blocked read is waiting for, until some
/// timeout fires (a CI run lost its database waits that way).
enum Blocking {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
