import Foundation
import PostgresNIO

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
            try await session.rows(
                """
                SELECT o.id, o.agreement_id, o.year, o.session_id, s.number AS session_number, o.minutes, o.service_date::text AS service_date,
                       o.status, o.decided_at, o.decided_by, o.decision_reason
                FROM overage_items o LEFT JOIN support_sessions s ON s.id = o.session_id
                WHERE (\(agreementId)::uuid IS NULL OR o.agreement_id = \(agreementId)) AND (\(year)::int IS NULL OR o.year = \(year))
                  AND (\(status?.rawValue)::text IS NULL OR o.status = \(status?.rawValue))
                ORDER BY o.created_at, o.id
                """
            ).map(Self.item)
        }
    }

    /// Bill or waive a pending item, saying why.
    public func decide(_ id: UUID, bill: Bool, reason: String, by actor: Actor) async throws -> OverageItem {
        try actor.require(.manageQuota, "decide on overage")
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        let status: OverageItem.Status = bill ? .billed : .waived
        return try await database.write(as: actor, action: bill ? "overage.bill" : "overage.waive") { session in
            guard try await session.first(
                """
                UPDATE overage_items SET status = \(status.rawValue), decided_at = now(), decided_by = \(actor.label), decision_reason = \(reason)
                WHERE id = \(id) AND status = 'pending' RETURNING id
                """) != nil
            else {
                guard let row = try await session.first("SELECT status FROM overage_items WHERE id = \(id)") else { throw Problem.notFound("overage item") }
                throw Problem(.invalidTransition, "this item is already \(try row.decode(String.self))")
            }
            if bill {
                // Billed hours become a billable item of the agreement's customer, priced by the grid in force on the service date.
                let row = try await session.first(
                    """
                    SELECT a.customer_organisation_id, o.agreement_id, o.session_id, o.minutes, o.service_date::text AS service_date, o.year, s.number
                    FROM overage_items o JOIN agreements a ON a.id = o.agreement_id LEFT JOIN support_sessions s ON s.id = o.session_id
                    WHERE o.id = \(id)
                    """)!.makeRandomAccess()
                let (year, number) = (try row.value("year", as: Int32.self), try row.value("number", as: Int64?.self))
                try await BillableItems.create(.init(
                    kind: .supportOverage, customer: try row.value("customer_organisation_id"), agreementId: try row.value("agreement_id"),
                    overageItemId: id, sessionId: try row.value("session_id"), serviceDate: try row.date("service_date"),
                    description: "heures au-delà du quota \(year)" + (number.map { " (séance S-\(String(format: "%06d", $0)))" } ?? ""),
                    minutes: Int(try row.value("minutes", as: Int32.self))), session)
            }
            return try await session.rows(
                """
                SELECT o.id, o.agreement_id, o.year, o.session_id, s.number AS session_number, o.minutes, o.service_date::text AS service_date,
                       o.status, o.decided_at, o.decided_by, o.decision_reason
                FROM overage_items o LEFT JOIN support_sessions s ON s.id = o.session_id WHERE o.id = \(id)
                """
            ).map(Self.item)[0]
        }
    }

    static func item(_ row: PostgresRow) throws -> OverageItem {
        let r = row.makeRandomAccess()
        return OverageItem(
            id: try r.value("id"), agreementId: try r.value("agreement_id"), year: Int(try r.value("year", as: Int32.self)),
            sessionId: try r.value("session_id"), sessionReference: try r.value("session_number", as: Int64?.self).map { String(format: "S-%06d", $0) },
            minutes: Int(try r.value("minutes", as: Int32.self)), serviceDate: try r.date("service_date"),
            status: try r.value("status", as: OverageItem.Status.self), decidedAt: try r.value("decided_at"),
            decidedBy: try r.value("decided_by"), decisionReason: try r.value("decision_reason"))
    }
}
