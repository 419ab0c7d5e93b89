import Foundation
import PostgresNIO

/// Something to invoice: room service fees and rentals, overage hours the manager
/// chose to bill, machine use, consumables. Priced by the tariff grid in force on the
/// service date; invoiced once.
public struct BillableItem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case roomServiceFees = "room_service_fees"
        case roomRental = "room_rental"
        case supportOverage = "support_overage"
        case machineUse = "machine_use"
        case consumable
    }

    public enum Status: String, Sendable, Codable {
        case open, cancelled, invoiced
    }

    public var id: UUID
    public var kind: Kind
    public var customerOrganisationId: UUID
    public var agreementId: UUID?
    public var roomBookingId: UUID?
    public var overageItemId: UUID?
    public var sessionId: UUID?
    public var serviceDate: CalendarDate
    public var description: String
    public var minutes: Int?
    public var quantity: Int
    public var status: Status
    public var cancellationReason: String?
}

public struct BillableItems: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(customerId: UUID?, status: BillableItem.Status?, roomBookingId: UUID? = nil, by actor: Actor) async throws -> [BillableItem] {
        try actor.require(.viewQuota, "see billable items")
        return try await database.read { session in
            try await session.rows(
                """
                SELECT id, kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id, service_date::text,
                       description, minutes, quantity, status, cancellation_reason
                FROM billable_items
                WHERE (\(customerId)::uuid IS NULL OR customer_organisation_id = \(customerId))
                  AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                  AND (\(roomBookingId)::uuid IS NULL OR room_booking_id = \(roomBookingId))
                ORDER BY service_date, created_at, id
                """
            ).map(Self.item)
        }
    }

    struct NewItem {
        var kind: BillableItem.Kind
        var customer: UUID
        var agreementId: UUID?
        var roomBookingId: UUID?
        var overageItemId: UUID?
        var sessionId: UUID?
        var serviceDate: CalendarDate
        var description: String
        var minutes: Int?
        var quantity = 1
    }

    @discardableResult
    static func create(_ item: NewItem, _ session: SQLSession) async throws -> UUID {
        try await session.first(
            """
            INSERT INTO billable_items (kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id,
                                        service_date, description, minutes, quantity)
            VALUES (\(item.kind.rawValue), \(item.customer), \(item.agreementId), \(item.roomBookingId), \(item.overageItemId), \(item.sessionId),
                    \(item.serviceDate.description)::date, \(item.description), \(item.minutes), \(item.quantity))
            RETURNING id
            """)!.decode(UUID.self)
    }

    /// Cancels the open items of a room booking (of one kind, or all), saying why.
    static func cancel(roomBooking: UUID, kind: BillableItem.Kind?, reason: String, _ session: SQLSession) async throws {
        try await session.execute(
            """
            UPDATE billable_items SET status = 'cancelled', cancellation_reason = \(reason)
            WHERE room_booking_id = \(roomBooking) AND status = 'open' AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
            """)
    }

    static func item(_ row: PostgresRow) throws -> BillableItem {
        let (id, kind, customer, agreement, booking, overage, sessionId, date, description, minutes, quantity, status, reason) =
            try row.decode((UUID, String, UUID, UUID?, UUID?, UUID?, UUID?, String, String, Int32?, Int32, String, String?).self)
        return BillableItem(
            id: id, kind: BillableItem.Kind(rawValue: kind)!, customerOrganisationId: customer, agreementId: agreement, roomBookingId: booking,
            overageItemId: overage, sessionId: sessionId, serviceDate: CalendarDate(date)!, description: description,
            minutes: minutes.map(Int.init), quantity: Int(quantity), status: BillableItem.Status(rawValue: status)!, cancellationReason: reason)
    }
}
