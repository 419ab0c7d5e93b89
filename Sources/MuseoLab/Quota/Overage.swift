import Foundation

/// Hours beyond the quota, awaiting the manager's decision: bill or waive, with a
/// reason (the agreement says the alert "may" lead to billing).
public struct OverageItem: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, billed, waived
    }

    public var id: UUID
    public var agreementId: UUID
    public var year: Int
    public var sessionId: UUID?
    public var sessionReference: String?
    public var minutes: Int
    public var serviceDate: CalendarDate
    public var status: Status
    public var decidedAt: Date?
    public var decidedBy: String?
    public var decisionReason: String?
}

public struct Overage: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(agreementId: UUID?, year: Int?, status: OverageItem.Status?, by actor: Actor) async throws -> [OverageItem] {
        try actor.require(.viewQuota, "see overage items")
        return try await database.read { session in
            try await session.run(OverageStore.Listed(agreementId: agreementId, year: year, status: status))
        }
    }

    /// Bill or waive a pending item, saying why.
    public func decide(_ id: UUID, bill: Bool, reason: String, by actor: Actor) async throws -> OverageItem {
        try actor.require(.manageQuota, "decide on overage")
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        let status: OverageItem.Status = bill ? .billed : .waived
        return try await database.write(as: actor, action: bill ? "overage.bill" : "overage.waive") { session in
            guard try await !session.run(OverageStore.Decided(id: id, status: status, by: actor.label, reason: reason)).isEmpty else {
                guard let item = try await session.run(OverageStore.One(id: id)).first else { throw Problem.notFound("overage item") }
                throw Problem(.invalidTransition, "this item is already \(item.status.rawValue)")
            }
            if bill {
                // Billed hours become a billable item of the agreement's customer, priced by the grid in force on the service date.
                try await BillableItems.create(try await session.run(OverageStore.ToBill(id: id))[0], session)
            }
            return try await session.run(OverageStore.One(id: id))[0]
        }
    }
}
