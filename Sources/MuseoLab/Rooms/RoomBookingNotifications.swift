import Foundation

/// Tells a booking's requester what became of it, in the app and by e-mail through the outbox:
/// accepted (free or billable, and why), refused (and why), cancelled by someone else. A free
/// use handed on changes nothing they asked for, and is not told.
struct RoomBookingNotifications: DomainEventSubscriber {
    /// What the requester is told.
    typealias Message = (subject: String, body: String)

    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        guard case .roomBookingMoved(let moved) = event, let message = Self.message(moved, by: context.actor) else { return }
        let booking = moved.after
        try await Notifications.notify(
            booking.requester.id, kind: "room_booking.\(booking.status.rawValue)", subject: message.subject, body: message.body, sessionId: nil,
            context.session)
        let payload: [String: Any] = [
            "event": "room_booking.\(booking.status.rawValue)", "bookingId": booking.id.uuidString.lowercased(), "reference": booking.reference,
            "room": booking.roomCode, "status": booking.status.rawValue,
        ]
        try await Outbox.enqueue(
            topic: "room-booking:\(booking.id.uuidString.lowercased()):\(booking.status.rawValue)", channel: .email, recipient: booking.requester.email,
            subject: message.subject, body: message.body,
            payload: String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self), context.session)
    }

    static func message(_ moved: RoomBookingMoved, by actor: Actor) -> Message? {
        let booking = moved.after
        guard moved.before.status != booking.status else { return nil }
        let when = FrenchWording.slot(booking.period)
        let room = booking.roomInSentence ?? booking.roomName
        switch booking.status {
        case .accepted:
            let charge = switch booking.charge {
            case .free?: " Elle est gratuite : c'est une des utilisations que la convention prévoit chaque année (article 6)."
            case .billable?: " Elle sera facturée selon la grille tarifaire en vigueur."
            case nil: ""
            }
            return ("Réservation \(booking.reference) acceptée", "Votre réservation de \(room) le \(when) est acceptée.\(charge)")
        case .refused:
            return ("Réservation \(booking.reference) refusée",
                    "Votre demande de réservation de \(room) le \(when) n'a pas pu être acceptée : \(moved.move.reason ?? "")")
        case .cancelled:
            guard actor.userId != booking.requester.id else { return nil }
            return ("Réservation \(booking.reference) annulée", "Votre réservation de \(room) le \(when) est annulée : \(moved.move.reason ?? "")")
        case .pending:
            return nil
        }
    }
}
