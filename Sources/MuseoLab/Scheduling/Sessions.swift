import Foundation
import PostgresNIO

/// Support sessions and machine bookings: requested by members (or by managers on their
/// behalf), confirmed, completed, cancelled or marked no-show by staff.
///
/// Every rule is checked here to say precisely what is wrong; the exclusion
/// constraints on machine occupations and staff make double bookings impossible
/// even when these checks race.
public struct Sessions: Sendable {
    let database: Database
    /// The clock, so tests can ask "what if it were now".
    let now: @Sendable () -> Date
    /// What follows each request and move: the quota ledger, billing, notifications.
    let events: DomainEvents

    init(database: Database, now: @escaping @Sendable () -> Date = Date.init, events: DomainEvents? = nil) {
        self.database = database
        self.now = now
        self.events = events ?? .standard(now: now)
    }

    var lifecycle: SessionLifecycle { SessionLifecycle(events: events) }

    public static let maximumMachines = 10

    // MARK: - Request

    public func request(_ request: SessionRequest, by actor: Actor) async throws -> SupportSession {
        guard let requesterId = request.requesterId ?? actor.userId else {
            throw Problem.invalid("requesterId", "say whom the session is for")
        }
        if requesterId != actor.userId {
            try actor.require(.superviseSessions, "book sessions for someone else")
        }
        let purpose = try Validate.text(request.purpose, field: "purpose", maxLength: 500)
        guard (1...200).contains(request.participants) else {
            throw Problem.invalid("participants", "must be between 1 and 200")
        }
        let machineIds = Array(NSOrderedSet(array: request.machineIds)) as! [UUID]
        guard machineIds.count <= Self.maximumMachines else {
            throw Problem.invalid("machineIds", "at most \(Self.maximumMachines) machines per session")
        }
        let period = request.period
        let now = now()
        try Self.checkShape(period, now: now)

        let created: SupportSession = try await database.write(as: actor, action: "session.request") { session in
            let context = try await BookingContext.load(requesterId: requesterId, period: period, machineIds: machineIds, session)
            try Self.checkRules(period, context.rules, now: now)
            let requester = try Self.requireActive(context.requester, id: requesterId, field: "requesterId")
            let agreementId = context.agreementId
            try Self.checkOpen(period, hours: context.openingHours, closures: context.closures)

            if !request.supervised {
                guard agreementId == nil else {
                    throw Problem.invalid(
                        "supervised", "members under the agreement come by appointment, supervised by the fablab staff (article 5-4)")
                }
                guard !machineIds.isEmpty else {
                    throw Problem.invalid("machineIds", "a booking without supervision reserves at least one machine")
                }
            }
            try Self.checkMachines(context.machines, unsupervised: !request.supervised)
            let staffId = request.supervised ? try await Self.chooseStaff(request.staffId, for: period, session) : nil

            // The session, its machines' occupations (under the exclusion constraint) and its first
            // event, in one statement that answers with the session as `load` reads it.
            let row = try await session.first(
                """
                WITH booked AS (
                    INSERT INTO support_sessions (supervised, requester_user_id, organisation_id, agreement_id, staff_user_id,
                                                  purpose, participants, period)
                    VALUES (\(request.supervised), \(requesterId), \(requester.organisationId), \(agreementId), \(staffId),
                            \(purpose), \(request.participants), tstzrange(\(period.start), \(period.end), '[)'))
                    RETURNING *
                ), occupied AS (
                    INSERT INTO machine_occupations (machine_id, period, session_id)
                    SELECT machine.id, booked.period, booked.id FROM booked, unnest(\(machineIds)::uuid[]) AS machine (id)
                    RETURNING *
                ), recorded AS (
                    INSERT INTO session_events (session_id, from_status, to_status, actor, actor_user_id)
                    SELECT id, NULL, \(SessionStatus.requested.rawValue), \(actor.label), \(actor.userId) FROM booked
                    RETURNING *
                )
                \(unescaped: Self.selectJustBooked)
                """)
            let booked = try Self.decodeSession(row!)
            try await events.publish(.sessionRequested(booked), by: actor, session)
            return booked
        }
        return created
    }

    // MARK: - Reading

