import Foundation

/// A half-open range of instants `[start, end)`, as PostgreSQL's `tstzrange` stores it.
public struct Period: Sendable, Hashable, Codable, Comparable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// Real elapsed time, whatever the clocks did in between.
    public var duration: TimeInterval { end.timeIntervalSince(start) }
    public var minutes: Int { Int((duration / 60).rounded()) }

    public func overlaps(_ other: Period) -> Bool { start < other.end && other.start < end }
    public func contains(_ other: Period) -> Bool { start <= other.start && other.end <= end }

    public static func < (lhs: Period, rhs: Period) -> Bool { (lhs.start, lhs.end) < (rhs.start, rhs.end) }
}

/// A set of disjoint periods, kept sorted: opening hours minus bookings, availability.
public struct PeriodSet: Sendable, Equatable {
    public private(set) var periods: [Period] = []

    public init(_ periods: [Period] = []) {
        for period in periods { insert(period) }
    }

    public var isEmpty: Bool { periods.isEmpty }

    /// Adds a period, merging what it touches.
    public mutating func insert(_ period: Period) {
        guard period.start < period.end else { return }
        var merged = period
        var kept: [Period] = []
        for existing in periods {
            if existing.end < merged.start || merged.end < existing.start {
                kept.append(existing)
            } else {
                merged = Period(start: min(existing.start, merged.start), end: max(existing.end, merged.end))
            }
        }
        kept.append(merged)
        periods = kept.sorted()
    }

    /// What lies in both sets.
    public func intersection(_ other: PeriodSet) -> PeriodSet {
        var both = PeriodSet()
        for a in periods {
            for b in other.periods where a.overlaps(b) {
                both.insert(Period(start: max(a.start, b.start), end: min(a.end, b.end)))
            }
        }
        return both
    }

    /// Removes a period from every period it overlaps.
    public mutating func subtract(_ cut: Period) {
        guard cut.start < cut.end else { return }
        periods = periods.flatMap { period -> [Period] in
            guard period.overlaps(cut) else { return [period] }
            var pieces: [Period] = []
            if period.start < cut.start { pieces.append(Period(start: period.start, end: cut.start)) }
            if cut.end < period.end { pieces.append(Period(start: cut.end, end: period.end)) }
            return pieces
        }
    }

    public func subtracting(_ cuts: [Period]) -> PeriodSet {
        var result = self
        cuts.forEach { result.subtract($0) }
        return result
    }

    /// Whether one period of the set holds all of `period`.
    public func covers(_ period: Period) -> Bool {
        periods.contains { $0.contains(period) }
    }

    public func clipped(to window: Period) -> PeriodSet {
        PeriodSet(periods.compactMap { period in
            let start = max(period.start, window.start), end = min(period.end, window.end)
            return start < end ? Period(start: start, end: end) : nil
        })
    }
}
