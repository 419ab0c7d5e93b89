import Foundation

/// A session moved to another time while it keeps its status: the same requester, staff member
/// and machines, as it was and as it is now.
public struct SessionRescheduled: Sendable {
    public var before: SupportSession
    public var after: SupportSession
}

extension Sessions {
    /// A requested or confirmed session moved to another time by the staff (the member asked by
    /// phone, the staff member is away that day): the same requester, staff member and machines,
    /// under every rule a request meets at the new time (opening hours, closures, horizon,
    /// length, the staff member's availability; the exclusion constraints refuse what is taken).
    /// Its revision goes up, so its calendar event changes and it is reminded again; its
    /// requester is told; the quota's commitment follows the new length.
    public func reschedule(_ id: UUID, to period: Period, reason: String? = nil, by actor: Actor) async throws -> SupportSession {
        try actor.require(.superviseSessions, "move sessions to another time")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 1000)
        let now = now()
        try Self.checkShape(period, now: now)
        return try await database.write(as: actor, action: "session.reschedule") { session in
            guard let before = try await SessionStore.load([id], locking: true, session).first, Self.maySee(before, actor) else {
                throw Problem.notFound("session")
            }
            guard before.status.isActive else {
                throw Problem(.invalidTransition, "a session \(before.status.rawValue) keeps its time", field: "status")
            }
            guard before.period != period else { throw Problem.invalid("start", "the session is already at that time") }
            let context = try await BookingContext.load(
                requesterId: before.requester.id, period: period, machineIds: before.machines.map(\.id),
                staff: before.staff.map { .named($0.id) } ?? .nobody, session)
            try Self.checkRules(period, context.rules, now: now)
            try Self.checkOpen(period, hours: context.openingHours, closures: context.closures)
            try Self.checkMachinesStillBookable(context.machines)
            if let staff = before.staff, try context.staff.first(where: { $0.id == staff.id })?.available(within: period).covers(period) != true {
                throw Problem(.staffUnavailable, "\(staff.displayName) does not supervise at \(Self.describe(period))", field: "start")
            }
            let written = try await session.run(SessionStore.Rescheduled(id: id, status: before.status, period: period, reason: reason, actor: actor))[0]
            var after = before
            after.period = period
            after.revision = written.revision
            after.updatedAt = written.updatedAt
            after.events.append(SessionEvent(
                occurredAt: written.occurredAt, from: before.status, to: before.status, actor: actor.label, actorUserId: actor.userId, reason: reason))
            try await events.publish(.sessionRescheduled(SessionRescheduled(before: before, after: after)), by: actor, session)
            return after
        }
    }

    /// The session's machines can still be booked at the new time: in service, bookable, not in
    /// maintenance then. Their occupation by this very session may overlap the new time, and
    /// another session's is the exclusion constraint's to refuse; the authorisations were
    /// checked when it was booked (and a training's trainee holds none yet).
    static func checkMachinesStillBookable(_ machines: [RequestedMachine]) throws {
        for machine in machines {
            let found = try checkInService(machine)
            if found.occupiedByMaintenance == true {
                throw Problem(.bookingConflict, "the \(found.nature) is in a maintenance window then", field: "machineIds")
            }
        }
    }
}
