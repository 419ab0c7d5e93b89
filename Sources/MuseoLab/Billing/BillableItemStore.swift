import Foundation
import PostgresNIO

/// How billable items are read, recorded and priced: one type per statement, rows decoded by
/// column name.
enum BillableItemStore {
    /// An item's columns, as `item` reads them.
    static let columns = """
        b.id, b.kind, b.customer_organisation_id, b.agreement_id, b.room_booking_id, b.overage_item_id, b.session_id,
        b.service_date::text AS service_date, b.description, b.minutes, b.quantity, b.tariff_item_code, b.status,
        b.cancellation_reason, b.tariff_version_id, b.net_cents, b.priced_lines::text AS priced_lines
        """

    static func item(_ r: PostgresRandomAccessRow) throws -> BillableItem {
        BillableItem(
            id: try r.value("id"), kind: try r.value("kind"), customerOrganisationId: try r.value("customer_organisation_id"),
            agreementId: try r.value("agreement_id"), roomBookingId: try r.value("room_booking_id"), overageItemId: try r.value("overage_item_id"),
            sessionId: try r.value("session_id"), serviceDate: try r.date("service_date"), description: try r.value("description"),
            minutes: try r.value("minutes", as: Int32?.self).map(Int.init), quantity: Int(try r.value("quantity", as: Int32.self)),
            tariffItemCode: try r.value("tariff_item_code"), status: try r.value("status"), cancellationReason: try r.value("cancellation_reason"),
            tariffVersionId: try r.value("tariff_version_id"), netCents: try r.value("net_cents", as: Int64?.self).map(Int.init),
            lines: try r.value("priced_lines", as: String?.self).map { try JSONDecoder().decode([PricedLine].self, from: Data($0.utf8)) })
    }

    /// Items by customer, status and room booking (each optional), by service date.
    struct Listed: Statement {
        static let sql = """
            SELECT \(columns) FROM billable_items b
            WHERE ($1::uuid IS NULL OR b.customer_organisation_id = $1::uuid)
              AND ($2::text IS NULL OR b.status = $2::text)
              AND ($3::uuid IS NULL OR b.room_booking_id = $3::uuid)
            ORDER BY b.service_date, b.created_at, b.id
            """
        var customerId: UUID?, status: BillableItem.Status?, roomBookingId: UUID?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(customerId)
            bindings.append(status?.rawValue)
            bindings.append(roomBookingId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BillableItem { try item(r) }
    }

    /// The open items no invoice line holds (a draft's, or an issued document's).
    struct NotDrafted: Statement {
        static let sql = """
            SELECT \(columns) FROM billable_items b
            WHERE b.status = 'open' AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.billable_item_id = b.id)
            ORDER BY b.customer_organisation_id, b.service_date, b.created_at, b.id
            """
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BillableItem { try item(r) }
    }

    /// One item.
    struct Item: Statement {
        static let sql = "SELECT \(columns) FROM billable_items b WHERE b.id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BillableItem { try item(r) }
    }

