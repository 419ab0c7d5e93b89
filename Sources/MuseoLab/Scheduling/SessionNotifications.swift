import Foundation

/// Tells the people concerned what became of a session, in the app (and so by e-mail through
/// the outbox): the staff member of a new request, the requester of a confirmation, a
/// cancellation, a move to another time or a no-show, the staff member when the requester cancels. Nobody is told of
/// what they did themselves.
struct SessionNotifications: DomainEventSubscriber {
    /// Who is told what: user, kind, subject, body.
    typealias Message = (userId: UUID, kind: String, subject: String, body: String)

    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        let sessionId: UUID
        let message: Message?
        switch event {
        case .sessionRequested(let requested):
            sessionId = requested.id
            message = Self.message(requested: requested)
        case .sessionMoved(let moved):
            sessionId = moved.after.id
            message = Self.message(moved, by: context.actor)
        case .sessionRescheduled(let rescheduled):
            sessionId = rescheduled.after.id
            message = Self.message(rescheduled)
        case .roomBookingRequested, .roomBookingMoved, .invoiceIssued:
            return
        }
        guard let message, message.userId != context.actor.userId else { return }
        try await Notifications.notify(
            message.userId, kind: message.kind, subject: message.subject, body: message.body, sessionId: sessionId, context.session)
    }

    static func message(requested: SupportSession) -> Message? {
        requested.staff.map {
            ($0.id, "session.requested", "Nouvelle demande \(requested.reference)",
             "\(requested.requester.displayName) demande une séance le \(FrenchWording.slot(requested.period)) : \(requested.purpose)")
        }
    }

    /// The requester of a session moved to another time, with both times.
    static func message(_ rescheduled: SessionRescheduled) -> Message? {
        let session = rescheduled.after
        let reason = rescheduled.after.events.last?.reason.map { " : \($0)" } ?? "."
        return (session.requester.id, "session.rescheduled", "Séance \(session.reference) déplacée",
                "Votre séance du \(FrenchWording.slot(rescheduled.before.period)) est déplacée au \(FrenchWording.slot(session.period))\(reason)")
    }

    static func message(_ moved: SessionMoved, by actor: Actor) -> Message? {
        let session = moved.after
        let when = FrenchWording.slot(session.period)
        switch (moved.move.to, moved.move.cause) {
        case (.confirmed, _):
            return (session.requester.id, "session.confirmed", "Séance \(session.reference) confirmée", "Votre séance du \(when) est confirmée.")
        case (.cancelled, .maintenance):
            return (session.requester.id, "session.cancelled", "Séance \(session.reference) annulée (maintenance)",
                    "Votre séance du \(when) est annulée : \(moved.move.reason ?? "maintenance").")
        case (.cancelled, .people):
            let reason = moved.move.reason ?? ""
            if actor.userId == session.requester.id {
                return session.staff.map {
                    ($0.id, "session.cancelled", "Séance \(session.reference) annulée",
                     "\(session.requester.displayName) a annulé la séance du \(when) : \(reason)")
                }
            }
            return (session.requester.id, "session.cancelled", "Séance \(session.reference) annulée", "Votre séance du \(when) est annulée : \(reason)")
        case (.noShow, _):
            return (session.requester.id, "session.no_show", "Absence à la séance \(session.reference)", "Vous étiez attendu(e) le \(when).")
        case (.completed, _), (.requested, _):
            return nil
        }
    }
}
