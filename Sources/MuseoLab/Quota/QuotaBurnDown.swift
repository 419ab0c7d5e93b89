import Foundation

/// An agreement's year as its chart reads it: after each day on which the ledger moved, what was
/// consumed so far, and consumed plus committed; summed from the ledger's lines in their order,
/// so each step of the chart is explained by the lines of its day.
public struct QuotaBurnDown: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var date: CalendarDate
        public var consumedMinutes: Int
        /// Consumed plus committed (the confirmed sessions to come).
        public var projectedMinutes: Int
    }

    public var year: Int
    public var quotaMinutes: Int
    /// One per day with ledger lines, in order of days.
    public var steps: [Step]

    /// The steps of a year's ledger lines (of one agreement and year, in any order).
    public static func of(_ entries: [QuotaLedgerEntry], year: Int, quotaMinutes: Int) -> QuotaBurnDown {
        var steps: [Step] = []
        var consumed = 0
        var committed = 0
        for entry in entries.sorted(by: { ($0.recordedAt, $0.id) < ($1.recordedAt, $1.id) }) {
            consumed += entry.consumedMinutes
            committed += entry.committedMinutes
            let day = ParisClock.date(of: entry.recordedAt)
            let step = Step(date: day, consumedMinutes: consumed, projectedMinutes: consumed + committed)
            if steps.last?.date == day { steps[steps.count - 1] = step } else { steps.append(step) }
        }
        return QuotaBurnDown(year: year, quotaMinutes: quotaMinutes, steps: steps)
    }
}
