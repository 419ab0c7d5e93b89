import Foundation
import Synchronization

/// Slows down guessing: an address whose credentials failed `limit` times within
/// `window` gets 429 (with `Retry-After`) on authenticated routes until the oldest of
/// those failures leaves the window. Its requests are then not checked at all, so
/// guessing learns nothing while it lasts. Memory is bounded: at most `maximumAddresses`
/// are remembered, the stalest forgotten first.
public final class AuthenticationThrottle: Sendable {
    public let limit: Int
    public let window: Duration
    let maximumAddresses: Int
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    public init(limit: Int = 10, window: Duration = .seconds(60), maximumAddresses: Int = 10_000) {
        self.limit = max(1, limit)
        self.window = window
        self.maximumAddresses = maximumAddresses
    }

    /// Seconds to wait, when this address is held back now.
    func retryAfter(_ address: String, now: ContinuousClock.Instant = .now) -> Int? {
        failures.withLock { table -> Int? in
            guard var recent = table[address] else { return nil }
            recent.removeAll { now - $0 >= window }
            table[address] = recent.isEmpty ? nil : recent
            guard recent.count >= limit else { return nil }
            let wait = window - (now - recent[recent.count - limit])
            return max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
        }
    }

    func recordFailure(_ address: String, now: ContinuousClock.Instant = .now) {
        failures.withLock { table in
            var recent = (table[address] ?? []).filter { now - $0 < window }
            recent.append(now)
            // Only the last `limit` failures matter.
            table[address] = Array(recent.suffix(limit))
            if table.count > maximumAddresses {
                let stalest = table.min { ($0.value.last ?? now) < ($1.value.last ?? now) }?.key
                if let stalest { table[stalest] = nil }
            }
        }
    }
}
