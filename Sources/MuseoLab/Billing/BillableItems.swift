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

    public enum Status: String, Sendable, Codable, CaseIterable {
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
    /// The grid item that prices a consumable.
    public var tariffItemCode: String?
    public var status: Status
    public var cancellationReason: String?
    /// The grid version in force on the service date, which priced it, and what it came to
    /// before VAT: `nil` while no grid is in force on that date (it is priced when drafted).
    public var tariffVersionId: UUID?
    public var netCents: Int?
    /// The invoice lines it becomes (a room's service fees make several).
    public var lines: [PricedLine]?
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
                SELECT \(unescaped: Self.columns) FROM billable_items
                WHERE (\(customerId)::uuid IS NULL OR customer_organisation_id = \(customerId))
                  AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                  AND (\(roomBookingId)::uuid IS NULL OR room_booking_id = \(roomBookingId))
                ORDER BY service_date, created_at, id
                """
            ).map(Self.item)
        }
    }

    static let columns = """
        id, kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id, service_date::text AS service_date,
        description, minutes, quantity, tariff_item_code, status, cancellation_reason, tariff_version_id, net_cents,
        priced_lines::text AS priced_lines
        """

    /// Records consumables a staff member handed out (a grid item of the consumables), to be invoiced.
    public func addConsumable(
        customerId: UUID, tariffCode: String, quantity: Int, serviceDate: CalendarDate, description: String?, by actor: Actor
    ) async throws -> BillableItem {
        try actor.require(.viewBilling, "enter consumables")
        let code = try Validate.slug(tariffCode, field: "tariffCode")
        guard (1...10_000).contains(quantity) else { throw Problem.invalid("quantity", "between 1 and 10000") }
        let description = try Validate.optionalText(description, field: "description", maxLength: 300)
        return try await database.write(as: actor, action: "billable.consumable") { session in
            guard try await session.first("SELECT 1 FROM organisations WHERE id = \(customerId)") != nil else {
                throw Problem.invalid("customerId", "no organisation has the id \(customerId)")
            }
            guard let version = try await TariffGrid.inForce(on: serviceDate, session),
                let tariff = version.items.first(where: { $0.code == code && $0.appliesTo == .consumable })
            else { throw Problem.invalid("tariffCode", "the grid in force on \(serviceDate) has no consumable \(code)") }
            let id = try await Self.create(.init(
                kind: .consumable, customer: customerId, agreementId: nil, serviceDate: serviceDate,
                description: description ?? tariff.label, quantity: quantity, tariffItemCode: code), session)
            return try await session.rows("SELECT \(unescaped: Self.columns) FROM billable_items WHERE id = \(id)").map(Self.item)[0]
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
        var tariffItemCode: String?
        var machineId: UUID?
    }

    /// Records an item and snapshots its price with the grid in force on its service date.
    @discardableResult
    static func create(_ item: NewItem, _ session: SQLSession) async throws -> UUID {
        let id = try await session.first(
            """
            INSERT INTO billable_items (kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id,
                                        service_date, description, minutes, quantity, tariff_item_code, machine_id)
            VALUES (\(item.kind.rawValue), \(item.customer), \(item.agreementId), \(item.roomBookingId), \(item.overageItemId), \(item.sessionId),
                    \(item.serviceDate.description)::date, \(item.description), \(item.minutes), \(item.quantity), \(item.tariffItemCode), \(item.machineId))
            RETURNING id
            """)!.decode(UUID.self)
        try await Pricing.snapshot(item: id, session)
        return id
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
        let r = row.makeRandomAccess()
        return BillableItem(
            id: try r.value("id"), kind: try r.value("kind"), customerOrganisationId: try r.value("customer_organisation_id"),
            agreementId: try r.value("agreement_id"), roomBookingId: try r.value("room_booking_id"), overageItemId: try r.value("overage_item_id"),
            sessionId: try r.value("session_id"), serviceDate: try r.date("service_date"), description: try r.value("description"),
            minutes: try r.value("minutes", as: Int32?.self).map(Int.init), quantity: Int(try r.value("quantity", as: Int32.self)),
            tariffItemCode: try r.value("tariff_item_code"), status: try r.value("status"), cancellationReason: try r.value("cancellation_reason"),
            tariffVersionId: try r.value("tariff_version_id"), netCents: try r.value("net_cents", as: Int64?.self).map(Int.init),
            lines: try r.value("priced_lines", as: String?.self).map { try JSONDecoder().decode([PricedLine].self, from: Data($0.utf8)) })
    }
}
