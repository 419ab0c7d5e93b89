import Foundation

/// What happened to an aggregate, told in the transaction that made it happen, so that what
/// follows from it (the quota ledger, billable items, notifications, the outbox) commits or
/// rolls back with it.
enum DomainEvent: Sendable {
    /// A session was requested (its first event).
    case sessionRequested(SupportSession)
    /// A session changed status.
    case sessionMoved(SessionMoved)
    /// A session moved to another time, keeping its status.
    case sessionRescheduled(SessionRescheduled)
    /// A room booking was requested (its first event).
    case roomBookingRequested(RoomBooking)
    /// A room booking was accepted, refused or cancelled, or took a free use given back.
    case roomBookingMoved(RoomBookingMoved)
    /// An invoice or a credit note was issued: numbered, frozen, sealed in the chain.
    case invoiceIssued(Invoice)
}

/// A session's move: as it was, as it is now, and what moved it.
public struct SessionMoved: Sendable {
    public var before: SupportSession
    public var after: SupportSession
    public var move: SessionMove
}

/// A room booking's move: as it was, as it is now, and what moved it.
struct RoomBookingMoved: Sendable {
    var before: RoomBooking
    var after: RoomBooking
    var move: RoomBookingMove
}

/// Where an event is handled: who made it happen, the transaction, and the moment (the domain's clock).
struct EventContext: Sendable {
    var actor: Actor
    var session: SQLSession
    var now: Date
}

/// Something that acts on events, in their transaction.
protocol DomainEventSubscriber: Sendable {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws
}

/// The subscribers of the domain, in the order they act.
struct DomainEvents: Sendable {
    let subscribers: [any DomainEventSubscriber]
    let now: @Sendable () -> Date

    /// What the service does after each event: the quota ledger (and with it overage and alerts),
    /// billable machine use and room bookings, what an issued document invoices and the tariff
    /// versions it used, then the people concerned are told, and those waiting for a freed slot.
    static func standard(now: @escaping @Sendable () -> Date) -> DomainEvents {
        DomainEvents(
            subscribers: [
                QuotaLedger.SessionSubscriber(), MachineUseBilling(), RoomBookingBilling(), InvoicedItems(), TariffVersionLocking(), TrainingGrants(),
                SessionNotifications(), RoomBookingNotifications(), WaitingListNotifications(),
            ],
            now: now)
    }

    func publish(_ event: DomainEvent, by actor: Actor, _ session: SQLSession) async throws {
        let context = EventContext(actor: actor, session: session, now: now())
        for subscriber in subscribers {
            try await subscriber.handle(event, context)
        }
    }
}
