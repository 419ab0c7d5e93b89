import Foundation
import PostgresNIO

/// How the quota ledger is posted and read, and its reports: one type per statement, rows decoded
/// by column name. (Alerts and overage keep their own stores.)
enum QuotaStore {
    // MARK: - Ledger postings

    /// Holds the lock of an agreement's year until the transaction ends: its entries are posted one at a time.
    struct YearLock: Statement {
        static let sql = "SELECT pg_advisory_xact_lock(hashtext('quota'), hashtext($1::text))"
        var agreementId: UUID, year: Int
        // The key `quota_year_for_posting` takes too (migration 0020): the id as PostgreSQL writes it, then the year.
        func makeBindings() throws -> PostgresBindings { .with(agreementId.uuidString.lowercased() + String(year)) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// An agreement's year as the quota status reads it: its balance (the ledger's sums, kept by
    /// the ledger's trigger), the quota of the terms in force on a day, the policy, the alerts fired.
    struct YearState: Statement {
        static let sql = """
            SELECT coalesce(b.consumed_minutes, 0) AS consumed, coalesce(b.committed_minutes, 0) AS committed,
                   a.late_cancellations_count, a.no_shows_count, a.alert_thresholds,
                   \(quotaHours),
                   (SELECT coalesce(array_agg(f.kind || ':' || f.threshold), '{}') FROM quota_alerts f
                    WHERE f.agreement_id = a.id AND f.year = $2::int) AS fired
            FROM agreements a
            LEFT JOIN quota_year_balances b ON b.agreement_id = a.id AND b.year = $2::int
            WHERE a.id = $1::uuid
            """
        var agreementId: UUID, year: Int, referenceDay: CalendarDate
        func makeBindings() throws -> PostgresBindings { try QuotaStore.yearBindings(agreementId, year, referenceDay) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> QuotaLedger.YearState { try QuotaStore.yearState(r, agreementId, year) }
    }

    /// The same, as posting an entry reads it: the year's lock taken first, then the balance and
    /// the alerts as the transaction that held it before left them (`quota_year_for_posting`).
    struct YearForPosting: Statement {
        static let sql = """
            SELECT y.consumed_minutes AS consumed, y.committed_minutes AS committed, y.fired,
                   a.late_cancellations_count, a.no_shows_count, a.alert_thresholds,
                   \(quotaHours)
            FROM agreements a CROSS JOIN LATERAL quota_year_for_posting(a.id, $2::int) y
            WHERE a.id = $1::uuid
            """
        var agreementId: UUID, year: Int, referenceDay: CalendarDate
        func makeBindings() throws -> PostgresBindings { try QuotaStore.yearBindings(agreementId, year, referenceDay) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> QuotaLedger.YearState { try QuotaStore.yearState(r, agreementId, year) }
    }

    /// The quota of the terms in force on the reference day ($3).
    static let quotaHours = """
        (SELECT support_quota_hours FROM agreement_terms
                    WHERE agreement_id = a.id AND effective_from <= $3::text::date
                    ORDER BY effective_from DESC LIMIT 1) AS quota_hours
        """

    static func yearBindings(_ agreementId: UUID, _ year: Int, _ referenceDay: CalendarDate) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(agreementId)
        bindings.append(Int32(year))
        bindings.append(referenceDay.description)
        return bindings
    }

    static func yearState(_ r: PostgresRandomAccessRow, _ agreementId: UUID, _ year: Int) throws -> QuotaLedger.YearState {
        QuotaLedger.YearState(
            balance: QuotaBalance(
                agreementId: agreementId, year: year, quotaMinutes: Int(try r.value("quota_hours", as: Int32?.self) ?? 0) * 60,
                consumedMinutes: Int(try r.value("consumed", as: Int64.self)), committedMinutes: Int(try r.value("committed", as: Int64.self))),
            lateCancellationsCount: try r.value("late_cancellations_count"), noShowsCount: try r.value("no_shows_count"),
            thresholds: try r.value("alert_thresholds", as: [Int16].self).map(Int.init), fired: Set(try r.value("fired", as: [String].self)))
    }

    /// A ledger entry and, when it goes beyond the quota, its overage item, in one statement; answers the entry's id.
    struct Posting: Statement {
        static let sql = """
            WITH entry AS (
                INSERT INTO quota_ledger (agreement_id, year, kind, session_id, committed_minutes, consumed_minutes, reason, actor, actor_user_id)
                VALUES ($1::uuid, $2::int, $3::text, $4::uuid, $5::int, $6::int, $7::text, $8::text, $9::uuid)
                RETURNING id
            ), overage AS (
                INSERT INTO overage_items (agreement_id, year, session_id, ledger_entry_id, minutes, service_date)
                SELECT $1::uuid, $2::int, $4::uuid, id, $10::int, $11::text::date
                FROM entry WHERE $10::int > 0
            )
            SELECT id FROM entry
            """
        var entry: QuotaLedger.Entry, actor: Actor, overageMinutes: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(entry.agreementId)
            bindings.append(Int32(entry.year))
            bindings.append(entry.kind.rawValue)
            bindings.append(entry.sessionId)
            bindings.append(Int32(entry.committed))
            bindings.append(Int32(entry.consumed))
            bindings.append(entry.reason)
            bindings.append(actor.label)
            bindings.append(actor.userId)
            bindings.append(Int32(overageMinutes))
            bindings.append(entry.serviceDate.description)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int64 { try r.value("id") }
    }

    // MARK: - Reports

    /// The agreements in force during a year, by reference.
    struct AgreementsInForce: Statement {
        static let sql = """
            SELECT id, reference FROM agreements
            WHERE starts_on <= make_date($1::int, 12, 31) AND ends_on >= make_date($1::int, 1, 1) ORDER BY reference
            """
        var year: Int
        func makeBindings() throws -> PostgresBindings { .with(Int32(year)) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, reference: String) { (try r.value("id"), try r.value("reference")) }
    }

    /// A year's alerts of an agreement, in the order they fired, with their delivery state.
    struct Alerts: Statement {
        static let sql = """
            SELECT \(QuotaAlerts.columns)
            FROM quota_alerts a WHERE a.agreement_id = $1::uuid AND a.year = $2::int ORDER BY a.fired_at, a.threshold
            """
        var agreementId: UUID, year: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(Int32(year))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> QuotaAlert { try QuotaAlerts.alert(r) }
    }

    /// The minutes beyond the quota a year waits to be billed or waived.
    struct PendingOverage: Statement {
        static let sql = """
            SELECT coalesce(sum(minutes), 0)::bigint AS minutes FROM overage_items WHERE agreement_id = $1::uuid AND year = $2::int AND status = 'pending'
            """
        var agreementId: UUID, year: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(Int32(year))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int { Int(try r.value("minutes", as: Int64.self)) }
    }

    /// A page of a year's ledger, oldest first, after an entry.
    struct Ledger: Statement {
        static let sql = """
            SELECT l.id, l.year, l.kind, l.session_id, s.number AS session_number, l.committed_minutes, l.consumed_minutes, l.reason, l.actor,
                   l.recorded_at
            FROM quota_ledger l LEFT JOIN support_sessions s ON s.id = l.session_id
            WHERE l.agreement_id = $1::uuid AND l.year = $2::int AND l.id > $3::bigint
            ORDER BY l.id LIMIT $4::int
            """
        var agreementId: UUID, year: Int, after: Int64, limit: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(Int32(year))
            bindings.append(after)
            bindings.append(Int32(limit))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> QuotaLedgerEntry {
            QuotaLedgerEntry(
                id: try r.value("id"), agreementId: agreementId, year: Int(try r.value("year", as: Int32.self)),
                kind: try r.value("kind", as: QuotaLedgerEntry.Kind.self), sessionId: try r.value("session_id"),
                sessionReference: try r.value("session_number", as: Int64?.self).map { "S-" + zeroPadded($0, width: 6) },
                committedMinutes: Int(try r.value("committed_minutes", as: Int32.self)),
                consumedMinutes: Int(try r.value("consumed_minutes", as: Int32.self)), reason: try r.value("reason"),
                actor: try r.value("actor"), recordedAt: try r.value("recorded_at"))
        }
    }

    /// What the forecast reads: the minutes consumed since a moment, and the confirmed
    /// supervised sessions of the year, in their order.
    struct ConsumedSince: Statement {
        static let sql = """
            SELECT coalesce(sum(consumed_minutes), 0)::bigint AS minutes FROM quota_ledger
            WHERE agreement_id = $1::uuid AND recorded_at >= $2::timestamptz AND consumed_minutes > 0
            """
        var agreementId: UUID, since: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(since)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int { Int(try r.value("minutes", as: Int64.self)) }
    }

    struct ConfirmedSessions: Statement {
        static let sql = """
            SELECT lower(period) AS starts_at, upper(period) AS ends_at FROM support_sessions
            WHERE agreement_id = $1::uuid AND status = 'confirmed' AND supervised
              AND extract(year FROM lower(period) AT TIME ZONE 'Europe/Paris') = $2::int
            ORDER BY lower(period)
            """
        var agreementId: UUID, year: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(Int32(year))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Period { Period(start: try r.value("starts_at"), end: try r.value("ends_at")) }
    }

    // MARK: - Usage reports

    /// A year's usage grouped one way: the key and label of a group, and the joins they need.
    static func usage(key: String, label: String, joins: String) -> String {
        """
        SELECT \(key) AS key, \(label) AS label, sum(l.consumed_minutes)::bigint AS consumed, sum(l.committed_minutes)::bigint AS committed,
               count(DISTINCT l.session_id) AS sessions
        FROM quota_ledger l LEFT JOIN support_sessions s ON s.id = l.session_id \(joins)
        WHERE l.agreement_id = $1::uuid AND l.year = $2::int
        GROUP BY 1, 2 ORDER BY 1
        """
    }

    static func usage(_ grouping: UsageGrouping, agreementId: UUID, year: Int, _ session: SQLSession) async throws -> [UsageLine] {
        switch grouping {
        case .month: try await session.run(UsageByMonth(agreementId: agreementId, year: year))
        case .component: try await session.run(UsageByComponent(agreementId: agreementId, year: year))
        case .machine: try await session.run(UsageByMachine(agreementId: agreementId, year: year))
        case .user: try await session.run(UsageByUser(agreementId: agreementId, year: year))
        }
    }

    struct UsageByMonth: UsageStatement {
        static let month = "to_char(lower(s.period) AT TIME ZONE 'Europe/Paris', 'YYYY-MM')"
        static let sql = usage(key: "coalesce(\(month), 'adjustments')", label: "coalesce(\(month), 'Ajustements')", joins: "")
        var agreementId: UUID, year: Int
    }

    struct UsageByComponent: UsageStatement {
        static let sql = usage(
            key: "coalesce(c.id::text, CASE WHEN l.session_id IS NULL THEN 'adjustments' ELSE 'none' END)",
            label: "coalesce(c.name, CASE WHEN l.session_id IS NULL THEN 'Ajustements' ELSE '(sans composante)' END)",
            joins: "LEFT JOIN users u ON u.id = s.requester_user_id LEFT JOIN organisation_components c ON c.id = u.component_id")
        var agreementId: UUID, year: Int
    }

    struct UsageByMachine: UsageStatement {
        static let sql = usage(
            key: "coalesce(m.id::text, CASE WHEN l.session_id IS NULL THEN 'adjustments' ELSE 'none' END)",
            label: "coalesce(m.nature || coalesce(' ' || m.inventory_number, ''), CASE WHEN l.session_id IS NULL THEN 'Ajustements' ELSE '(sans machine)' END)",
            joins: "LEFT JOIN machine_occupations o ON o.session_id = s.id LEFT JOIN machines m ON m.id = o.machine_id")
        var agreementId: UUID, year: Int
    }

    struct UsageByUser: UsageStatement {
        static let sql = usage(key: "coalesce(u.id::text, 'adjustments')", label: "coalesce(u.email, 'Ajustements')", joins: "LEFT JOIN users u ON u.id = s.requester_user_id")
        var agreementId: UUID, year: Int
    }
}

/// The four usage reports share their bindings and their row.
protocol UsageStatement: Statement where Row == UsageLine {
    var agreementId: UUID { get }
    var year: Int { get }
}

extension UsageStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(agreementId)
        bindings.append(Int32(year))
        return bindings
    }

    func decodeRow(_ r: PostgresRandomAccessRow) throws -> UsageLine {
        UsageLine(
            key: try r.value("key"), label: try r.value("label"), consumedMinutes: Int(try r.value("consumed", as: Int64.self)),
            committedMinutes: Int(try r.value("committed", as: Int64.self)), sessions: Int(try r.value("sessions", as: Int64.self)))
    }
}