    public func list(_ filter: SessionFilter = .init(), by actor: Actor) async throws -> [SupportSession] {
        var filter = filter
        if !actor.role.allows(.viewAllSessions) {
            // Members see their own sessions only.
            guard let userId = actor.userId else { return [] }
            if let asked = filter.requesterId, asked != userId { throw Problem.forbidden("a member sees only their own sessions") }
            filter.requesterId = userId
        }
        guard (1...1000).contains(filter.limit) else { throw Problem.invalid("limit", "must be between 1 and 1000") }
        if let within = filter.within, within.end <= within.start {
            throw Problem(.endNotAfterStart, "the end of the window must be after its start", field: "to")
        }
        return try await database.read { session in
            let ids = try await session.rows(
                """
                SELECT s.id FROM support_sessions s
                WHERE (\(filter.status?.rawValue)::text IS NULL OR s.status = \(filter.status?.rawValue))
                  AND (\(filter.within?.start)::timestamptz IS NULL OR s.period && tstzrange(\(filter.within?.start), \(filter.within?.end), '[)'))
                  AND (\(filter.staffId)::uuid IS NULL OR s.staff_user_id = \(filter.staffId))
                  AND (\(filter.requesterId)::uuid IS NULL OR s.requester_user_id = \(filter.requesterId))
                  AND (\(filter.organisationId)::uuid IS NULL OR s.organisation_id = \(filter.organisationId))
                  AND (\(filter.machineId)::uuid IS NULL OR EXISTS (
                        SELECT 1 FROM machine_occupations o WHERE o.session_id = s.id AND o.machine_id = \(filter.machineId)))
                ORDER BY lower(s.period), s.number
                LIMIT \(filter.limit)
                """
            ).map { try $0.decode(UUID.self) }
            return try await Self.load(session, ids: ids)
        }
    }

    /// One session: its requester, its staff member, or anyone who may see all sessions. Others get 404.
    public func get(_ id: UUID, by actor: Actor) async throws -> SupportSession {
        let found = try await database.read { try await Self.load($0, ids: [id]).first }
        guard let found, Self.maySee(found, actor) else { throw Problem.notFound("session") }
        return found
    }

    /// Finds a session by id or by its number (`S-000042`, `42`): the CLI's way of naming one.
    public func find(_ reference: String, by actor: Actor) async throws -> SupportSession {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        let digits = reference.uppercased().hasPrefix("S-") ? String(reference.dropFirst(2)) : reference
        guard let number = Int64(digits) else {
            throw Problem.invalid("session", "\"\(reference)\" is neither a session id nor a number like S-000042")
        }
        let id = try await database.read { session in
            try await session.first("SELECT id FROM support_sessions WHERE number = \(number)")?.decode(UUID.self)
        }
        guard let id else { throw Problem.notFound("session \(reference)") }
        return try await get(id, by: actor)
    }

    static func maySee(_ session: SupportSession, _ actor: Actor) -> Bool {
        actor.role.allows(.viewAllSessions) || session.requester.id == actor.userId || session.staff?.id == actor.userId
    }

    // MARK: - Lifecycle (the rules in `SessionTransitions`, the one path in `SessionLifecycle`)

    /// requested → confirmed, by staff.
    public func confirm(_ id: UUID, reason: String? = nil, by actor: Actor) async throws -> SupportSession {
        try actor.require(.superviseSessions, "confirm sessions")
        return try await move(id, by: actor, action: "session.confirm") { current, _ in
            { try SessionTransitions.confirm($0, reason: reason) }
        }
    }

    /// requested or confirmed → cancelled, by its requester or by staff, with a reason.
    /// Cancelling less than the configured notice before the start is flagged late.
    public func cancel(_ id: UUID, reason: String, by actor: Actor) async throws -> SupportSession {
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        let now = now()
        return try await move(id, by: actor, action: "session.cancel") { _, session in
            let notice = try await FablabCalendar.rules(session).cancellationNoticeMinutes
            return { try SessionTransitions.cancel($0, reason: reason, by: actor, now: now, noticeMinutes: notice) }
        }
    }

    /// confirmed → completed, by staff, with what really happened (which may differ from the plan).
    public func complete(_ id: UUID, actual: Period, note: String? = nil, by actor: Actor) async throws -> SupportSession {
        try actor.require(.superviseSessions, "record completed sessions")
        guard actual.end > actual.start else { throw Problem(.endNotAfterStart, "the actual end must be after the actual start", field: "actualEnd") }
        guard actual.duration <= 24 * 3600 else { throw Problem(.tooLong, "a session lasts at most 24 hours", field: "actualEnd") }
        let now = now()
        guard actual.end <= now.addingTimeInterval(300) else {
            throw Problem.invalid("actualEnd", "a session is completed once it is over: the actual end is in the future")
        }
        let note = try Validate.optionalText(note, field: "note", maxLength: 1000)
        return try await move(id, by: actor, action: "session.complete") { _, _ in
            { try SessionTransitions.complete($0, actual: actual, note: note) }
        }
    }

