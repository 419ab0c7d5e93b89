import Foundation

/// When a session is cancelled by someone, or moved to a time clear of the one it held, that
/// slot frees up: every member waiting for one of its machines or its staff member over that
/// time is told, in the order they asked, in the app and by e-mail through the outbox. Nothing is
/// booked for them. A cancellation for maintenance frees nothing (the machine is taken by the
/// maintenance).
struct WaitingListNotifications: DomainEventSubscriber {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        switch event {
        case .sessionMoved(let moved) where moved.move.to == .cancelled && moved.move.cause == .people && moved.before.status.isActive:
            try await tell(freed: moved.after, context)
        case .sessionRescheduled(let rescheduled) where !rescheduled.after.period.overlaps(rescheduled.before.period):
            try await tell(freed: rescheduled.before, context)
        default:
            return
        }
    }

    /// Tells those waiting for what `freed` held, over its period.
    func tell(freed: SupportSession, _ context: EventContext) async throws {
        let told = try await context.session.run(WaitingListStore.Freed(
            sessionId: freed.id, machineIds: freed.machines.map(\.id), staffId: freed.staff?.id, freed: freed.period,
            requesterId: freed.requester.id, at: context.now))
        for waiting in told {
            let (subject, body) = Self.message(waiting, freed: freed.period)
            try await Notifications.notify(waiting.request.userId, kind: "waiting_list.freed", subject: subject, body: body, sessionId: nil, context.session)
            let payload: [String: Any] = [
                "event": "waiting_list.freed", "requestId": waiting.request.id.uuidString.lowercased(),
                "start": ISO8601DateFormatter().string(from: freed.period.start), "end": ISO8601DateFormatter().string(from: freed.period.end),
            ]
            try await Outbox.enqueue(
                topic: "waiting:\(waiting.request.id.uuidString.lowercased())", channel: .email, recipient: waiting.email, subject: subject, body: body,
                payload: String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self), context.session)
        }
    }

    static func message(_ waiting: WaitingListStore.Freed.Told, freed: Period) -> (subject: String, body: String) {
        let what = waiting.request.machineId != nil ? waiting.resource : "l'accompagnement de \(waiting.resource)"
        return ("Un créneau s'est libéré : \(waiting.resource)",
                "Un créneau que vous attendiez s'est libéré pour \(what), le \(FrenchWording.slot(freed)). "
                    + "Il n'est pas retenu pour vous : réservez-le si vous le voulez encore.")
    }
}
