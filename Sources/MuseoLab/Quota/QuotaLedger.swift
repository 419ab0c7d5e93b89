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

    /// Records an entry and what follows from it; `today` says which terms of the agreement are in force.
    @discardableResult
    static func post(_ entry: Entry, today: CalendarDate, actor: Actor, _ session: SQLSession) async throws -> Int64? {
        guard entry.committed != 0 || entry.consumed != 0 else { return nil }
        try await session.execute("SELECT pg_advisory_xact_lock(hashtext('quota'), hashtext(\(entry.agreementId.uuidString + String(entry.year))))")
        let before = try await balance(entry.agreementId, year: entry.year, today: today, session)
        let row = try await session.first(
            """
            INSERT INTO quota_ledger (agreement_id, year, kind, session_id, committed_minutes, consumed_minutes, reason, actor, actor_user_id)
            VALUES (\(entry.agreementId), \(entry.year), \(entry.kind.rawValue), \(entry.sessionId), \(entry.committed), \(entry.consumed),
                    \(entry.reason), \(actor.label), \(actor.userId))
            RETURNING id
            """)
        let entryId = try row!.decode(Int64.self)
        var after = before
        after.committedMinutes += entry.committed
        after.consumedMinutes += entry.consumed

        let overage = after.overQuotaMinutes - before.overQuotaMinutes
        if overage > 0 {
            try await session.execute(
                """
                INSERT INTO overage_items (agreement_id, year, session_id, ledger_entry_id, minutes, service_date)
                VALUES (\(entry.agreementId), \(entry.year), \(entry.sessionId), \(entryId), \(overage), \(entry.serviceDate.description)::date)
                """)
        }
        try await QuotaAlerts.raise(after, ledgerEntry: entryId, session)
        return entryId
    }

    /// The ledger follows the sessions charged to an agreement.
    struct SessionSubscriber: DomainEventSubscriber {
        func handle(_ event: DomainEvent, _ context: EventContext) async throws {
            guard case .sessionMoved(let moved) = event else { return }
            let today = ParisClock.date(of: context.now)
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
        guard let agreementId = current.agreementId, current.supervised else { return }
        let planned = current.period.minutes
        let date = ParisClock.date(of: current.period.start)
        func entry(_ kind: QuotaLedgerEntry.Kind, committed: Int, consumed: Int, reason: String? = nil) -> Entry {
            Entry(agreementId: agreementId, year: date.year, kind: kind, sessionId: current.id, committed: committed, consumed: consumed,
                  reason: reason, serviceDate: date)
        }
        let policy = try await session.first(
            "SELECT late_cancellations_count, no_shows_count FROM agreements WHERE id = \(agreementId)")!
        let (lateCounts, noShowsCount) = try policy.decode((Bool, Bool).self)

        switch (current.status, status) {
        case (.requested, .confirmed):
            try await post(entry(.commitment, committed: planned, consumed: 0), today: today, actor: actor, session)
        case (.confirmed, .completed):
            try await post(entry(.consumption, committed: -planned, consumed: actual?.minutes ?? planned), today: today, actor: actor, session)
        case (.confirmed, .cancelled):
            if lateCancellation && lateCounts && !byMaintenance {
                try await post(entry(.lateCancellation, committed: -planned, consumed: planned, reason: "late cancellation counted (agreement policy)"),
                               today: today, actor: actor, session)
            } else {
                try await post(entry(.release, committed: -planned, consumed: 0), today: today, actor: actor, session)
            }
        case (.confirmed, .noShow):
            if noShowsCount {
                try await post(entry(.noShow, committed: -planned, consumed: planned, reason: "no-show counted (agreement policy)"), today: today, actor: actor, session)
            } else {
                try await post(entry(.release, committed: -planned, consumed: 0, reason: "no-show not counted (agreement policy)"), today: today, actor: actor, session)
            }
        default:
            break  // A request that was never confirmed committed nothing.
        }
    }

    /// The sum of the ledger for an agreement's year, with the quota in force on `today`'s reference day.
    static func balance(_ agreementId: UUID, year: Int, today: CalendarDate, _ session: SQLSession) async throws -> QuotaBalance {
        let row = try await session.first(
            """
            SELECT coalesce(sum(consumed_minutes), 0)::bigint, coalesce(sum(committed_minutes), 0)::bigint
            FROM quota_ledger WHERE agreement_id = \(agreementId) AND year = \(year)
            """)!
        let (consumed, committed) = try row.decode((Int64, Int64).self)
        return QuotaBalance(
            agreementId: agreementId, year: year, quotaMinutes: try await quotaMinutes(agreementId, year: year, today: today, session),
            consumedMinutes: Int(consumed), committedMinutes: Int(committed))
    }

    /// The yearly quota in minutes: the terms in force on the reference day of the year
    /// (today during the year, its last day for a past year, its first for a future one).
    /// An amendment thus sets the quota from its effective date on.
    static func quotaMinutes(_ agreementId: UUID, year: Int, today: CalendarDate, _ session: SQLSession) async throws -> Int {
        let reference = today.year == year ? today : (today.year > year ? CalendarDate(year: year, month: 12, day: 31)! : CalendarDate(year: year, month: 1, day: 1)!)
        let row = try await session.first(
            """
            SELECT support_quota_hours FROM agreement_terms
            WHERE agreement_id = \(agreementId) AND effective_from <= \(reference.description)::date
            ORDER BY effective_from DESC LIMIT 1
            """)
        return Int(try row?.decode(Int32.self) ?? 0) * 60
    }
}
