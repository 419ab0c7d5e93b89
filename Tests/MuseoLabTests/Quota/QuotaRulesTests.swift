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

    static func quota(consumed: Int, year: Int = 2027) -> QuotaBalance {
        QuotaBalance(agreementId: TestLab.agreement, year: year, quotaMinutes: 24_000, consumedMinutes: consumed, committedMinutes: 0)
    }

    @Test func whatAConfirmationWouldUse() {
        let requested = SessionTransitionTests.session(.requested)
        #expect(QuotaRules.confirming(requested, remaining: 60) == (60, -60, 60))
        #expect(QuotaRules.confirming(requested, remaining: 500) == (500, 380, 0))
        #expect(QuotaRules.confirming(requested, remaining: -30) == (-30, -150, 120), "already beyond: all of it is over")
        #expect(QuotaRules.confirming(SessionTransitionTests.session(.confirmed), remaining: 60) == (60, 60, 0), "already committed")
    }

    @Test func whenTheQuotaRunsOut() throws {
        let today = try #require(CalendarDate("2027-01-10"))
        #expect(QuotaRules.forecast(Self.quota(consumed: 100, year: 2026), today: today, consumedInLast90Days: 900, confirmed: []) == nil)
        #expect(QuotaRules.forecast(Self.quota(consumed: 24_000), today: today, consumedInLast90Days: 0, confirmed: [])?.method == .exhausted)
        // The confirmed sessions ahead cross the quota: on the day of the one that does.
        let session = SessionTransitionTests.session(.confirmed).period
        let crossing = QuotaRules.forecast(Self.quota(consumed: 23_900), today: today, consumedInLast90Days: 0, confirmed: [session])
        #expect(crossing?.method == .committed && crossing?.runsOutOn == CalendarDate("2027-01-15"))
        // 3,000 minutes left at 10 a day after the last confirmed session (2027-01-15): 300 days later.
        let rate = QuotaRules.forecast(Self.quota(consumed: 21_000 - 120), today: today, consumedInLast90Days: 900, confirmed: [session])
        #expect(rate?.method == .recentRate && rate?.recentRateMinutesPerDay == 10)
        #expect(rate?.runsOutOn == CalendarDate("2027-01-15")?.adding(days: 300))
        #expect(QuotaRules.forecast(Self.quota(consumed: 0), today: today, consumedInLast90Days: 900, confirmed: [])?.method == .notThisYear)
        #expect(QuotaRules.forecast(Self.quota(consumed: 0), today: today, consumedInLast90Days: 0, confirmed: [])?.method == .notThisYear)
    }

    @Test func anAlertSaysWhatIsConsumedAndCommittedInFrench() throws {
        let balance = QuotaBalance(agreementId: TestLab.agreement, year: 2027, quotaMinutes: 24_000, consumedMinutes: 18_000, committedMinutes: 1_234)
        let alertId = UUID()
        let reached = try QuotaAlertMessage(
            alertId: alertId, kind: .threshold, threshold: 75, balance: balance, agreementReference: "CONV-2026", agreementTitle: "Convention Artois")
        #expect(reached.subject == "MuséoLab – quota CONV-2026 2027 : 75 % atteint")
        #expect(reached.body.components(separatedBy: "\n") == [
            "Convention Artois (CONV-2026), année 2027.",
            "Le seuil de 75 % du quota d'accompagnement est atteint.",
            "",
            "Quota : 400,00 h",
            "Consommé : 300,00 h (75,0 %)",
            "Engagé (séances confirmées à venir) : 20,57 h",
            "Reste, une fois l'engagé consommé : 79,43 h",
            "",
            "Au-delà du quota, les heures peuvent être facturées selon la grille tarifaire en vigueur (convention, article 5-4).",
        ])
        let facts = try JSONSerialization.jsonObject(with: Data(reached.payload.utf8)) as? [String: Any]
        #expect(facts?["event"] as? String == "quota.alert")
        #expect(facts?["alertId"] as? String == alertId.uuidString.lowercased())
        #expect(facts?["threshold"] as? Int == 75)
        #expect(facts?["committedMinutes"] as? Int == 1_234)

        let projected = try QuotaAlertMessage(
            alertId: alertId, kind: .projected, threshold: 100, balance: balance, agreementReference: "CONV-2026", agreementTitle: "Convention Artois")
        #expect(projected.subject == "MuséoLab – quota CONV-2026 2027 : dépassement prévu")
        #expect(projected.body.contains("Les heures consommées et engagées dépassent le quota d'accompagnement."))

        // Beyond the quota with what is committed: what is consumed, committed, and by how much both go beyond, never a negative "left".
        let beyond = QuotaBalance(agreementId: TestLab.agreement, year: 2027, quotaMinutes: 24_000, consumedMinutes: 23_880, committedMinutes: 240)
        let told = try QuotaAlertMessage(
            alertId: alertId, kind: .projected, threshold: 100, balance: beyond, agreementReference: "CONV-2026", agreementTitle: "Convention Artois")
        #expect(told.body.components(separatedBy: "\n")[3...6] == [
            "Quota : 400,00 h", "Consommé : 398,00 h (99,5 %)", "Engagé (séances confirmées à venir) : 4,00 h",
            "Dépassement prévu, consommé et engagé compris : 2,00 h",
        ])
    }

    @Test func remainingNeverGoesBelowZeroAndOverSaysByHowMuch() {
        let over = QuotaBalance(agreementId: TestLab.agreement, year: 2027, quotaMinutes: 24_000, consumedMinutes: 24_990, committedMinutes: 60)
        #expect(over.remainingMinutes == 0 && over.overQuotaMinutes == 990)
        #expect(over.projectedRemainingMinutes == 0 && over.projectedOverQuotaMinutes == 1_050)
        #expect(over.projectedBalanceMinutes == -1_050, "the rules still compute with the signed balance")
        let under = QuotaBalance(agreementId: TestLab.agreement, year: 2027, quotaMinutes: 24_000, consumedMinutes: 20_000, committedMinutes: 5_000)
        #expect(under.remainingMinutes == 4_000 && under.overQuotaMinutes == 0)
        #expect(under.projectedRemainingMinutes == 0 && under.projectedOverQuotaMinutes == 1_000)
    }
}