    /// A new item, unpriced; answers its id.
    struct Recorded: Statement {
        static let sql = """
            INSERT INTO billable_items (kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id,
                                        service_date, description, minutes, quantity, tariff_item_code, machine_id)
            VALUES ($1::text, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7::text::date, $8::text, $9::integer, $10::integer,
                    $11::text, $12::uuid)
            RETURNING id
            """
        var item: BillableItems.NewItem
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(item.kind.rawValue)
            bindings.append(item.customer)
            bindings.append(item.agreementId)
            bindings.append(item.roomBookingId)
            bindings.append(item.overageItemId)
            bindings.append(item.sessionId)
            bindings.append(item.serviceDate.description)
            bindings.append(item.description)
            bindings.append(item.minutes.map(Int32.init))
            bindings.append(Int32(item.quantity))
            bindings.append(item.tariffItemCode)
            bindings.append(item.machineId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The open items of a room booking (of one kind, or all) cancelled, saying why.
    struct RoomBookingItemsCancelled: Statement {
        static let sql = """
            UPDATE billable_items SET status = 'cancelled', cancellation_reason = $2::text
            WHERE room_booking_id = $1::uuid AND status = 'open' AND ($3::text IS NULL OR kind = $3::text)
            """
        var roomBookingId: UUID, reason: String, kind: BillableItem.Kind?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(roomBookingId)
            bindings.append(reason)
            bindings.append(kind?.rawValue)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    // MARK: - Pricing


    /// Items of a booking or a session, recorded in one statement; answers their ids.
    struct RecordedAll: Statement {
        static let sql = """
            INSERT INTO billable_items (kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id,
                                        service_date, description, minutes, quantity, tariff_item_code, machine_id)
            SELECT i.kind, i.customer, i.agreement_id, i.room_booking_id, i.overage_item_id, i.session_id, i.service_date::date,
                   i.description, i.minutes, i.quantity, i.tariff_item_code, i.machine_id
            FROM jsonb_to_recordset($1::jsonb) AS i(kind text, customer uuid, agreement_id uuid, room_booking_id uuid, overage_item_id uuid,
                                                   session_id uuid, service_date text, description text, minutes integer, quantity integer,
                                                   tariff_item_code text, machine_id uuid)
            RETURNING id
            """
        var items: [BillableItems.NewItem]

        struct JSONRow: Encodable {
            var kind: String, customer: UUID, agreement_id: UUID?, room_booking_id: UUID?, overage_item_id: UUID?, session_id: UUID?
            var service_date: String, description: String, minutes: Int?, quantity: Int, tariff_item_code: String?, machine_id: UUID?
        }

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.appendJSON(items.map { item in
                JSONRow(kind: item.kind.rawValue, customer: item.customer, agreement_id: item.agreementId, room_booking_id: item.roomBookingId,
                    overage_item_id: item.overageItemId, session_id: item.sessionId, service_date: item.serviceDate.description,
                    description: item.description, minutes: item.minutes, quantity: item.quantity, tariff_item_code: item.tariffItemCode,
                    machine_id: item.machineId)
            })
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The open items no draft holds yet (some items, or every item from a date; each optional),
    /// with what prices them: the customer's tariff category, the booking's room, the machine's category.
    struct Repriceable: Statement {
        static let sql = """
            SELECT \(columns), o.tariff_category, r.code AS room_code, m.category AS machine_category
            FROM billable_items b JOIN organisations o ON o.id = b.customer_organisation_id
            LEFT JOIN room_bookings rb ON rb.id = b.room_booking_id LEFT JOIN rooms r ON r.id = rb.room_id
            LEFT JOIN machines m ON m.id = b.machine_id
            WHERE b.status = 'open' AND ($1::uuid[] IS NULL OR b.id = ANY($1::uuid[]))
              AND ($2::text IS NULL OR b.service_date >= $2::text::date)
              AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.billable_item_id = b.id)
            ORDER BY b.service_date, b.id
            """
        var ids: [UUID]?, from: CalendarDate?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(ids)
            bindings.append(from?.description)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (item: BillableItem, category: String, roomCode: String?, machineCategory: String?) {
            (try item(r), try r.value("tariff_category"), try r.value("room_code"), try r.value("machine_category"))
        }
    }

    /// Items' price snapshots, in one statement: the version that priced each, its net and its
    /// lines (all `NULL` while no grid can price it).
    struct PricedAll: Statement {
        static let sql = """
            UPDATE billable_items b SET tariff_version_id = p.tariff_version_id, net_cents = p.net_cents, priced_lines = p.priced_lines
            FROM jsonb_to_recordset($1::jsonb) AS p(id uuid, tariff_version_id uuid, net_cents bigint, priced_lines jsonb)
            WHERE b.id = p.id
            """
        var prices: [(id: UUID, lines: [PricedLine]?)]

        struct JSONRow: Encodable {
            var id: UUID, tariff_version_id: UUID?, net_cents: Int?, priced_lines: [PricedLine]?
        }

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.appendJSON(prices.map { price in
                JSONRow(id: price.id, tariff_version_id: price.lines?.first?.tariffVersionId, net_cents: price.lines.map { $0.reduce(0) { $0 + $1.netCents } },
                    priced_lines: price.lines)
            })
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// An agreement's customer and the tariff category it pays.
    struct CustomerOfAgreement: Statement {
        static let sql = """
            SELECT o.id, o.tariff_category FROM agreements a JOIN organisations o ON o.id = a.customer_organisation_id WHERE a.id = $1::uuid
            """
        var agreementId: UUID
        func makeBindings() throws -> PostgresBindings { .with(agreementId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (customerId: UUID, category: String) {
            (try r.value("id"), try r.value("tariff_category"))
        }
    }
}
