import Foundation
import PostgresNIO

/// Room booking requests (article 6): pending until LLV accepts or refuses them (it is
/// never bound to accept). Accepted bookings of a room never overlap (the database's
/// exclusion constraint); they use up the agreement's yearly free allowance in the
/// order they are accepted, and always produce their billable items.
public struct RoomBookings: Sendable {
    let database: Database
    let now: @Sendable () -> Date
    let events: DomainEvents

    init(database: Database, now: @escaping @Sendable () -> Date = Date.init, events: DomainEvents? = nil) {
        self.database = database
        self.now = now
        self.events = events ?? .standard(now: now)
    }

    var lifecycle: RoomBookingLifecycle { RoomBookingLifecycle(events: events) }

    public func request(_ request: RoomBookingRequest, by actor: Actor) async throws -> RoomBooking {
        guard let requesterId = request.requesterId ?? actor.userId else { throw Problem.invalid("requesterId", "say whom the booking is for") }
        if requesterId != actor.userId { try actor.require(.manageRooms, "book rooms for someone else") }
        let (purpose, period) = try RoomBookingRules.checkRequest(request, now: now())

        return try await database.write(as: actor, action: "room-booking.request") { session in
            let context = try await RoomRequestContext.load(
                room: request.room, requesterId: requesterId, organisationId: request.organisationId, on: ParisClock.date(of: period.start), session)
            guard let room = context.room, room.archivedAt == nil else {
                throw Problem.invalid("roomId", "no room is \"\(request.room)\"")
            }
            let layout = try RoomBookingRules.layout(request.layout, of: room, attendees: request.attendees)
            let requester = try Sessions.requireActive(context.requester, id: requesterId, field: "requesterId")
            let organisationId = request.organisationId ?? requester.organisationId
            if organisationId != requester.organisationId && !actor.role.allows(.manageRooms) {
                throw Problem.forbidden("a member books for their own organisation")
            }
            guard context.organisationExists else {
                throw Problem.invalid("organisationId", "no organisation has the id \(organisationId)")
            }
            let id = try await session.run(RoomBookingStore.Requested(
                roomId: room.id, layoutId: layout.id, requesterId: requesterId, organisationId: organisationId, agreementId: context.agreementId,
                purpose: purpose, attendees: request.attendees, period: period, actor: actor))[0]
            let booking = try await RoomBookingStore.load([id], session)[0]
            try await events.publish(.roomBookingRequested(booking), by: actor, session)
            return booking
        }
    }

    public func list(status: RoomBooking.Status? = nil, roomId: UUID? = nil, within window: Period? = nil, by actor: Actor) async throws -> [RoomBooking] {
        let seesAll = actor.role.allows(.manageRooms) || actor.role.allows(.viewAllSessions)
        guard seesAll || actor.userId != nil else { return [] }
        return try await database.read { session in
            try await session.run(RoomBookingStore.Listed(status: status, roomId: roomId, requesterId: seesAll ? nil : actor.userId, window: window))
        }
    }

    public func get(_ id: UUID, by actor: Actor) async throws -> RoomBooking {
        let booking = try await database.read { try await RoomBookingStore.load([id], $0).first }
        guard let booking, Self.maySee(booking, actor) else { throw Problem.notFound("room booking") }
        return booking
    }

    /// Finds a booking by id or number (`R-000042`).
    public func find(_ reference: String, by actor: Actor) async throws -> RoomBooking {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        let digits = reference.uppercased().hasPrefix("R-") ? String(reference.dropFirst(2)) : reference
        guard let number = Int64(digits) else { throw Problem.invalid("booking", "\"\(reference)\" is neither a booking id nor a number like R-000042") }
        guard let id = try await database.read({ try await $0.run(RoomBookingStore.Numbered(number: number)).first }) else {
            throw Problem.notFound("room booking \(reference)")
        }
        return try await get(id, by: actor)
    }

    static func maySee(_ booking: RoomBooking, _ actor: Actor) -> Bool {
        actor.role.allows(.manageRooms) || actor.role.allows(.viewAllSessions) || booking.requester.id == actor.userId
    }

    // MARK: - Decisions