    /// confirmed → no_show, by staff, once the session has started.
    public func noShow(_ id: UUID, reason: String? = nil, by actor: Actor) async throws -> SupportSession {
        try actor.require(.superviseSessions, "record no-shows")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 1000)
        let now = now()
        return try await move(id, by: actor, action: "session.no-show") { _, _ in
            { try SessionTransitions.noShow($0, reason: reason, now: now) }
        }
    }

    /// One session's move in its own transaction; `rule` reads what the decision needs besides
    /// the session (the cancellation notice) and gives the decision.
    private func move(
        _ id: UUID, by actor: Actor, action: String,
        rule: @Sendable (UUID, SQLSession) async throws -> @Sendable (SupportSession) throws -> SessionMove
    ) async throws -> SupportSession {
        try await database.write(as: actor, action: action) { session in
            let decide = try await rule(id, session)
            return try await lifecycle.move([id], by: actor, session, decide: decide)[0]
        }
    }

    // MARK: - Rules

    /// End after start, not in the past.
    static func checkShape(_ period: Period, now: Date) throws {
        guard period.end > period.start else {
            throw Problem(.endNotAfterStart, "the end must be after the start", field: "end")
        }
        guard period.start >= now else {
            throw Problem(.startInPast, "the start (\(ParisTime.format(period.start))) is in the past", field: "start")
        }
    }

    /// Not longer than the longest session, not beyond the booking horizon.
    static func checkRules(_ period: Period, _ rules: SchedulingRules, now: Date) throws {
        guard period.minutes <= rules.maximumDurationMinutes else {
            throw Problem(
                .tooLong, "\(Self.hours(period.minutes)) is longer than the longest session (\(Self.hours(rules.maximumDurationMinutes)))",
                field: "end")
        }
        guard period.start <= now.addingTimeInterval(Double(rules.bookingHorizonDays) * 86_400) else {
            throw Problem(.beyondHorizon, "bookings open \(rules.bookingHorizonDays) days ahead", field: "start")
        }
    }

    /// Within one opening period, on a day that is not closed (LLV's closures of the period's days given).
    static func checkOpen(_ period: Period, hours: [WeeklyInterval], closures: [Closure]) throws {
        let open = try FablabCalendar.openPeriods(hours: hours, closures: closures, within: period)
        guard !open.covers(period) else { return }
        for date in ParisClock.date(of: period.start).through(ParisClock.date(of: period.end.addingTimeInterval(-1))) {
            if let closure = FablabCalendar.closure(on: date, among: closures) {
                throw Problem(.closureDay, "the MuséoLab is closed on \(date): \(closure.label)", field: "start")
            }
        }
        let date = ParisClock.date(of: period.start)
        let hours = hours.filter { $0.weekday == date.weekday }
        let said = hours.isEmpty ? "closed on \(date.weekday.name)s" : "open \(hours.map { "\($0.start)–\($0.end)" }.joined(separator: ", ")) on \(date.weekday.name)s"
        throw Problem(
            .outsideOpeningHours, "\(Self.describe(period)) is outside the opening hours (\(said))", field: "start")
    }

    /// The given staff member if available and free, or the first one who is.
    static func chooseStaff(_ requested: UUID?, for period: Period, _ session: SQLSession) async throws -> UUID {
        if let requested {
            try await StaffAvailability.requireStaff(requested, session)
            guard try await StaffAvailability.available(requested, within: period, session).covers(period) else {
                throw Problem(.staffUnavailable, "the staff member does not supervise at \(describe(period))", field: "staffId")
            }
            if try await isStaffBusy(requested, period, session) {
                throw Problem(.bookingConflict, "the staff member already supervises a session then", field: "staffId")
            }
            return requested
        }
        let candidates = try await session.rows(
            "SELECT id FROM users WHERE role IN ('manager', 'admin') AND disabled_at IS NULL ORDER BY display_name, id"
        ).map { try $0.decode(UUID.self) }
        var anyAvailable = false
        for candidate in candidates
        where try await StaffAvailability.available(candidate, within: period, session).covers(period) {
            anyAvailable = true
            if try await !isStaffBusy(candidate, period, session) { return candidate }
        }
        if anyAvailable {
            throw Problem(.bookingConflict, "every staff member working then already supervises a session at \(describe(period))", field: "start")
        }
        throw Problem(.staffUnavailable, "no staff member is available to supervise at \(describe(period))", field: "start")
    }

    static func isStaffBusy(_ staffId: UUID, _ period: Period, _ session: SQLSession) async throws -> Bool {
        try await session.first(
            """
            SELECT 1 FROM support_sessions WHERE staff_user_id = \(staffId) AND status IN ('requested', 'confirmed')
              AND period && tstzrange(\(period.start), \(period.end), '[)') LIMIT 1
            """) != nil
    }

    /// Each machine exists, is in service, bookable, free, and the requester is authorised where needed;
    /// checked in the request's order, on what `BookingContext` read.
    static func checkMachines(_ machines: [RequestedMachine], unsupervised: Bool) throws {
        for machine in machines {
            guard let found = machine.found else {
                throw Problem.invalid("machineIds", "no machine has the id \(machine.id)")
            }
            let nature = found.nature
            switch MachineStatus(rawValue: found.status) {
            case .retired?: throw Problem(.machineUnavailable, "the \(nature) is retired", field: "machineIds")
            case .maintenance?: throw Problem(.machineUnavailable, "the \(nature) is under maintenance", field: "machineIds")
            default: break
            }
            guard found.bookable else { throw Problem(.machineUnavailable, "the \(nature) cannot be booked", field: "machineIds") }
            if found.requiresAuthorisation || unsupervised, !found.authorised {
                throw Problem(
                    .authorisationRequired,
                    "the requester holds no authorisation for the \(nature)\(unsupervised ? " (required to use it without supervision)" : "")",
                    field: "machineIds")
            }
            if let inMaintenance = found.occupiedByMaintenance {
                throw Problem(
                    .bookingConflict, "the \(nature) is \(inMaintenance ? "in a maintenance window" : "already booked") then", field: "machineIds")
            }
        }
    }

    static func activeUser(_ id: UUID, field: String, _ session: SQLSession) async throws -> (organisationId: UUID, email: String) {
        let found = try await session.first("SELECT organisation_id, email, disabled_at FROM users WHERE id = \(id)")?
            .decode((UUID, String, Date?).self)
        return try requireActive(found.map { UserStanding(organisationId: $0.0, email: $0.1, disabled: $0.2 != nil) }, id: id, field: field)
    }

    /// The user exists and is not disabled.
    static func requireActive(_ user: UserStanding?, id: UUID, field: String) throws -> (organisationId: UUID, email: String) {
        guard let user else { throw Problem.invalid(field, "no user has the id \(id)") }
        guard !user.disabled else { throw Problem.invalid(field, "this account is disabled") }
        return (user.organisationId, user.email)
    }

    /// The agreement charged: the one whose customer is the organisation, in force on that day.
    static func agreement(for organisationId: UUID, on date: CalendarDate, _ session: SQLSession) async throws -> UUID? {
        try await session.first(
            """
            SELECT id FROM agreements WHERE customer_organisation_id = \(organisationId)
              AND starts_on <= \(date.description)::date AND ends_on >= \(date.description)::date
            ORDER BY starts_on DESC LIMIT 1
            """)?.decode(UUID.self)
    }

    static func describe(_ period: Period) -> String {
        let day = ParisClock.date(of: period.start)
        return "\(day) \(ParisClock.time(of: period.start))–\(ParisClock.time(of: period.end))"
    }

    static func hours(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(String(format: "%02d", minutes % 60))"
    }

    // MARK: - Store

    /// 2000-01-01T00:00:00Z, from which PostgreSQL counts its microseconds (as PostgresNIO decodes them).
    static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    /// Sessions with their machines and history, in one query: machines and events come as
    /// JSON arrays (event times as microseconds since 2000, PostgreSQL's own resolution).
    /// - Parameter locking: lock the sessions' rows until the transaction ends (in the order of
    ///   their ids, so that two transactions locking several never wait on each other).
    static func load(_ session: SQLSession, ids: [UUID], locking: Bool = false) async throws -> [SupportSession] {
        guard !ids.isEmpty else { return [] }
        // One id (every booking and transition) by equality: PostgreSQL then keeps one generic
        // plan for the prepared statement, where an array keeps it planning each call.
        let lock = locking ? " ORDER BY s.id FOR UPDATE OF s" : ""
        let rows = ids.count == 1
            ? try await session.rows("\(unescaped: Self.selectSessions) WHERE s.id = \(ids[0])\(unescaped: lock)")
            : try await session.rows("\(unescaped: Self.selectSessions) WHERE s.id = ANY(\(ids))\(unescaped: lock)")
        let byId = try Dictionary(uniqueKeysWithValues: rows.map { row in
            let session = try decodeSession(row)
            return (session.id, session)
        })
        return ids.compactMap { byId[$0] }
    }

    /// One row of `sessionsQuery`, from the tables or from a booking statement, by column name.
    private static func decodeSession(_ row: PostgresRow) throws -> SupportSession {
        let r = row.makeRandomAccess()
        let staffId: UUID? = try r.value("staff_id")
        let (actualStart, actualEnd): (Date?, Date?) = (try r.value("actual_start"), try r.value("actual_end"))
        let machines = try JSONArrays(try r.value("machines")).map { machine in
            SupportSession.BookedMachine(
                id: try machine.uuid(0), nature: try machine.string(1), model: machine.optionalString(2),
                inventoryNumber: machine.optionalString(3))
        }
        let events = try JSONArrays(try r.value("events")).map { event in
            SessionEvent(
                occurredAt: Date(timeInterval: Double(try event.int(0)) / 1_000_000, since: Self.postgresEpoch),
                from: try event.optional(1, as: SessionStatus.self), to: try event.value(2, as: SessionStatus.self),
                actor: try event.string(3), actorUserId: event.optionalString(4).flatMap(UUID.init(uuidString:)),
                reason: event.optionalString(5))
        }
        return SupportSession(
            id: try r.value("id"), number: Int(try r.value("number", as: Int64.self)), supervised: try r.value("supervised"),
            requester: .init(id: try r.value("requester_id"), displayName: try r.value("requester_name"), email: try r.value("requester_email")),
            organisationId: try r.value("organisation_id"), organisationName: try r.value("organisation_name"),
            agreementId: try r.value("agreement_id"),
            staff: try staffId.map { .init(id: $0, displayName: try r.value("staff_name"), email: try r.value("staff_email")) },
            purpose: try r.value("purpose"), participants: Int(try r.value("participants", as: Int32.self)),
            period: Period(start: try r.value("start"), end: try r.value("end")),
            status: try r.value("status", as: SessionStatus.self),
            actualPeriod: actualStart.flatMap { start in actualEnd.map { Period(start: start, end: $0) } },
            lateCancellation: try r.value("late_cancellation"), revision: Int(try r.value("revision", as: Int32.self)),
            machines: machines, events: events,
            createdAt: try r.value("created_at"), updatedAt: try r.value("updated_at"))
    }

    /// The sessions' columns, machines and history, read from the tables; or, in the statement that
    /// books a session, from the rows it inserts (a statement does not see its own inserts in the tables).
    private static func sessionsQuery(sessions: String, occupations: String, events: String) -> String {
        """
        SELECT s.id, s.number, s.supervised, s.requester_user_id AS requester_id, r.display_name AS requester_name, r.email AS requester_email,
               s.organisation_id, o.name AS organisation_name, s.agreement_id, s.staff_user_id AS staff_id, st.display_name AS staff_name,
               st.email AS staff_email, s.purpose, s.participants, lower(s.period) AS start, upper(s.period) AS "end", s.status,
               lower(s.actual_period) AS actual_start, upper(s.actual_period) AS actual_end,
               s.late_cancellation, s.revision, s.created_at, s.updated_at,
               (SELECT coalesce(json_agg(json_build_array(m.id, m.nature, m.model, m.inventory_number) ORDER BY m.position), '[]')
                FROM \(occupations) mo JOIN machines m ON m.id = mo.machine_id WHERE mo.session_id = s.id)::text AS machines,
               (SELECT coalesce(json_agg(json_build_array(
                           (extract(epoch FROM e.occurred_at - timestamptz '2000-01-01 00:00:00+00') * 1000000)::bigint,
                           e.from_status, e.to_status, e.actor, e.actor_user_id, e.reason) ORDER BY e.id), '[]')
                FROM \(events) e WHERE e.session_id = s.id)::text AS events
        FROM \(sessions) s
        JOIN users r ON r.id = s.requester_user_id
        JOIN organisations o ON o.id = s.organisation_id
        LEFT JOIN users st ON st.id = s.staff_user_id
        """
    }

    private static let selectSessions = sessionsQuery(sessions: "support_sessions", occupations: "machine_occupations", events: "session_events")
    private static let selectJustBooked = sessionsQuery(sessions: "booked", occupations: "occupied", events: "recorded")
}
