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
            try await session.run(BillableItemStore.Listed(customerId: customerId, status: status, roomBookingId: roomBookingId))
        }
    }

    /// What is still to invoice: the open items of every customer that no draft holds yet (a
    /// discarded draft gives its items back), by service date.
    public func toInvoice(by actor: Actor) async throws -> [BillableItem] {
        try actor.require(.viewBilling, "see what is to invoice")
        return try await database.read { session in
            try await session.run(BillableItemStore.NotDrafted())
        }
    }

    /// Records consumables a staff member handed out (a grid item of the consumables), to be invoiced.
    public func addConsumable(
        customerId: UUID, tariffCode: String, quantity: Int, serviceDate: CalendarDate, description: String?, by actor: Actor
    ) async throws -> BillableItem {
        try actor.require(.viewBilling, "enter consumables")
        let code = try Validate.slug(tariffCode, field: "tariffCode")
        guard (1...10_000).contains(quantity) else { throw Problem.invalid("quantity", "between 1 and 10000") }
        let description = try Validate.optionalText(description, field: "description", maxLength: 300)
        return try await database.write(as: actor, action: "billable.consumable") { session in
            guard try await session.exists(PeopleStore.OrganisationExists(id: customerId)) else {
                throw Problem.invalid("customerId", "no organisation has the id \(customerId)")
            }
            guard let version = try await TariffGrid.inForce(on: serviceDate, session),
                let tariff = version.items.first(where: { $0.code == code && $0.appliesTo == .consumable })
            else { throw Problem.invalid("tariffCode", "the grid in force on \(serviceDate) has no consumable \(code)") }
            let id = try await Self.create(.init(
                kind: .consumable, customer: customerId, agreementId: nil, serviceDate: serviceDate,
                description: description ?? tariff.label, quantity: quantity, tariffItemCode: code), session)
            return try await session.run(BillableItemStore.Item(id: id))[0]
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
        try await create([item], session)[0]
    }

    /// Records items (a booking's rental and service fees) in one statement, and snapshots their prices together.
    @discardableResult
    static func create(_ items: [NewItem], _ session: SQLSession) async throws -> [UUID] {
        guard !items.isEmpty else { return [] }
        let ids = try await session.run(BillableItemStore.RecordedAll(items: items))
        try await Pricing.snapshot(items: ids, session)
        return ids
    }

    /// Cancels the open items of a room booking (of one kind, or all), saying why.
    static func cancel(roomBooking: UUID, kind: BillableItem.Kind?, reason: String, _ session: SQLSession) async throws {
        _ = try await session.run(BillableItemStore.RoomBookingItemsCancelled(roomBookingId: roomBooking, reason: reason, kind: kind))
    }
}
