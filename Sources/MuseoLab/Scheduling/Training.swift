import Foundation

/// A member's request for the training a machine (or a category of machines) requires, and what
/// became of it: planned as a supervised session, then granted as an authorisation when that
/// session is completed.
public struct TrainingRequest: Sendable, Equatable {
    public var id: UUID
    public var userId: UUID
    public var machineId: UUID?
    public var category: String?
    public var note: String?
    public var askedAt: Date
    public var sessionId: UUID?
    public var validityMonths: Int?
    public var authorisationId: UUID?
    public var withdrawnAt: Date?

    public enum Status: String, Sendable, CaseIterable {
        case asked, planned, granted, withdrawn
    }

    public var status: Status {
        if withdrawnAt != nil { return .withdrawn }
        if authorisationId != nil { return .granted }
        return sessionId == nil ? .asked : .planned
    }
}

/// Trainings: members ask, the manager plans, completing the session grants (`TrainingGrants`).
public struct Trainings: Sendable {
    let sessions: Sessions
    let database: Database
    let now: @Sendable () -> Date

    public func list(userId: UUID?, by actor: Actor) async throws -> [TrainingRequest] {
        let userId = actor.role.allows(.manageAuthorisations) ? userId : actor.userId
        guard userId != nil || actor.role.allows(.manageAuthorisations) else { return [] }
        return try await database.read { try await $0.run(TrainingStore.Listed(userId: userId)) }
    }

    /// A member asks for the training of a machine or a category.
    public func ask(machineId: UUID?, category: String?, note: String?, by actor: Actor) async throws -> TrainingRequest {
        guard let userId = actor.userId else { throw Problem.forbidden("only a person asks for a training") }
        guard (machineId == nil) != (category == nil) else {
            throw Problem.invalid("machineId", "give either a machine or a category, not both nor neither")
        }
        let category = try category.map { try Validate.slug($0, field: "category") }
        let note = try Validate.optionalText(note, field: "note", maxLength: 500)
        return try await database.write(as: actor, action: "training.ask") { session in
            if let machineId, try await !session.exists(InventoryStore.MachineExists(id: machineId)) {
                throw Problem.invalid("machineId", "no machine has the id \(machineId)")
            }
            return try await session.run(TrainingStore.Asked(userId: userId, machineId: machineId, category: category, note: note, at: now()))[0]
        }
    }

    /// The manager plans the training as a supervised session for the member (the machine booked,
    /// though the member is not authorised yet); completing it grants the authorisation for
    /// `validityMonths` (none: without end).
    public func plan(
        _ id: UUID, period: Period, staffId: UUID?, validityMonths: Int?, by actor: Actor
    ) async throws -> (training: TrainingRequest, session: SupportSession) {
        try actor.require(.manageAuthorisations, "plan trainings")
        if let validityMonths, !(1...120).contains(validityMonths) { throw Problem.invalid("validityMonths", "from 1 to 120 months") }
        guard let request = try await database.read({ try await $0.run(TrainingStore.One(id: id)).first }) else { throw Problem.notFound("training request") }
        guard request.status == .asked else { throw Problem(.invalidTransition, "this training request is \(request.status.rawValue) already") }
        var subject = request.category.map { "machines « \($0) »" } ?? ""
        if let machineId = request.machineId {
            subject = try await database.read { try await $0.run(TrainingStore.MachineNature(id: machineId)).first } ?? "machine"
        }
        var booking = SessionRequest(
            requesterId: request.userId, staffId: staffId, purpose: "Formation : \(subject)", period: period, machineIds: request.machineId.map { [$0] } ?? [])
        booking.training = true
        let planned = try await sessions.request(booking, by: actor)
        do {
            let training = try await database.write(as: actor, action: "training.plan") { session in
                guard let updated = try await session.run(TrainingStore.Planned(id: id, sessionId: planned.id, validityMonths: validityMonths)).first
                else { throw Problem(.invalidTransition, "this training request was planned or withdrawn meanwhile") }
                return updated
            }
            return (training, planned)
        } catch {
            // Planned by someone else meanwhile: the session booked for nothing is cancelled, not left behind.
            _ = try? await sessions.cancel(planned.id, reason: "formation déjà planifiée", by: actor)
            throw error
        }
    }
}

/// Completing a training's session grants its authorisation (from the day of the training, for
/// the validity planned), and tells the member, in the completion's transaction.
struct TrainingGrants: DomainEventSubscriber {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        guard case .sessionMoved(let moved) = event, moved.move.to == .completed,
            let training = try await context.session.run(TrainingStore.OfSession(sessionId: moved.after.id)).first, training.status == .planned
        else { return }
        let day = ParisClock.date(of: moved.after.actualPeriod?.start ?? moved.after.period.start)
        let expires = training.validityMonths.map { day.adding(months: $0) }
        let granted = try await context.session.run(AuthorisationStore.Granted(
            userId: training.userId, machineId: training.machineId, category: training.category, grantedOn: day, expiresOn: expires,
            grantedBy: context.actor.label, note: "Formation \(moved.after.reference)"))[0]
        _ = try await context.session.run(TrainingStore.Granted(id: training.id, authorisationId: granted.id))
        let subject = moved.after.machines.first?.nature ?? "les machines « \(training.category ?? "") »"
        let (title, body) = Self.grantedMessage(subject: subject, day: day, expires: expires)
        try await Notifications.notify(training.userId, kind: "training.granted", subject: title, body: body, sessionId: moved.after.id, context.session)
        try await Outbox.enqueue(
            topic: "training:\(training.id.uuidString.lowercased())", channel: .email, recipient: moved.after.requester.email, subject: title, body: body,
            payload: SessionReminders.payload(["event": "training.granted", "authorisationId": granted.id.uuidString.lowercased()]), context.session)
    }

    /// What the member is told: the training's day, what they may now use, until when.
    static func grantedMessage(subject: String, day: CalendarDate, expires: CalendarDate?) -> (subject: String, body: String) {
        let until = expires.map { " jusqu'au \(FrenchWording.day($0))" } ?? ""
        return ("Formation validée : \(subject)",
                "Votre formation du \(FrenchWording.day(day)) est validée : vous êtes habilité(e) pour \(subject)\(until). Vous pouvez maintenant réserver.")
    }
}
