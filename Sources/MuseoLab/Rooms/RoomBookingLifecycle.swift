import Foundation

/// The one path of every change of a room booking (acceptance, refusal, cancellation, a free use
/// handed on): lock, read, decide, write, publish, in the caller's transaction.
struct RoomBookingLifecycle: Sendable {
    let events: DomainEvents

    /// Moves the booking as `decide` says, after it is locked and read (`decide` may read what it
    /// needs, in the same transaction; it returns `nil` to leave the booking as it is), as `actor`.
    /// A booking the actor may not see, or that does not exist, is "not found".
    /// - Returns: the booking as it is now.
    @discardableResult
    func move(
        _ id: UUID, by actor: Actor, _ session: SQLSession, decide: (RoomBooking) async throws -> RoomBookingMove?
    ) async throws -> RoomBooking {
        guard let before = try await RoomBookingStore.load([id], locking: true, session).first, RoomBookings.maySee(before, actor) else {
            throw Problem.notFound("room booking")
        }
        guard let move = try await decide(before) else { return before }
        let written = try await session.run(RoomBookingStore.Moved(id: id, from: before.status, move: move, actor: actor))[0]
        var after = before
        after.status = move.to
        (after.charge, after.chargeReason, after.acceptedAt, after.freeUseReturned) =
            (written.charge, written.chargeReason, written.acceptedAt, written.freeUseReturned)
        after.events.append(.init(
            occurredAt: written.occurredAt, from: before.status, to: move.to, actor: actor.label, reason: move.reason))
        try await events.publish(.roomBookingMoved(RoomBookingMoved(before: before, after: after, move: move)), by: actor, session)
        return after
    }
}