    /// pending → accepted: free while the agreement's allowance lasts (in the order of
    /// acceptance), else billable; service fees are billed either way.
    public func accept(_ id: UUID, reason: String? = nil, by actor: Actor) async throws -> RoomBooking {
        try actor.require(.manageRooms, "accept room bookings")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 1000)
        let now = now()
        return try await database.write(as: actor, action: "room-booking.accept") { session in
            try await lifecycle.move(id, by: actor, session) { booking in
                try RoomBookingRules.mayAccept(booking, now: now)
                if let clash = try await session.run(RoomBookingStore.Clash(roomId: booking.roomId, id: booking.id, period: booking.period)).first {
                    throw RoomBookingRules.taken(booking, by: clash)
                }
                return RoomBookingRules.accept(booking, reason: reason, charge: try await Self.charge(for: booking, session))
            }
        }
    }

    /// pending → refused, with the reason (LLV is never bound to accept). Uses nothing.
    public func refuse(_ id: UUID, reason: String, by actor: Actor) async throws -> RoomBooking {
        try actor.require(.manageRooms, "refuse room bookings")
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        return try await database.write(as: actor, action: "room-booking.refuse") { session in
            try await lifecycle.move(id, by: actor, session) { try RoomBookingRules.refuse($0, reason: reason) }
        }
    }

    /// pending or accepted → cancelled, by its requester or LLV, with a reason. An accepted
    /// booking cancelled before it starts gives its free use back (to the next billable
    /// booking of the year, in the order of acceptance) and its items are not billed.
    public func cancel(_ id: UUID, reason: String, by actor: Actor) async throws -> RoomBooking {
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        let now = now()
        return try await database.write(as: actor, action: "room-booking.cancel") { session in
            let cancelled = try await lifecycle.move(id, by: actor, session) { try RoomBookingRules.cancel($0, reason: reason, by: actor, now: now) }
            if cancelled.freeUseReturned, let agreementId = cancelled.agreementId {
                let year = ParisClock.date(of: cancelled.period.start).year
                if let next = try await session.run(RoomBookingStore.NextBillable(agreementId: agreementId, roomId: cancelled.roomId, year: year)).first {
                    try await lifecycle.move(next, by: .system("allowance"), session) { RoomBookingRules.takeFreeUse($0, givenBackBy: cancelled) }
                }
            }
            return cancelled
        }
    }

    // MARK: - Allowances

    /// The free allowance of each room for an agreement's year, and how it was used.
    public func allowances(_ agreementId: UUID, year: Int, by actor: Actor) async throws -> [RoomAllowance] {
        try Quota.checkYear(year)
        return try await database.read { session in
            try await Quota.requireView(agreementId, actor, session)
            let reference = RoomBookingRules.referenceDay(of: year, today: ParisClock.date(of: now()))
            var result: [RoomAllowance] = []
            for room in try await RoomStore.rooms(nil, includingArchived: false, session) {
                let allowance = try await session.run(RoomBookingStore.Allowance(agreementId: agreementId, roomId: room.id, day: reference)).first ?? 0
                let charged = try await session.run(RoomBookingStore.Charged(agreementId: agreementId, roomId: room.id, year: year))
                result.append(RoomBookingRules.summary(of: room, allowance: allowance, charged: charged))
            }
            return result
        }
    }

    /// Free or billable, and why, for a booking being accepted. Serialised per agreement,
    /// room and year, so two acceptances never take the same last free use.
    static func charge(for booking: RoomBooking, _ session: SQLSession) async throws -> (RoomBooking.Charge, why: String) {
        let date = ParisClock.date(of: booking.period.start)
        guard let agreementId = booking.agreementId else { return RoomBookingRules.charge(for: booking, year: date.year, allowance: 0, used: 0) }
        _ = try await session.run(RoomBookingStore.AllowanceLock(agreementId: agreementId, roomId: booking.roomId, year: date.year))
        let allowance = try await session.run(RoomBookingStore.Allowance(agreementId: agreementId, roomId: booking.roomId, day: date)).first ?? 0
        let charged = try await session.run(RoomBookingStore.Charged(agreementId: agreementId, roomId: booking.roomId, year: date.year))
        return RoomBookingRules.charge(for: booking, year: date.year, allowance: allowance, used: RoomBookingRules.freeUses(charged).count)
    }
}
