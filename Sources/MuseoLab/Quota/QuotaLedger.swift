import Foundation
import PostgresNIO

/// Writes the quota ledger, in the transaction of the change that causes each entry,
/// then raises what the new balance calls for: overage items beyond the quota, and
/// alerts (each once per agreement and year).
///
/// Entries of one agreement's year are serialised by an advisory lock, so two
/// transactions crossing a threshold together see each other and fire one alert.
enum QuotaLedger {
    struct Entry {
        var agreementId: UUID
        var year: Int
        var kind: QuotaLedgerEntry.Kind
        var sessionId: UUID?
        var committed: Int
        var consumed: Int
        var reason: String?
        /// The service date, which prices any overage.
        var serviceDate: CalendarDate
    }

    /// What recording an entry needs to know of the agreement's year: read in one statement,
    /// once the year's lock is held.
    struct YearState: Sendable {
        var balance: QuotaBalance
        var lateCancellationsCount: Bool
        var noShowsCount: Bool
        var thresholds: [Int]
        /// The alerts fired already this year, as `kind:threshold`.
        var fired: Set<String>
    }

    /// Serialises the entries of one agreement's year until the transaction ends: two
    /// transactions crossing a threshold together see each other and fire one alert.
    static func lock(_ agreementId: UUID, year: Int, _ session: SQLSession) async throws {
        _ = try await session.run(QuotaStore.YearLock(agreementId: agreementId, year: year))
    }

    /// The year's balance, the quota of the terms in force on `today`'s reference day, the
    /// agreement's policy and alerts: one statement.
    static func state(_ agreementId: UUID, year: Int, today: CalendarDate, _ session: SQLSession) async throws -> YearState {
        let reference = referenceDay(of: year, today: today)
        guard let state = try await session.run(QuotaStore.YearState(agreementId: agreementId, year: year, referenceDay: reference)).first
        else { throw Problem.notFound("agreement") }
        return state
    }

    /// The same once the year's lock is held, in the statement that takes it: what posting an entry decides on.
    static func lockedState(_ agreementId: UUID, year: Int, today: CalendarDate, _ session: SQLSession) async throws -> YearState {
        let reference = referenceDay(of: year, today: today)
        guard let state = try await session.run(QuotaStore.YearForPosting(agreementId: agreementId, year: year, referenceDay: reference)).first
        else { throw Problem.notFound("agreement") }
        return state
    }

    /// Records an entry and what follows from it (overage beyond the quota, alerts not fired yet);
    /// `today` says which terms of the agreement are in force.
    /// - Returns: the balance after the entry.
    @discardableResult
    static func post(_ entry: Entry, today: CalendarDate, actor: Actor, _ session: SQLSession) async throws -> QuotaBalance {
        let state = try await lockedState(entry.agreementId, year: entry.year, today: today, session)
        return try await record(entry, on: state, actor: actor, session)
    }

    /// Records an entry of a year locked and read by the caller: the entry and its overage in one
    /// statement, then each alert now due.
    static func record(_ entry: Entry, on state: YearState, actor: Actor, _ session: SQLSession) async throws -> QuotaBalance {
        let before = state.balance
        guard entry.committed != 0 || entry.consumed != 0 else { return before }
        var after = before
        after.committedMinutes += entry.committed
        after.consumedMinutes += entry.consumed
        let overage = max(0, after.overQuotaMinutes - before.overQuotaMinutes)
        let entryId = try await session.run(QuotaStore.Posting(entry: entry, actor: actor, overageMinutes: overage))[0]
        let due = QuotaAlerts.due(after, thresholds: state.thresholds, fired: state.fired)
        if !due.isEmpty { try await QuotaAlerts.raise(due, balance: after, ledgerEntry: entryId, session) }
        return after
    }

    /// The ledger follows the sessions charged to an agreement.
    struct SessionSubscriber: DomainEventSubscriber {
        func handle(_ event: DomainEvent, _ context: EventContext) async throws {
            let today = ParisClock.date(of: context.now)
            if case .sessionRescheduled(let rescheduled) = event {
                return try await sessionRescheduled(rescheduled, today: today, actor: context.actor, context.session)
            }
            guard case .sessionMoved(let moved) = event else { return }
            if case .maintenance = moved.move.cause {
                try await sessionMoved(
                    moved.before, to: moved.move.to, lateCancellation: false, actual: nil, byMaintenance: true, today: today,
                    actor: context.actor, context.session)
            } else {
                try await sessionMoved(
                    moved.before, to: moved.move.to, lateCancellation: moved.move.lateCancellation, actual: moved.move.actual, today: today,
                    actor: context.actor, context.session)
            }
        }
    }

