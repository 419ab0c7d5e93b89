import Foundation
import PostgresNIO

/// Slows down guessing: a client (an address) whose credentials failed `limit` times within
/// `window` is held back until the oldest of those failures leaves the window; its requests
/// are then not checked at all, so guessing learns nothing while it lasts.
///
/// The failures are kept in PostgreSQL (`authentication_failures`), so every server process
/// holds back the same client and a restart forgets nothing. Each client's row keeps its last
/// `limit` failures only; rows whose failures have all left the window are removed as new
/// failures come in.
public struct AuthenticationThrottle: Sendable {
    public let limit: Int
    public let window: Duration
    let database: Database

    /// At most this many failures are kept per client: a larger `limit` never holds anyone back.
    public static let keptFailures = 1000

    public init(database: Database, limit: Int = 10, window: Duration = .seconds(60)) {
        self.database = database
        self.limit = max(1, limit)
        self.window = window
    }

    var windowSeconds: Double { Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18 }

    /// The rule, over the failures loaded for a client: seconds to wait when it is held back
    /// at `now`, `nil` when it is not.
    public static func retryAfter(failures: [Date], now: Date, limit: Int, window: Duration) -> Int? {
        let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
        let recent = failures.filter { now.timeIntervalSince($0) < seconds }.sorted()
        guard recent.count >= limit else { return nil }
        let wait = seconds - now.timeIntervalSince(recent[recent.count - limit])
        return max(1, Int(wait.rounded(.up)))
    }

    func retryAfter(failures: [Date]?, now: Date) -> Int? {
        failures.flatMap { Self.retryAfter(failures: $0, now: now, limit: limit, window: window) }
    }

    /// Seconds `client` must wait before it may try again, when it is held back now.
    public func retryAfter(_ client: String) async throws -> Int? {
        let (failures, now) = try await database.read { try await $0.run(AccessStore.Failures(client: client))[0] }
        return retryAfter(failures: failures, now: now)
    }

    /// The refusal for a client that is held back.
    func heldBack(_ wait: Int) -> Problem {
        Problem(.tooManyRequests, "too many failed authentications from this address: wait \(wait) s before trying again", retryAfter: wait)
    }

    /// Refuses with `tooManyRequests` when `client` is held back now.
    public func check(_ client: String) async throws {
        if let wait = try await retryAfter(client) { throw heldBack(wait) }
    }

    /// Counts a failed authentication of `client`, and forgets the clients whose failures have
    /// all left the window. One statement, committed on its own: bookkeeping, not audited.
    public func recordFailure(_ client: String) async throws {
        try await database.read { session in
            _ = try await session.run(AccessStore.Failure(client: client, windowSeconds: windowSeconds, kept: min(limit, Self.keptFailures)))
        }
    }
}
