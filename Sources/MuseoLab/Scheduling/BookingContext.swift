import Foundation
import PostgresNIO

/// A user as a booking sees them: their organisation, and whether they may still book.
struct UserStanding: Sendable {
    var organisationId: UUID
    var email: String
    var disabled: Bool
}

/// What deciding a session request needs to know, read in one statement: the booking rules,
/// the requester, the agreement in force on the day, the opening hours and LLV's closures of
/// the period's days. Read one by one they were five round trips, and round trips are most of
/// what a booking costs (the server's CPU and PostgreSQL's alike).
struct BookingContext: Sendable {
    var rules: SchedulingRules
    /// `nil` when no user has the id.
    var requester: UserStanding?
    var agreementId: UUID?
    var openingHours: [WeeklyInterval]
    var closures: [Closure]

    static func load(requesterId: UUID, period: Period, _ session: SQLSession) async throws -> BookingContext {
        let first = ParisClock.date(of: period.start), last = ParisClock.date(of: period.end)
        let row = try await session.first(
            """
            SELECT \(unescaped: FablabCalendar.rulesColumns),
                   u.organisation_id, u.email, u.disabled_at IS NOT NULL,
                   (SELECT a.id FROM agreements a WHERE a.customer_organisation_id = u.organisation_id
                      AND a.starts_on <= \(first.description)::date AND a.ends_on >= \(first.description)::date
                    ORDER BY a.starts_on DESC LIMIT 1),
                   (SELECT coalesce(json_agg(json_build_array(h.weekday, h.opens_at::text, h.closes_at::text) ORDER BY h.weekday, h.opens_at), '[]')
                    FROM opening_hours h)::text,
                   (SELECT coalesce(json_agg(json_build_array(c.id, c.starts_on::text, c.ends_on::text, c.label) ORDER BY c.starts_on), '[]')
                    FROM closures c
                    WHERE c.starts_on <= \(last.description)::date AND c.ends_on >= \(first.description)::date AND c.withdrawn_at IS NULL)::text
            FROM scheduling_rules
            LEFT JOIN users u ON u.id = \(requesterId)
            """)!
        let (notice, maximum, horizon, organisationId, email, disabled, agreementId, hours, closures) =
            try row.decode((Int32, Int32, Int32, UUID?, String?, Bool?, UUID?, String, String).self)
        return BookingContext(
            rules: SchedulingRules((notice, maximum, horizon)),
            requester: organisationId.map { UserStanding(organisationId: $0, email: email ?? "", disabled: disabled ?? false) },
            agreementId: agreementId,
            openingHours: try JSONArrays(hours).map { hour in
                WeeklyInterval(stored: Int(try hour.int(0)), start: try hour.string(1), end: try hour.string(2))
            },
            closures: try JSONArrays(closures).map { closure in
                Closure(
                    llv: try closure.uuid(0), startsOn: try closure.string(1), endsOn: try closure.string(2), label: try closure.string(3),
                    withdrawnAt: nil)
            })
    }
}
