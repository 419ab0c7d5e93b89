import Foundation
import PostgresNIO

/// When the quota is forecast to run out, and how that was worked out.
public struct QuotaForecast: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Already used up.
        case exhausted
        /// The confirmed sessions ahead use it up on their own.
        case committed
        /// After the confirmed sessions, at the consumption rate of the last 90 days.
        case recentRate = "recent_rate"
        /// Neither runs it out this year.
        case notThisYear = "not_this_year"
    }

    public var method: Method
    public var runsOutOn: CalendarDate?
    /// Consumed minutes a day over the last 90 days.
    public var recentRateMinutesPerDay: Double
    public var explanation: String
}

/// An agreement's year: the balance, the forecast, the alerts fired.
public struct QuotaStatus: Sendable, Equatable, Codable {
    public var balance: QuotaBalance
    public var forecast: QuotaForecast?
    public var alerts: [QuotaAlert]
    public var pendingOverageMinutes: Int
}

/// What confirming a session would do to the quota.
public struct QuotaPreview: Sendable, Equatable, Codable {
    public var sessionId: UUID
    public var chargedToAgreement: Bool
    public var minutes: Int
    public var remainingBeforeMinutes: Int
    public var remainingAfterMinutes: Int
    public var overQuotaMinutes: Int
    /// The over-quota minutes at the support hour of the grid in force on the session's day, at the
    /// customer's price, before VAT; `nil` when nothing goes over or no grid prices it.
    public var estimatedCostCents: Int?
}

/// One line of a usage report.
public struct UsageLine: Sendable, Equatable, Codable {
    public var key: String
    public var label: String
    public var consumedMinutes: Int
    public var committedMinutes: Int
    public var sessions: Int
}

public enum UsageGrouping: String, Sendable, Codable, CaseIterable {
    case month, component, machine, user
}

