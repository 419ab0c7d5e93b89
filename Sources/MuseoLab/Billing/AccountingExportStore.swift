import Foundation
import PostgresNIO

/// How the accounting exports read the issued documents: one type per statement, rows decoded by
/// column name. The documents' lines are streamed (`SQLSession.stream`), never all held at once.
enum AccountingExportStore {
    /// The bindings of a period's first and last days.
    static func period(_ from: CalendarDate, _ to: CalendarDate) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(from.description)
        bindings.append(to.description)
        return bindings
    }

    /// The VAT treatments (rate, or exemption) of the lines of the documents issued in a period.
    struct Treatments: Statement {
        static let sql = """
            SELECT DISTINCT l.vat_rate_bp, l.vat_exemption FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
            WHERE i.status = 'issued' AND i.issue_date BETWEEN $1::text::date AND $2::text::date
            """
        var from: CalendarDate, to: CalendarDate
        func makeBindings() throws -> PostgresBindings { period(from, to) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> VATTreatment {
            let (rate, mention): (Int32?, String?) = (try r.value("vat_rate_bp"), try r.value("vat_exemption"))
            return rate.map { .rate(basisPoints: Int($0)) } ?? .exempt(mention: mention ?? "")
        }
    }

    /// One line of an issued document, with what its document states (repeated on each of its
    /// lines; the document's totals are the export's to sum).
    struct DocumentLine: Sendable {
        var document: AccountingExport.Document
        var netCents: Int
        var vat: VATTreatment
    }

    /// The lines of the documents issued in a period, document by document in chain order, each
    /// document's lines in their order; the customer's account is its own or one made from its id.
    struct DocumentLines: Statement {
        static let sql = """
            SELECT i.number, i.kind, i.issue_date::text AS issue_date, i.due_date::text AS due_date, i.chain_position,
                   i.buyer ->> 'name' AS buyer_name, i.buyer ->> 'siren' AS buyer_siren, i.buyer ->> 'siret' AS buyer_siret,
                   o.customer_account, o.id AS customer_id,
                   c.number AS corrects_number, l.net_cents, l.vat_rate_bp, l.vat_exemption
            FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id JOIN organisations o ON o.id = i.customer_organisation_id
            LEFT JOIN invoices c ON c.id = i.corrects_invoice_id
            WHERE i.status = 'issued' AND i.issue_date BETWEEN $1::text::date AND $2::text::date
            ORDER BY i.chain_position, l.position
            """
        var from: CalendarDate, to: CalendarDate
        func makeBindings() throws -> PostgresBindings { period(from, to) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> DocumentLine {
            let (rate, mention): (Int32?, String?) = (try r.value("vat_rate_bp"), try r.value("vat_exemption"))
            let document = AccountingExport.Document(
                number: try r.value("number"), kind: try r.value("kind", as: Invoice.Kind.self), issueDate: try r.date("issue_date"),
                dueDate: try r.date("due_date"), chainPosition: Int(try r.value("chain_position", as: Int64.self)),
                buyerName: try r.value("buyer_name"), buyerSiren: try r.value("buyer_siren"), buyerSiret: try r.value("buyer_siret"),
                customerAccount: Organisation.accountingAccount(set: try r.value("customer_account"), id: try r.value("customer_id")),
                correctsNumber: try r.value("corrects_number"), totals: DocumentTotals(lines: []))
            return DocumentLine(
                document: document, netCents: Int(try r.value("net_cents", as: Int64.self)),
                vat: rate.map { .rate(basisPoints: Int($0)) } ?? .exempt(mention: mention ?? ""))
        }
    }

    /// The SIREN of the seller the billing settings name (`NULL` when it has none; no row without settings).
    struct SellerSiren: Statement {
        static let sql = "SELECT o.siren FROM billing_settings s JOIN organisations o ON o.id = s.seller_organisation_id"
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String? { try r.value("siren") }
    }
}
