import Foundation
import PostgresNIO

/// How overage items are read and decided: one type per statement, rows decoded by column name.
enum OverageStore {
    static let select = """
        SELECT o.id, o.agreement_id, o.year, o.session_id, s.number AS session_number, o.minutes, o.service_date::text AS service_date,
               o.status, o.decided_at, o.decided_by, o.decision_reason
        FROM overage_items o LEFT JOIN support_sessions s ON s.id = o.session_id
        """

    static func item(_ r: PostgresRandomAccessRow) throws -> OverageItem {
        OverageItem(
            id: try r.value("id"), agreementId: try r.value("agreement_id"), year: Int(try r.value("year", as: Int32.self)),
            sessionId: try r.value("session_id"), sessionReference: try r.value("session_number", as: Int64?.self).map { "S-" + zeroPadded($0, width: 6) },
            minutes: Int(try r.value("minutes", as: Int32.self)), serviceDate: try r.date("service_date"),
            status: try r.value("status", as: OverageItem.Status.self), decidedAt: try r.value("decided_at"),
            decidedBy: try r.value("decided_by"), decisionReason: try r.value("decision_reason"))
    }

    /// Items (of an agreement, a year, a status: each optional), in the order they arose.
    struct Listed: Statement {
        static let sql = """
            \(select)
            WHERE ($1::uuid IS NULL OR o.agreement_id = $1::uuid) AND ($2::int IS NULL OR o.year = $2::int)
              AND ($3::text IS NULL OR o.status = $3::text)
            ORDER BY o.created_at, o.id
            """
        var agreementId: UUID?
        var year: Int?
        var status: OverageItem.Status?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(year.map(Int32.init))
            bindings.append(status?.rawValue)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> OverageItem { try OverageStore.item(r) }
    }

    /// One item.
    struct One: Statement {
        static let sql = "\(select) WHERE o.id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> OverageItem { try OverageStore.item(r) }
    }

    /// A pending item billed or waived, by whom and why; answers its id, or nothing when it was not pending.
    struct Decided: Statement {
        static let sql = """
            UPDATE overage_items SET status = $2::text, decided_at = now(), decided_by = $3::text, decision_reason = $4::text
            WHERE id = $1::uuid AND status = 'pending' RETURNING id
            """
        var id: UUID, status: OverageItem.Status, by: String, reason: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(status.rawValue)
            bindings.append(by)
            bindings.append(reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// What billing an item needs: the agreement's customer, and the session's number.
    struct ToBill: Statement {
        static let sql = """
            SELECT a.customer_organisation_id, o.agreement_id, o.session_id, o.minutes, o.service_date::text AS service_date, o.year, s.number
            FROM overage_items o JOIN agreements a ON a.id = o.agreement_id LEFT JOIN support_sessions s ON s.id = o.session_id
            WHERE o.id = $1::uuid
            """
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BillableItems.NewItem {
            let (year, number) = (try r.value("year", as: Int32.self), try r.value("number", as: Int64?.self))
            return BillableItems.NewItem(
                kind: .supportOverage, customer: try r.value("customer_organisation_id"), agreementId: try r.value("agreement_id"),
                overageItemId: id, sessionId: try r.value("session_id"), serviceDate: try r.date("service_date"),
                description: "heures au-delà du quota \(year)" + (number.map { " (séance S-\(zeroPadded($0, width: 6)))" } ?? ""),
                minutes: Int(try r.value("minutes", as: Int32.self)))
        }
    }
}