/// The 400-hour support quota of an agreement, year by year (article 5-4).
public struct Quota: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func status(_ agreementId: UUID, year: Int, by actor: Actor) async throws -> QuotaStatus {
        try Self.checkYear(year)
        let now = now()
        return try await database.read { session in
            try await Self.requireView(agreementId, actor, session)
            let balance = try await QuotaLedger.balance(agreementId, year: year, today: ParisClock.date(of: now), session)
            let alerts = try await session.rows(
                """
                SELECT \(unescaped: QuotaAlerts.columns)
                FROM quota_alerts a WHERE a.agreement_id = \(agreementId) AND a.year = \(year) ORDER BY a.fired_at, a.threshold
                """
            ).map(QuotaAlerts.alert)
            let pending = try await session.first(
                "SELECT coalesce(sum(minutes), 0)::bigint FROM overage_items WHERE agreement_id = \(agreementId) AND year = \(year) AND status = 'pending'"
            )!.decode(Int64.self)
            return QuotaStatus(
                balance: balance, forecast: try await Self.forecast(balance, now: now, session), alerts: alerts,
                pendingOverageMinutes: Int(pending))
        }
    }

    /// The balance of every agreement in force during a year (for monitoring: `/metrics`).
    public func overview(year: Int, by actor: Actor) async throws -> [(reference: String, balance: QuotaBalance)] {
        try Self.checkYear(year)
        try actor.require(.viewQuota, "see every agreement's quota")
        let today = ParisClock.date(of: now())
        return try await database.read { session in
            var balances: [(reference: String, balance: QuotaBalance)] = []
            for row in try await session.rows(
                """
                SELECT id, reference FROM agreements
                WHERE starts_on <= make_date(\(year)::int, 12, 31) AND ends_on >= make_date(\(year)::int, 1, 1) ORDER BY reference
                """)
            {
                let (id, reference) = try row.decode((UUID, String).self)
                balances.append((reference, try await QuotaLedger.balance(id, year: year, today: today, session)))
            }
            return balances
        }
    }

    /// The entries of a year, oldest first: at most `limit`, after the entry `after` (paging).
    public func ledger(_ agreementId: UUID, year: Int, after: Int64? = nil, limit: Int = 10_000, by actor: Actor) async throws -> [QuotaLedgerEntry] {
        try Self.checkYear(year)
        guard (1...10_000).contains(limit) else { throw Problem.invalid("limit", "must be between 1 and 10000") }
        return try await database.read { session in
            try await Self.requireView(agreementId, actor, session)
            return try await session.rows(
                """
                SELECT l.id, l.year, l.kind, l.session_id, s.number AS session_number, l.committed_minutes, l.consumed_minutes, l.reason, l.actor,
                       l.recorded_at
                FROM quota_ledger l LEFT JOIN support_sessions s ON s.id = l.session_id
                WHERE l.agreement_id = \(agreementId) AND l.year = \(year) AND l.id > \(after ?? 0)
                ORDER BY l.id LIMIT \(limit)
                """
            ).map { row in
                let r = row.makeRandomAccess()
                return QuotaLedgerEntry(
                    id: try r.value("id"), agreementId: agreementId, year: Int(try r.value("year", as: Int32.self)),
                    kind: try r.value("kind", as: QuotaLedgerEntry.Kind.self), sessionId: try r.value("session_id"),
                    sessionReference: try r.value("session_number", as: Int64?.self).map { String(format: "S-%06d", $0) },
                    committedMinutes: Int(try r.value("committed_minutes", as: Int32.self)),
                    consumedMinutes: Int(try r.value("consumed_minutes", as: Int32.self)), reason: try r.value("reason"),
                    actor: try r.value("actor"), recordedAt: try r.value("recorded_at"))
            }
        }
    }

    /// A manager's correction of consumed minutes (positive or negative), with a reason.
    public func adjust(_ agreementId: UUID, year: Int, minutes: Int, reason: String, by actor: Actor) async throws -> QuotaBalance {
        try actor.require(.manageQuota, "adjust the quota ledger")
        try Self.checkYear(year)
        guard minutes != 0, abs(minutes) <= 8784 * 60 else { throw Problem.invalid("minutes", "a non-zero number of minutes, at most a year's worth") }
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        let today = ParisClock.date(of: now())
        return try await database.write(as: actor, action: "quota.adjust") { session in
            guard try await session.first("SELECT 1 FROM agreements WHERE id = \(agreementId)") != nil else { throw Problem.notFound("agreement") }
            let serviceDate = today.year == year ? today : CalendarDate(year: year, month: 12, day: 31)!
            let balance = try await QuotaLedger.post(
                .init(agreementId: agreementId, year: year, kind: .adjustment, sessionId: nil, committed: 0, consumed: minutes, reason: reason,
                      serviceDate: serviceDate),
                today: today, actor: actor, session)
            guard balance.consumedMinutes >= 0 else {
                throw Problem.invalid("minutes", "this would make the consumed time negative (\(balance.consumedMinutes) min)")
            }
            return balance
        }
    }

    /// Usage of a year grouped by month, component (UFR, laboratory), machine or user.
    /// A session using several machines counts fully for each of them.
    public func report(_ agreementId: UUID, year: Int, by grouping: UsageGrouping, actor: Actor) async throws -> [UsageLine] {
        try Self.checkYear(year)
        let key: String, label: String, joins: String
        switch grouping {
        case .month:
            key = "coalesce(to_char(lower(s.period) AT TIME ZONE 'Europe/Paris', 'YYYY-MM'), 'adjustments')"
            label = key
            joins = ""
        case .component:
            key = "coalesce(c.id::text, CASE WHEN l.session_id IS NULL THEN 'adjustments' ELSE 'none' END)"
            label = "coalesce(c.name, CASE WHEN l.session_id IS NULL THEN 'Ajustements' ELSE '(sans composante)' END)"
            joins = "LEFT JOIN users u ON u.id = s.requester_user_id LEFT JOIN organisation_components c ON c.id = u.component_id"
        case .machine:
            key = "coalesce(m.id::text, CASE WHEN l.session_id IS NULL THEN 'adjustments' ELSE 'none' END)"
            label = "coalesce(m.nature || coalesce(' ' || m.inventory_number, ''), CASE WHEN l.session_id IS NULL THEN 'Ajustements' ELSE '(sans machine)' END)"
            joins = "LEFT JOIN machine_occupations o ON o.session_id = s.id LEFT JOIN machines m ON m.id = o.machine_id"
        case .user:
            key = "coalesce(u.id::text, 'adjustments')"
            label = "coalesce(u.email, 'Ajustements')"
            joins = "LEFT JOIN users u ON u.id = s.requester_user_id"
        }
        return try await database.read { session in
            try await Self.requireView(agreementId, actor, session)
            return try await session.rows(
                """
                SELECT \(unescaped: key) AS key, \(unescaped: label) AS label, sum(l.consumed_minutes)::bigint, sum(l.committed_minutes)::bigint,
                       count(DISTINCT l.session_id)
                FROM quota_ledger l LEFT JOIN support_sessions s ON s.id = l.session_id \(unescaped: joins)
                WHERE l.agreement_id = \(agreementId) AND l.year = \(year)
                GROUP BY 1, 2 ORDER BY 1
                """
            ).map { row in
                let (key, label, consumed, committed, sessions) = try row.decode((String, String, Int64, Int64, Int64).self)
                return UsageLine(key: key, label: label, consumedMinutes: Int(consumed), committedMinutes: Int(committed), sessions: Int(sessions))
            }
        }
    }

    /// What confirming a requested session would do to its agreement's quota.
    public func preview(_ sessionId: UUID, by actor: Actor) async throws -> QuotaPreview {
        let target = try await Sessions(database: database, now: now).get(sessionId, by: actor)
        guard let agreementId = target.agreementId, target.supervised else {
            return QuotaPreview(sessionId: sessionId, chargedToAgreement: false, minutes: target.period.minutes, remainingBeforeMinutes: 0,
                                remainingAfterMinutes: 0, overQuotaMinutes: 0, estimatedCostCents: nil)
        }
        let today = ParisClock.date(of: now())
        return try await database.read { session in
            let balance = try await QuotaLedger.balance(agreementId, year: ParisClock.date(of: target.period.start).year, today: today, session)
            // A confirmed session is already committed: it does not count twice.
            let uses = target.status == .requested ? target.period.minutes : 0
            let before = balance.projectedRemainingMinutes
            let after = before - uses
            let over = max(0, -after) - max(0, -before)
            return QuotaPreview(
                sessionId: sessionId, chargedToAgreement: true, minutes: target.period.minutes, remainingBeforeMinutes: before,
                remainingAfterMinutes: after, overQuotaMinutes: over,
                estimatedCostCents: over > 0 ? try await Pricing.estimateOverage(
                    minutes: over, agreementId: agreementId, on: ParisClock.date(of: target.period.start), session) : nil)
        }
    }

    // MARK: - Rules

    /// LLV staff and the accountant see every agreement; the customer's contact person sees their organisation's.
    static func mayView(_ agreementId: UUID, _ actor: Actor, _ session: SQLSession) async throws -> Bool {
        if actor.role.allows(.viewQuota) { return true }
        guard let userId = actor.userId else { return false }
        return try await session.first(
            """
            SELECT 1 FROM agreements a JOIN users u ON u.organisation_id = a.customer_organisation_id
            WHERE a.id = \(agreementId) AND u.id = \(userId) AND u.organisation_contact AND u.disabled_at IS NULL
            """) != nil
    }

    static func requireView(_ agreementId: UUID, _ actor: Actor, _ session: SQLSession) async throws {
        guard try await session.first("SELECT 1 FROM agreements WHERE id = \(agreementId)") != nil else { throw Problem.notFound("agreement") }
        guard try await mayView(agreementId, actor, session) else {
            throw Problem.forbidden("only LLV staff and the organisation's contact person see the quota")
        }
    }

    static func checkYear(_ year: Int) throws {
        guard (2000...2100).contains(year) else { throw Problem.invalid("year", "must be between 2000 and 2100") }
    }

    /// The forecast: already used up; else used up by the confirmed sessions ahead (the
    /// day one of them crosses the quota); else at the consumption rate of the last 90
    /// days after those sessions; else not this year.
    static func forecast(_ balance: QuotaBalance, now: Date, _ session: SQLSession) async throws -> QuotaForecast? {
        let today = ParisClock.date(of: now)
        guard balance.year >= today.year else { return nil }
        let yearEnd = CalendarDate(year: balance.year, month: 12, day: 31)!
        let since = now.addingTimeInterval(-90 * 86_400)
        let recent = try await session.first(
            """
            SELECT coalesce(sum(consumed_minutes), 0)::bigint FROM quota_ledger
            WHERE agreement_id = \(balance.agreementId) AND recorded_at >= \(since) AND consumed_minutes > 0
            """)!.decode(Int64.self)
        let rate = Double(recent) / 90
        if balance.remainingMinutes <= 0 {
            return QuotaForecast(method: .exhausted, runsOutOn: nil, recentRateMinutesPerDay: rate, explanation: "the quota is already used up")
        }
        var cumulative = balance.consumedMinutes
        var lastDay = today
        for row in try await session.rows(
            """
            SELECT lower(period), upper(period) FROM support_sessions
            WHERE agreement_id = \(balance.agreementId) AND status = 'confirmed' AND supervised
              AND extract(year FROM lower(period) AT TIME ZONE 'Europe/Paris') = \(balance.year)
            ORDER BY lower(period)
            """)
        {
            let (start, end) = try row.decode((Date, Date).self)
            cumulative += Period(start: start, end: end).minutes
            lastDay = max(lastDay, ParisClock.date(of: start))
            if cumulative >= balance.quotaMinutes {
                return QuotaForecast(
                    method: .committed, runsOutOn: ParisClock.date(of: start), recentRateMinutesPerDay: rate,
                    explanation: "the confirmed sessions reach the quota on that day")
            }
        }
        guard rate > 0 else {
            return QuotaForecast(
                method: .notThisYear, runsOutOn: nil, recentRateMinutesPerDay: 0,
                explanation: "no consumption in the last 90 days, and the confirmed sessions leave \(balance.quotaMinutes - cumulative) min")
        }
        let days = Int((Double(balance.quotaMinutes - cumulative) / rate).rounded(.up))
        let day = lastDay.adding(days: days)
        guard day <= yearEnd else {
            return QuotaForecast(
                method: .notThisYear, runsOutOn: nil, recentRateMinutesPerDay: rate,
                explanation: "at \(Int(rate.rounded())) min a day after the confirmed sessions, the quota lasts beyond the year")
        }
        return QuotaForecast(
            method: .recentRate, runsOutOn: day, recentRateMinutesPerDay: rate,
            explanation: "after the confirmed sessions, at the rate of the last 90 days (\(Int(rate.rounded())) min a day)")
    }
}
