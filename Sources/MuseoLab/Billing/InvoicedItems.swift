import Foundation
import PostgresNIO

/// What an issued document does to billable items: an invoice's items are invoiced, once; a
/// full credit note that reopens them puts its invoice's items back as new items, to invoice
/// again (the originals stay invoiced).
struct InvoicedItems: DomainEventSubscriber {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        guard case .invoiceIssued(let document) = event else { return }
        let items = document.lines.compactMap(\.billableItemId)
        if !items.isEmpty { _ = try await context.session.run(Invoiced(ids: items)) }
        if document.reopensItems, let original = document.correctsInvoiceId, let number = document.number {
            let reopened = try await context.session.run(Reopened(invoiceId: original, creditNote: number))
            if !reopened.isEmpty { try await Pricing.snapshot(items: reopened, context.session) }
        }
    }

    /// The items an issued invoice's lines invoice.
    struct Invoiced: Statement {
        static let sql = "UPDATE billable_items SET status = 'invoiced' WHERE id = ANY($1::uuid[]) RETURNING id"
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The items of a credited invoice, as new items saying which credit note reopened them.
    struct Reopened: Statement {
        static let sql = """
            INSERT INTO billable_items (kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id,
                                        service_date, description, minutes, quantity, tariff_item_code, machine_id, reopened_from)
            SELECT b.kind, b.customer_organisation_id, b.agreement_id, b.room_booking_id, b.overage_item_id, b.session_id, b.service_date,
                   b.description || ' (à refacturer : avoir ' || $2::text || ' sur ' || i.number || ')', b.minutes, b.quantity,
                   b.tariff_item_code, b.machine_id, b.id
            FROM billable_items b JOIN invoice_lines l ON l.billable_item_id = b.id JOIN invoices i ON i.id = l.invoice_id
            WHERE l.invoice_id = $1::uuid
            GROUP BY b.id, i.number
            RETURNING id
            """
        var invoiceId: UUID
        var creditNote: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(invoiceId)
            bindings.append(creditNote)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