    /// The ledger entries a session's move calls for, following the agreement's policy.
    static func sessionMoved(
        _ current: SupportSession, to status: SessionStatus, lateCancellation: Bool, actual: Period?, byMaintenance: Bool = false,
        today: CalendarDate, actor: Actor, _ session: SQLSession
    ) async throws {
        // Whether the move calls for an entry at all does not depend on the policy: ask first, lock after.
        guard let agreementId = current.agreementId,
            entry(for: current, to: status, lateCancellation: lateCancellation, actual: actual, byMaintenance: byMaintenance,
                  lateCancellationsCount: false, noShowsCount: false) != nil
        else { return }
        let year = ParisClock.date(of: current.period.start).year
        let state = try await lockedState(agreementId, year: year, today: today, session)
        guard let entry = entry(
            for: current, to: status, lateCancellation: lateCancellation, actual: actual, byMaintenance: byMaintenance,
            lateCancellationsCount: state.lateCancellationsCount, noShowsCount: state.noShowsCount)
        else { return }
        _ = try await record(entry, on: state, actor: actor, session)
    }

    /// A confirmed session moved to another time: its commitment follows the new length (one
    /// entry for the difference), or the new year (released in the old one, committed in the
    /// new one, the years locked in their order). A request committed nothing yet.
    static func sessionRescheduled(_ rescheduled: SessionRescheduled, today: CalendarDate, actor: Actor, _ session: SQLSession) async throws {
        let entries = rescheduledEntries(rescheduled)
        for year in Set(entries.map(\.year)).sorted() {
            try await lock(entries[0].agreementId, year: year, session)
        }
        for entry in entries {
            let state = try await lockedState(entry.agreementId, year: entry.year, today: today, session)
            _ = try await record(entry, on: state, actor: actor, session)
        }
    }

    /// The entries a move to another time calls for: the rule, over the session as it was and is.
    static func rescheduledEntries(_ rescheduled: SessionRescheduled) -> [Entry] {
        let (before, after) = (rescheduled.before, rescheduled.after)
        guard before.status == .confirmed, before.supervised, let agreementId = before.agreementId else { return [] }
        let (was, now) = (ParisClock.date(of: before.period.start), ParisClock.date(of: after.period.start))
        func entry(_ date: CalendarDate, _ committed: Int) -> Entry {
            Entry(agreementId: agreementId, year: date.year, kind: committed > 0 ? .commitment : .release, sessionId: before.id,
                  committed: committed, consumed: 0, reason: "rescheduled", serviceDate: date)
        }
        if was.year != now.year { return [entry(was, -before.period.minutes), entry(now, after.period.minutes)] }
        let difference = after.period.minutes - before.period.minutes
        return difference == 0 ? [] : [entry(now, difference)]
    }

    /// The entry a session's move calls for, if any: the rule, over the session and the policy.
    static func entry(
        for current: SupportSession, to status: SessionStatus, lateCancellation: Bool, actual: Period?, byMaintenance: Bool,
        lateCancellationsCount: Bool, noShowsCount: Bool
    ) -> Entry? {
        guard let agreementId = current.agreementId, current.supervised else { return nil }
        let planned = current.period.minutes
        let date = ParisClock.date(of: current.period.start)
        func entry(_ kind: QuotaLedgerEntry.Kind, committed: Int, consumed: Int, reason: String? = nil) -> Entry {
            Entry(agreementId: agreementId, year: date.year, kind: kind, sessionId: current.id, committed: committed, consumed: consumed,
                  reason: reason, serviceDate: date)
        }
        switch (current.status, status) {
        case (.requested, .confirmed):
            return entry(.commitment, committed: planned, consumed: 0)
        case (.confirmed, .completed):
            return entry(.consumption, committed: -planned, consumed: actual?.minutes ?? planned)
        case (.requested, .completed) where current.recordedAfterwards:
            // Recorded once over: consumed, never committed.
            return entry(.consumption, committed: 0, consumed: actual?.minutes ?? planned, reason: "recorded afterwards")
        case (.confirmed, .cancelled):
            if lateCancellation && lateCancellationsCount && !byMaintenance {
                return entry(.lateCancellation, committed: -planned, consumed: planned, reason: "late cancellation counted (agreement policy)")
            }
            return entry(.release, committed: -planned, consumed: 0)
        case (.confirmed, .noShow):
            if noShowsCount { return entry(.noShow, committed: -planned, consumed: planned, reason: "no-show counted (agreement policy)") }
            return entry(.release, committed: -planned, consumed: 0, reason: "no-show not counted (agreement policy)")
        default:
            return nil  // A request that was never confirmed committed nothing.
        }
    }

    /// The sum of the ledger for an agreement's year, with the quota in force on `today`'s reference day.
    static func balance(_ agreementId: UUID, year: Int, today: CalendarDate, _ session: SQLSession) async throws -> QuotaBalance {
        try await state(agreementId, year: year, today: today, session).balance
    }

    /// The day whose terms set a year's quota: today during the year, its last day for a past
    /// year, its first for a future one. An amendment thus sets the quota from its effective date on.
    static func referenceDay(of year: Int, today: CalendarDate) -> CalendarDate {
        today.year == year ? today : (today.year > year ? CalendarDate(year: year, month: 12, day: 31)! : CalendarDate(year: year, month: 1, day: 1)!)
    }
}
