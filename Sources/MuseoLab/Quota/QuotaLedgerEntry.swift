import Foundation

/// One line of the quota ledger: how a session change (or a manager's adjustment)
/// moved the committed and consumed minutes of an agreement's year.
public struct QuotaLedgerEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A confirmed session commits its planned minutes.
        case commitment
        /// A cancelled session releases them.
        case release
        /// A completed session turns its commitment into its actual minutes.
        case consumption
        /// A late cancellation, counted as consumed by the agreement's policy.
        case lateCancellation = "late_cancellation"
        /// A no-show, counted as consumed by the agreement's policy.
        case noShow = "no_show"
        /// A manager's correction, with a reason.
        case adjustment
    }

    public var id: Int64
    public var agreementId: UUID
    public var year: Int
    public var kind: Kind
    public var sessionId: UUID?
    public var sessionReference: String?
    public var committedMinutes: Int
    public var consumedMinutes: Int
    public var reason: String?
    public var actor: String
    public var recordedAt: Date
}

/// Where an agreement's year stands: always the sum of its ledger.
public struct QuotaBalance: Sendable, Equatable, Codable {
    public var agreementId: UUID
    public var year: Int
    public var quotaMinutes: Int
    public var consumedMinutes: Int
    public var committedMinutes: Int

    /// What is left after what was consumed: never below zero (`overQuotaMinutes` says by how much it is beyond).
    public var remainingMinutes: Int { max(0, quotaMinutes - consumedMinutes) }
    /// What would be left once the committed sessions are consumed, never below zero.
    public var projectedRemainingMinutes: Int { max(0, projectedBalanceMinutes) }
    public var overQuotaMinutes: Int { max(0, consumedMinutes - quotaMinutes) }
    /// By how much consumed and committed together go beyond the quota.
    public var projectedOverQuotaMinutes: Int { max(0, -projectedBalanceMinutes) }
    /// Quota less consumed and committed, negative beyond it: what the rules compute with.
    var projectedBalanceMinutes: Int { quotaMinutes - consumedMinutes - committedMinutes }

    /// Consumed, as a percentage of the quota (one decimal).
    public var percentConsumed: Double { Self.percent(consumedMinutes, of: quotaMinutes) }
    public var percentProjected: Double { Self.percent(consumedMinutes + committedMinutes, of: quotaMinutes) }

    static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return part > 0 ? 100 : 0 }
        return (Double(part) * 1000 / Double(whole)).rounded() / 10
    }
}
