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
        if request.training {
            try actor.require(.superviseSessions, "plan a training")
            guard request.supervised else { throw Problem.invalid("supervised", "a training is supervised") }
        }
        let (purpose, machineIds) = try Self.checkFields(purpose: request.purpose, participants: request.participants, machineIds: request.machineIds)
        let period = request.period
        let now = now()
        try Self.checkShape(period, now: now)

        let created: SupportSession = try await database.write(as: actor, action: "session.request") { session in
            let wanted: StaffCandidate.Wanted = request.supervised ? request.staffId.map { .named($0) } ?? .anyone : .nobody
            let context = try await BookingContext.load(requesterId: requesterId, period: period, machineIds: machineIds, staff: wanted, session)
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
            try Self.checkMachines(context.machines, unsupervised: !request.supervised, training: request.training)
            let staffId = request.supervised ? try Self.chooseStaff(request.staffId, among: context.staff, for: period) : nil

            let booked = try await session.run(SessionStore.Booked(
                supervised: request.supervised, requesterId: requesterId, organisationId: requester.organisationId, agreementId: agreementId,
                staffId: staffId, purpose: purpose, participants: request.participants, period: period, machineIds: machineIds, actor: actor))[0]
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
            let ids = try await session.run(SessionStore.Listed(filter: filter))
            return try await SessionStore.load(ids, session)
        }
    }

    /// One session: its requester, its staff member, or anyone who may see all sessions. Others get 404.
    public func get(_ id: UUID, by actor: Actor) async throws -> SupportSession {
        let found = try await database.read { try await SessionStore.load([id], $0).first }
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
        let id = try await database.read { try await $0.run(SessionStore.Numbered(number: number)).first }
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

    /// What any session says of itself, booked or recorded afterwards: a purpose, 1 to 200
    /// participants, at most ten machines (each once, in the order given).
    static func checkFields(purpose: String, participants: Int, machineIds: [UUID]) throws -> (purpose: String, machineIds: [UUID]) {
        let purpose = try Validate.text(purpose, field: "purpose", maxLength: 500)
        guard (1...200).contains(participants) else {
            throw Problem.invalid("participants", "must be between 1 and 200")
        }
        var seen = Set<UUID>()
        let machineIds = machineIds.filter { seen.insert($0).inserted }
        guard machineIds.count <= Self.maximumMachines else {
            throw Problem.invalid("machineIds", "at most \(Self.maximumMachines) machines per session")
        }
        return (purpose, machineIds)
    }

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

    /// The given staff member if available and free, or the first one who is (in the staff's
    /// order), among the candidates the booking's context read.
    static func chooseStaff(_ requested: UUID?, among candidates: [StaffCandidate], for period: Period) throws -> UUID {
        if let requested {
            let named = try requireStaff(requested, among: candidates)
            guard try named.available(within: period).covers(period) else {
                throw Problem(.staffUnavailable, "the staff member does not supervise at \(describe(period))", field: "staffId")
            }
            if named.busy {
                throw Problem(.bookingConflict, "the staff member already supervises a session then", field: "staffId")
            }
            return requested
        }
        let available = try candidates.filter { try $0.available(within: period).covers(period) }
        if !available.isEmpty {
            if let free = available.first(where: { !$0.busy }) { return free.id }
            throw Problem(.bookingConflict, "every staff member working then already supervises a session at \(describe(period))", field: "start")
        }
        throw Problem(.staffUnavailable, "no staff member is available to supervise at \(describe(period))", field: "start")
    }

    /// The named staff member, who exists, supervises (a manager or an administrator), and whose account is active.
    static func requireStaff(_ staffId: UUID, among candidates: [StaffCandidate]) throws -> StaffCandidate {
        guard let named = candidates.first(where: { $0.id == staffId }) else { throw Problem.notFound("staff member") }
        try StaffAvailability.requireStaff(role: named.role, disabled: named.disabled)
        return named
    }

    /// Each machine exists, is in service, bookable, free, and the requester is authorised where needed
    /// (a training is what gives the authorisation: its trainee needs none yet); checked in the
    /// request's order, on what `BookingContext` read.
    static func checkMachines(_ machines: [RequestedMachine], unsupervised: Bool, training: Bool = false) throws {
        for machine in machines {
            let found = try checkInService(machine)
            let nature = found.nature
            if (found.requiresAuthorisation && !training) || unsupervised, !found.authorised {
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

    /// The machine exists, is in service and bookable.
    static func checkInService(_ machine: RequestedMachine) throws -> RequestedMachine.Found {
        guard let found = machine.found else { throw Problem.invalid("machineIds", "no machine has the id \(machine.id)") }
        switch MachineStatus(rawValue: found.status) {
        case .retired?: throw Problem(.machineUnavailable, "the \(found.nature) is retired", field: "machineIds")
        case .maintenance?: throw Problem(.machineUnavailable, "the \(found.nature) is under maintenance", field: "machineIds")
        default: break
        }
        guard found.bookable else { throw Problem(.machineUnavailable, "the \(found.nature) cannot be booked", field: "machineIds") }
        return found
    }

    /// The user exists and is not disabled.
    static func requireActive(_ user: UserStanding?, id: UUID, field: String) throws -> (organisationId: UUID, email: String) {
        guard let user else { throw Problem.invalid(field, "no user has the id \(id)") }
        guard !user.disabled else { throw Problem.invalid(field, "this account is disabled") }
        return (user.organisationId, user.email)
    }

    static func describe(_ period: Period) -> String {
        let day = ParisClock.date(of: period.start)
        return "\(day) \(ParisClock.time(of: period.start))–\(ParisClock.time(of: period.end))"
    }

    static func hours(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(String(format: "%02d", minutes % 60))"
    }
}
