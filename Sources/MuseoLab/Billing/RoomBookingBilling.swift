import Foundation

/// What a room booking is billed (article 6): its service fees always, once accepted, and its
/// rental when it is not a free use. Cancelled before it starts, nothing of it is billed; handed
/// a free use, its rental is not.
struct RoomBookingBilling: DomainEventSubscriber {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        guard case .roomBookingMoved(let moved) = event else { return }
        let (before, booking) = (moved.before, moved.after)
        switch (before.status, booking.status) {
        case (.pending, .accepted):
            try await BillableItems.create(Self.items(for: booking), context.session)
        case (.accepted, .cancelled) where moved.move.releasesItems:
            try await BillableItems.cancel(
                roomBooking: booking.id, kind: nil, reason: "\(booking.reference) cancelled before it started: \(moved.move.reason ?? "")", context.session)
        case (.accepted, .accepted) where before.charge == .billable && booking.charge == .free:
            try await BillableItems.cancel(roomBooking: booking.id, kind: .roomRental, reason: booking.chargeReason ?? "free use", context.session)
        default:
            return
        }
    }

    /// The service fees, always; the rental, when billable.
    static func items(for booking: RoomBooking) -> [BillableItems.NewItem] {
        let date = ParisClock.date(of: booking.period.start)
        let when = Sessions.describe(booking.period)
        var items = [BillableItems.NewItem(
            kind: .roomServiceFees, customer: booking.organisationId, agreementId: booking.agreementId, roomBookingId: booking.id,
            serviceDate: date, description: "Frais de service – \(booking.roomName), \(when) (\(booking.reference))", minutes: booking.period.minutes)]
        if booking.charge == .billable {
            items.append(.init(
                kind: .roomRental, customer: booking.organisationId, agreementId: booking.agreementId, roomBookingId: booking.id,
                serviceDate: date, description: "Location \(booking.roomName), \(when) (\(booking.reference))", minutes: booking.period.minutes))
        }
        return items
    }
}
