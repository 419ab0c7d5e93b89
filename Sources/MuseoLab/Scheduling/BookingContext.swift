import Foundation
import PostgresNIO

/// A user as a booking sees them: their organisation, and whether they may still book.
struct UserStanding: Sendable {
    var organisationId: UUID
    var email: String
    var disabled: Bool
}

/// A machine asked for in a session request, as the checks need it.
struct RequestedMachine: Sendable {
    var id: UUID
    /// `nil` when no machine has the id.
    var found: Found?

    struct Found: Sendable {
        var nature: String
        var status: String
        var bookable: Bool
        var requiresAuthorisation: Bool
        /// The requester holds an authorisation for it (or its category) on the day.
        var authorised: Bool
        /// What already occupies it during the period: `nil` nothing, `true` maintenance, `false` a session.
        var occupiedByMaintenance: Bool?
    }
}

/// What deciding a session request needs to know, read in one statement: the booking rules,
/// the requester, the agreement in force on the day, the opening hours, LLV's closures of
/// the period's days and the machines asked for. Read one by one they were six round trips,
/// and round trips are most of what a booking costs (the server's CPU and PostgreSQL's alike).
struct BookingContext: Sendable {
    var rules: SchedulingRules
    /// `nil` when no user has the id.
    var requester: UserStanding?
    var agreementId: UUID?
    var openingHours: [WeeklyInterval]
    var closures: [Closure]
    /// In the order asked.
    var machines: [RequestedMachine]

    static func load(requesterId: UUID, period: Period, machineIds: [UUID], _ session: SQLSession) async throws -> BookingContext {
        try await session.run(Read(requesterId: requesterId, period: period, machineIds: machineIds))[0]
    }

    /// The one statement, its row decoded by column name.
    struct Read: Statement {
        static let sql = """
            SELECT \(CalendarStore.rulesColumns),
                   u.organisation_id, u.email, u.disabled_at IS NOT NULL AS disabled,
                   (SELECT a.id FROM agreements a WHERE a.customer_organisation_id = u.organisation_id
                      AND a.starts_on <= $2::text::date AND a.ends_on >= $2::text::date
                    ORDER BY a.starts_on DESC LIMIT 1) AS agreement_id,
                   (SELECT coalesce(json_agg(json_build_array(h.weekday, h.opens_at::text, h.closes_at::text) ORDER BY h.weekday, h.opens_at), '[]')
                    FROM opening_hours h WHERE h.replaced_at IS NULL)::text AS opening_hours,
                   (SELECT coalesce(json_agg(json_build_array(c.id, c.starts_on::text, c.ends_on::text, c.label) ORDER BY c.starts_on), '[]')
                    FROM closures c
                    WHERE c.starts_on <= $3::text::date AND c.ends_on >= $2::text::date AND c.withdrawn_at IS NULL)::text AS closures,
                   -- The sub-select hides the array's length from the planner: a custom plan then
                   -- costs what the generic one does, and PostgreSQL keeps the generic plan instead
                   -- of planning the statement at every booking. The requester is the bound id, not
                   -- u.id: uncorrelated, the aggregate is computed once and costed once, where the
                   -- correlated one pushed the estimate past jit_above_cost (20 ms of JIT per booking).
                   (SELECT coalesce(json_agg(json_build_array(
                               asked.id, m.nature, m.status, m.bookable, m.requires_authorisation,
                               EXISTS (SELECT 1 FROM machine_authorisations a
                                       WHERE a.user_id = $1::uuid AND a.revoked_at IS NULL
                                         AND (a.machine_id = m.id OR (a.category IS NOT NULL AND a.category = m.category))
                                         AND a.granted_on <= $2::text::date
                                         AND (a.expires_on IS NULL OR a.expires_on >= $2::text::date)),
                               (SELECT o.maintenance_id IS NOT NULL FROM machine_occupations o
                                WHERE o.machine_id = m.id AND o.active AND o.period && tstzrange($4::timestamptz, $5::timestamptz, '[)')
                                LIMIT 1)
                           ) ORDER BY asked.position), '[]')
                    FROM unnest((SELECT $6::uuid[])) WITH ORDINALITY AS asked (id, position)
                    LEFT JOIN machines m ON m.id = asked.id)::text AS machines
            FROM scheduling_rules
            LEFT JOIN users u ON u.id = $1::uuid
            """
        var requesterId: UUID, period: Period, machineIds: [UUID]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(requesterId)
            bindings.append(ParisClock.date(of: period.start).description)
            bindings.append(ParisClock.date(of: period.end).description)
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(machineIds)
            return bindings
        }

        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BookingContext {
            let organisationId: UUID? = try r.value("organisation_id")
            let (email, disabled): (String?, Bool?) = (try r.value("email"), try r.value("disabled"))
            return BookingContext(
                rules: try CalendarStore.rules(r),
                requester: organisationId.map { UserStanding(organisationId: $0, email: email ?? "", disabled: disabled ?? false) },
                agreementId: try r.value("agreement_id"),
                openingHours: try JSONArrays(try r.value("opening_hours")).map { hour in
                    try CalendarStore.interval(weekday: Int(try hour.int(0)), start: try hour.string(1), end: try hour.string(2))
                },
                closures: try JSONArrays(try r.value("closures")).map { closure in
                    Closure(
                        id: try closure.uuid(0), kind: .llv, startsOn: try .reading(try closure.string(1), column: "closures.starts_on"),
                        endsOn: try .reading(try closure.string(2), column: "closures.ends_on"), label: try closure.string(3), withdrawnAt: nil)
                },
                machines: try JSONArrays(try r.value("machines")).map { machine in
                    RequestedMachine(
                        id: try machine.uuid(0),
                        found: try machine.optionalString(1).map { nature in
                            .init(
                                nature: nature, status: try machine.string(2), bookable: try machine.bool(3),
                                requiresAuthorisation: try machine.bool(4), authorised: try machine.bool(5),
                                occupiedByMaintenance: machine.optionalBool(6))
                        })
                })
        }
    }
}
