import Foundation
import Testing
@testable import MuseoLab

/// The quota's rules over loaded values: which entry a session's move calls for, and which
/// alerts a balance calls for. No database.
@Suite struct QuotaRulesTests {
    static func entry(_ from: SessionStatus, _ to: SessionStatus, late: Bool = false, actual: Period? = nil, maintenance: Bool = false,
                      lateCounts: Bool = true, noShowsCount: Bool = true) -> QuotaLedger.Entry? {
        QuotaLedger.entry(
            for: SessionTransitionTests.session(from), to: to, lateCancellation: late, actual: actual, byMaintenance: maintenance,
            lateCancellationsCount: lateCounts, noShowsCount: noShowsCount)
    }

    /// What an entry writes, to compare: kind, committed and consumed minutes.
    static func written(_ entry: QuotaLedger.Entry?) -> String? {
        entry.map { "\($0.kind.rawValue) \($0.committed) \($0.consumed)" }
    }

    @Test func whatEachMoveWritesInTheLedger() {
        let two = 120
        #expect(Self.written(Self.entry(.requested, .confirmed)) == "commitment \(two) 0")
        #expect(Self.entry(.requested, .cancelled) == nil, "a request never confirmed committed nothing")
        let start = SessionTransitionTests.start
        let actual = Period(start: start, end: start.addingTimeInterval(150 * 60))
        #expect(Self.written(Self.entry(.confirmed, .completed, actual: actual)) == "consumption -\(two) 150")
        #expect(Self.entry(.confirmed, .cancelled).map(\.kind) == .release)
        #expect(Self.written(Self.entry(.confirmed, .cancelled, late: true)) == "late_cancellation -\(two) \(two)")
        #expect(Self.entry(.confirmed, .cancelled, late: true, lateCounts: false).map(\.kind) == .release, "the policy says late ones do not count")
        #expect(Self.entry(.confirmed, .cancelled, late: true, maintenance: true).map(\.kind) == .release, "maintenance never counts")
        #expect(Self.written(Self.entry(.confirmed, .noShow)) == "no_show -\(two) \(two)")
        #expect(Self.written(Self.entry(.confirmed, .noShow, noShowsCount: false)) == "release -\(two) 0")
        #expect(Self.entry(.confirmed, .completed)?.year == 2027)
    }

    @Test func eachThresholdFiresOnce() {
        func balance(consumed: Int, committed: Int = 0) -> QuotaBalance {
            QuotaBalance(agreementId: TestLab.agreement, year: 2027, quotaMinutes: 24_000, consumedMinutes: consumed, committedMinutes: committed)
        }
        let thresholds = [90, 75, 100]
        #expect(QuotaAlerts.due(balance(consumed: 17_999), thresholds: thresholds, fired: []).isEmpty)
        #expect(QuotaAlerts.due(balance(consumed: 18_000), thresholds: thresholds, fired: []).map(\.threshold) == [75])
        #expect(QuotaAlerts.due(balance(consumed: 22_000), thresholds: thresholds, fired: ["threshold:75"]).map(\.threshold) == [90])
        let over = QuotaAlerts.due(balance(consumed: 23_000, committed: 1_500), thresholds: thresholds, fired: ["threshold:75", "threshold:90"])
        #expect(over.map(\.kind) == [.projected])
        #expect(QuotaAlerts.due(balance(consumed: 24_000), thresholds: thresholds, fired: ["threshold:75", "threshold:90", "threshold:100"]).isEmpty)
    }
}
