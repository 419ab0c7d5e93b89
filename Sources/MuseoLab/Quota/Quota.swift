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

/// What a session would do to its agreement's quota, shown before it is asked for.
public struct BookingQuotaPreview: Sendable, Equatable {
    public var agreementId: UUID
    public var year: Int
    public var quotaMinutes: Int
    public var consumedMinutes: Int
    /// Confirmed sessions to come.
    public var committedMinutes: Int
    /// The session's own.
    public var minutes: Int
    /// What remains after what is consumed and committed, before and after this session.
    public var remainingBeforeMinutes: Int
    public var remainingAfterMinutes: Int
    public var overQuotaMinutes: Int
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
            let alerts = try await session.run(QuotaStore.Alerts(agreementId: agreementId, year: year))
            let pending = try await session.run(QuotaStore.PendingOverage(agreementId: agreementId, year: year))[0]
            return QuotaStatus(
                balance: balance, forecast: try await Self.forecast(balance, now: now, session), alerts: alerts, pendingOverageMinutes: pending)
        }
    }

    /// The balance of every agreement in force during a year (for monitoring: `/metrics`).
    public func overview(year: Int, by actor: Actor) async throws -> [(reference: String, balance: QuotaBalance)] {
        try Self.checkYear(year)
        try actor.require(.viewQuota, "see every agreement's quota")
        let today = ParisClock.date(of: now())
        return try await database.read { session in
            var balances: [(reference: String, balance: QuotaBalance)] = []
            for agreement in try await session.run(QuotaStore.AgreementsInForce(year: year)) {
                balances.append((agreement.reference, try await QuotaLedger.balance(agreement.id, year: year, today: today, session)))
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
            return try await session.run(QuotaStore.Ledger(agreementId: agreementId, year: year, after: after ?? 0, limit: limit))
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
            guard try await session.exists(AgreementStore.AgreementExists(id: agreementId)) else { throw Problem.notFound("agreement") }
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
        return try await database.read { session in
            try await Self.requireView(agreementId, actor, session)
            return try await QuotaStore.usage(grouping, agreementId: agreementId, year: year, session)
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
            let (before, after, over) = QuotaRules.confirming(target, remaining: balance.projectedBalanceMinutes)
            return QuotaPreview(
                sessionId: sessionId, chargedToAgreement: true, minutes: target.period.minutes, remainingBeforeMinutes: before,
                remainingAfterMinutes: after, overQuotaMinutes: over,
                estimatedCostCents: over > 0 ? try await Pricing.estimateOverage(
                    minutes: over, agreementId: agreementId, on: ParisClock.date(of: target.period.start), session) : nil)
        }
    }

    /// What a supervised session of `period` for `requesterId` would do to the quota of the
    /// agreement that would pay for it: `nil` when none would (no agreement in force then).
    /// The requester sees their own; staff anyone's.
    public func previewBooking(requesterId: UUID, period: Period, by actor: Actor) async throws -> BookingQuotaPreview? {
        guard actor.userId == requesterId || actor.role.allows(.superviseSessions) else { throw Problem.notFound("user") }
        let today = ParisClock.date(of: now())
        let day = ParisClock.date(of: period.start)
        return try await database.read { session in
            guard let standing = try await session.run(PeopleStore.Standing(id: requesterId)).first else { throw Problem.notFound("user") }
            guard let agreementId = try await session.run(AgreementStore.InForce(organisationId: standing.organisationId, date: day)).first
            else { return nil }
            let balance = try await QuotaLedger.balance(agreementId, year: day.year, today: today, session)
            let (before, after, over) = QuotaRules.using(period.minutes, remaining: balance.projectedBalanceMinutes)
            return BookingQuotaPreview(
                agreementId: agreementId, year: day.year, quotaMinutes: balance.quotaMinutes, consumedMinutes: balance.consumedMinutes,
                committedMinutes: balance.committedMinutes, minutes: period.minutes, remainingBeforeMinutes: before,
                remainingAfterMinutes: after, overQuotaMinutes: over)
        }
    }

    // MARK: - Rules

    /// LLV staff and the accountant see every agreement; the customer's contact person sees their organisation's.
    static func mayView(_ agreementId: UUID, _ actor: Actor, _ session: SQLSession) async throws -> Bool {
        if actor.role.allows(.viewQuota) { return true }
        guard let userId = actor.userId else { return false }
        return try await session.run(AgreementStore.ContactOf(userId: userId)).contains(agreementId)
    }

    static func requireView(_ agreementId: UUID, _ actor: Actor, _ session: SQLSession) async throws {
        guard try await session.exists(AgreementStore.AgreementExists(id: agreementId)) else { throw Problem.notFound("agreement") }
        guard try await mayView(agreementId, actor, session) else {
            throw Problem.forbidden("only LLV staff and the organisation's contact person see the quota")
        }
    }

    static func checkYear(_ year: Int) throws {
        guard (2000...2100).contains(year) else { throw Problem.invalid("year", "must be between 2000 and 2100") }
    }

    /// The forecast (`QuotaRules.forecast`), from the last 90 days' consumption and, unless the
    /// quota is used up, the confirmed sessions of the year.
    static func forecast(_ balance: QuotaBalance, now: Date, _ session: SQLSession) async throws -> QuotaForecast? {
        let today = ParisClock.date(of: now)
        guard balance.year >= today.year else { return nil }
        let recent = try await session.run(QuotaStore.ConsumedSince(agreementId: balance.agreementId, since: now.addingTimeInterval(-90 * 86_400)))[0]
        let confirmed = balance.remainingMinutes <= 0
            ? [] : try await session.run(QuotaStore.ConfirmedSessions(agreementId: balance.agreementId, year: balance.year))
        return QuotaRules.forecast(balance, today: today, consumedInLast90Days: recent, confirmed: confirmed)
    }
}
