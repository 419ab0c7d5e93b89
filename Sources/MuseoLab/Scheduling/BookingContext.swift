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
/// the period's days, the machines asked for and the staff who might supervise it. Read one by
/// one they were six round trips, and 1 + 3 per staff member to choose who supervises; round
/// trips are most of what a booking costs (the server's CPU and PostgreSQL's alike).
struct BookingContext: Sendable {
    var rules: SchedulingRules
    /// `nil` when no user has the id.
    var requester: UserStanding?
    var agreementId: UUID?
    var openingHours: [WeeklyInterval]
    var closures: [Closure]
    /// In the order asked.
    var machines: [RequestedMachine]
    /// The staff member named (whatever their role or standing, so a refusal can say why), or
    /// every manager and administrator whose account is active, in the staff's order; none when
    /// nobody is wanted.
    var staff: [StaffCandidate]

    static func load(
        requesterId: UUID, period: Period, machineIds: [UUID], staff: StaffCandidate.Wanted = .nobody, _ session: SQLSession
    ) async throws -> BookingContext {
        try await session.run(Read(requesterId: requesterId, period: period, machineIds: machineIds, staff: staff))[0]
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
                    LEFT JOIN machines m ON m.id = asked.id)::text AS machines,
                   -- The staff: the one named ($8), or all of them when anyone will do ($7).
                   (SELECT coalesce(json_agg(json_build_array(
                               s.id, s.role, s.disabled_at IS NOT NULL,
                               (SELECT coalesce(json_agg(json_build_array(w.weekday, w.starts_at::text, w.ends_at::text) ORDER BY w.weekday, w.starts_at), '[]')
                                FROM staff_weekly_availability w WHERE w.staff_user_id = s.id AND w.replaced_at IS NULL),
                               (SELECT coalesce(json_agg(json_build_array(
                                           e.available,
                                           \(PostgresMicroseconds.sql("lower(e.period)")), \(PostgresMicroseconds.sql("upper(e.period)")))
                                       ORDER BY lower(e.period)), '[]')
                                FROM staff_availability_exceptions e
                                WHERE e.staff_user_id = s.id AND e.withdrawn_at IS NULL AND e.period && tstzrange($4::timestamptz, $5::timestamptz, '[)')),
                               EXISTS (SELECT 1 FROM support_sessions b
                                       WHERE b.staff_user_id = s.id AND b.status IN ('requested', 'confirmed')
                                         AND b.period && tstzrange($4::timestamptz, $5::timestamptz, '[)'))
                           ) ORDER BY s.display_name, s.id), '[]')
                    FROM (SELECT id, role, disabled_at, display_name FROM users WHERE id = $8::uuid
                          UNION ALL
                          SELECT id, role, disabled_at, display_name FROM users
                          WHERE $7::boolean AND $8::uuid IS NULL AND role IN ('manager', 'admin') AND disabled_at IS NULL) s)::text AS staff
            FROM scheduling_rules
            LEFT JOIN users u ON u.id = $1::uuid
            """
        var requesterId: UUID, period: Period, machineIds: [UUID], staff: StaffCandidate.Wanted

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(requesterId)
            bindings.append(ParisClock.date(of: period.start).description)
            bindings.append(ParisClock.date(of: period.end).description)
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(machineIds)
            switch staff {
            case .nobody:
                bindings.append(false)
                bindings.append(UUID?.none)
            case .named(let id):
                bindings.append(false)
                bindings.append(id)
            case .anyone:
                bindings.append(true)
                bindings.append(UUID?.none)
            }
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
                },
                staff: try JSONArrays(try r.value("staff")).map { staff in
                    StaffCandidate(
                        id: try staff.uuid(0), role: try staff.value(1, as: Role.self), disabled: try staff.bool(2),
                        weekly: try JSONArrays.Row.rows(at: 3, of: staff).map { interval in
                            try CalendarStore.interval(weekday: Int(try interval.int(0)), start: try interval.string(1), end: try interval.string(2))
                        },
                        exceptions: try JSONArrays.Row.rows(at: 4, of: staff).map { exception in
                            (Period(start: try exception.instant(1), end: try exception.instant(2)), try exception.bool(0))
                        },
                        busy: try staff.bool(5))
                })
        }
    }
}
