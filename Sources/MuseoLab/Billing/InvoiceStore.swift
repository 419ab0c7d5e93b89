import Foundation
import PostgresNIO

/// How invoices and credit notes are read: a batch of documents in two statements whatever
/// their number (their rows, with the billing settings and the live parties a draft shows;
/// then all their lines), decoded by column name, assembled by `InvoiceRecord.invoice`.
enum InvoiceStore {
    /// One document's row, as read: what it froze when issued, and what a draft shows live.
    struct InvoiceRecord: Sendable {
        var id: UUID
        var kind: Invoice.Kind
        var status: Invoice.Status
        var number: String?
        var customerOrganisationId: UUID
        var frozenSeller: String?
        var frozenBuyer: String?
        var periodStart: CalendarDate
        var periodEnd: CalendarDate
        var issueDate: CalendarDate?
        var dueDate: CalendarDate?
        var buyerServiceCode: String?
        var commitmentNumber: String?
        var correctsInvoiceId: UUID?
        var correctsNumber: String?
        var correctsIssueDate: CalendarDate?
        var creditReason: String?
        var reopensItems: Bool
        var chainPosition: Int?
        var previousFootprint: String?
        var footprint: String?
        var issuedAt: Date?
        var issuedBy: String?
        var files: IssuedFiles.Digests?
        /// The payment terms it froze, or `nil` for a draft.
        var frozenTerms: (days: Int, penaltyBp: Int, indemnityCents: Int, iban: String?, bic: String?)?
        /// Today's billing settings, for a draft (`nil` when they were never loaded).
        var settings: (days: Int, penaltyBp: Int, indemnityCents: Int, iban: String?, bic: String?, sellerVatId: String?)?
        var liveSeller: LiveParty?
        var liveBuyer: LiveParty?

        /// An organisation as it is now.
        struct LiveParty: Sendable {
            var name: String, legalForm: String?, address: String?, siren: String?, siret: String?, email: String?
            var isPublicBody: Bool, tariffCategory: String

            func party(vatId: String?) -> InvoiceParty {
                InvoiceParty(
                    name: name, legalForm: legalForm, address: address, siren: siren, siret: siret, vatId: vatId, email: email,
                    isPublicBody: isPublicBody, isProfessional: !["individual", "student"].contains(tariffCategory))
            }
        }

        /// The document: an issued one states what it froze; a draft, today's settings and parties.
        func invoice(lines: [Invoice.Line]) throws -> Invoice {
            guard let settings else { throw Problem.conflict("the billing settings are missing: the reference data was not loaded") }
            let terms = frozenTerms ?? (settings.days, settings.penaltyBp, settings.indemnityCents, settings.iban, settings.bic)
            let decoder = JSONDecoder()
            func party(_ frozen: String?, _ live: LiveParty?, vatId: String?) throws -> InvoiceParty {
                if let frozen { return try decoder.decode(InvoiceParty.self, from: Data(frozen.utf8)) }
                guard let live else { throw Problem.conflict("an organisation of this document is missing") }
                return live.party(vatId: vatId)
            }
            return Invoice(
                id: id, kind: kind, status: status, number: number, customerOrganisationId: customerOrganisationId,
                seller: try party(frozenSeller, liveSeller, vatId: settings.sellerVatId), buyer: try party(frozenBuyer, liveBuyer, vatId: nil),
                periodStart: periodStart, periodEnd: periodEnd, issueDate: issueDate, dueDate: dueDate, buyerServiceCode: buyerServiceCode,
                commitmentNumber: commitmentNumber, correctsInvoiceId: correctsInvoiceId, correctsNumber: correctsNumber,
                correctsIssueDate: correctsIssueDate, creditReason: creditReason, reopensItems: reopensItems, lines: lines, totals: DocumentTotals(lines: lines.map { ($0.netCents, $0.vat) }),
                paymentTermsDays: terms.days, latePenaltyRateBp: terms.penaltyBp, recoveryIndemnityCents: terms.indemnityCents,
                paymentIBAN: terms.iban, paymentBIC: terms.bic, chainPosition: chainPosition, previousFootprint: previousFootprint,
                footprint: footprint, issuedAt: issuedAt, issuedBy: issuedBy, files: files)
        }

        init(_ r: PostgresRandomAccessRow) throws {
            func day(_ column: String) throws -> CalendarDate? { try r.value(column, as: String?.self).flatMap(CalendarDate.init) }
            id = try r.value("id")
            kind = try r.value("kind", as: Invoice.Kind.self)
            status = try r.value("status", as: Invoice.Status.self)
            number = try r.value("number")
            customerOrganisationId = try r.value("customer_organisation_id")
            frozenSeller = try r.value("frozen_seller")
            frozenBuyer = try r.value("frozen_buyer")
            periodStart = try day("period_start")!
            periodEnd = try day("period_end")!
            issueDate = try day("issue_date")
            dueDate = try day("due_date")
            buyerServiceCode = try r.value("buyer_service_code")
            commitmentNumber = try r.value("commitment_number")
            correctsInvoiceId = try r.value("corrects_invoice_id")
            correctsNumber = try r.value("corrects_number")
            correctsIssueDate = try day("corrects_issue_date")
            creditReason = try r.value("credit_reason")
            reopensItems = try r.value("reopens_items")
            chainPosition = try r.value("chain_position", as: Int64?.self).map(Int.init)
            previousFootprint = try r.value("previous_footprint")
            footprint = try r.value("footprint")
            issuedAt = try r.value("issued_at")
            issuedBy = try r.value("issued_by")
            if let pdf = try r.value("pdf_sha256", as: String?.self) {
                files = IssuedFiles.Digests(pdf: pdf, cii: try r.value("cii_sha256"), ubl: try r.value("ubl_sha256"))
            }
            if let days = try r.value("frozen_terms_days", as: Int32?.self) {
                frozenTerms = (
                    Int(days), Int(try r.value("frozen_penalty_bp", as: Int32.self)), Int(try r.value("frozen_indemnity_cents", as: Int32.self)),
                    try r.value("frozen_iban"), try r.value("frozen_bic"))
            }
            if let days = try r.value("settings_terms_days", as: Int32?.self) {
                settings = (
                    Int(days), Int(try r.value("settings_penalty_bp", as: Int32.self)), Int(try r.value("settings_indemnity_cents", as: Int32.self)),
                    try r.value("settings_iban"), try r.value("settings_bic"), try r.value("settings_seller_vat_id"))
            }
            func live(_ prefix: String) throws -> LiveParty? {
                guard let name = try r.value("\(prefix)_name", as: String?.self) else { return nil }
                return LiveParty(
                    name: name, legalForm: try r.value("\(prefix)_legal_form"), address: try r.value("\(prefix)_address"),
                    siren: try r.value("\(prefix)_siren"), siret: try r.value("\(prefix)_siret"), email: try r.value("\(prefix)_email"),
                    isPublicBody: try r.value("\(prefix)_public_body"), tariffCategory: try r.value("\(prefix)_tariff_category"))
            }
            liveSeller = try live("seller")
            liveBuyer = try live("buyer")
        }
    }

    /// The columns and joins every document read shares; `where` chooses the documents.
    static func select(where condition: String, orderBy order: String) -> String {
        """
        SELECT i.id, i.kind, i.status, i.number, i.customer_organisation_id, i.seller::text AS frozen_seller, i.buyer::text AS frozen_buyer,
               i.period_start::text AS period_start, i.period_end::text AS period_end, i.issue_date::text AS issue_date,
               i.due_date::text AS due_date, i.buyer_service_code, i.commitment_number, i.corrects_invoice_id, c.number AS corrects_number,
               c.issue_date::text AS corrects_issue_date,
               i.credit_reason, i.reopens_items, i.chain_position, i.previous_footprint, i.footprint, i.issued_at, i.issued_by,
               i.payment_terms_days AS frozen_terms_days, i.late_penalty_rate_bp AS frozen_penalty_bp,
               i.recovery_indemnity_cents AS frozen_indemnity_cents, i.payment_iban AS frozen_iban, i.payment_bic AS frozen_bic,
               s.payment_terms_days AS settings_terms_days, s.late_penalty_rate_bp AS settings_penalty_bp,
               s.recovery_indemnity_cents AS settings_indemnity_cents, s.payment_iban AS settings_iban, s.payment_bic AS settings_bic,
               s.seller_vat_id AS settings_seller_vat_id,
               so.name AS seller_name, so.legal_form AS seller_legal_form, so.address AS seller_address, so.siren AS seller_siren,
               so.siret AS seller_siret, so.contact_email AS seller_email, so.is_public_body AS seller_public_body,
               so.tariff_category AS seller_tariff_category,
               b.name AS buyer_name, b.legal_form AS buyer_legal_form, b.address AS buyer_address, b.siren AS buyer_siren,
               b.siret AS buyer_siret, b.contact_email AS buyer_email, b.is_public_body AS buyer_public_body,
               b.tariff_category AS buyer_tariff_category, f.pdf_sha256, f.cii_sha256, f.ubl_sha256
        FROM invoices i
        LEFT JOIN invoices c ON c.id = i.corrects_invoice_id
        LEFT JOIN issued_files f ON f.invoice_id = i.id
        LEFT JOIN billing_settings s ON true
        LEFT JOIN organisations so ON so.id = s.seller_organisation_id
        LEFT JOIN organisations b ON b.id = i.customer_organisation_id
        WHERE \(condition)
        ORDER BY \(order)
        """
    }

    /// Documents by id.
    struct Documents: Statement {
        static let sql = select(where: "i.id = ANY($1::uuid[])", orderBy: "i.id")
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(ids)
            return bindings
        }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> InvoiceRecord { try InvoiceRecord(row) }
    }

    /// Documents by customer, status and kind (each optional), in chain order then drafts, 1,000 at most.
    struct Listed: Statement {
        static let sql = select(
            where: """
                ($1::uuid IS NULL OR i.customer_organisation_id = $1::uuid) AND ($2::text IS NULL OR i.status = $2::text)
                  AND ($3::text IS NULL OR i.kind = $3::text)
                """,
            orderBy: "i.chain_position NULLS LAST, i.created_at LIMIT 1000")
        var customerId: UUID?
        var status: Invoice.Status?
        var kind: Invoice.Kind?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(customerId)
            bindings.append(status?.rawValue)
            bindings.append(kind?.rawValue)
            return bindings
        }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> InvoiceRecord { try InvoiceRecord(row) }
    }

    /// The lines of some documents, by document and position.
    struct Lines: Statement {
        static let sql = """
            SELECT invoice_id, id, position, description, service_date::text AS service_date, quantity_milli, unit, unit_price_cents,
                   net_cents, vat_rate_bp, vat_exemption, tariff_version_id, tariff_item_code, billable_item_id, corrects_line_id,
                   EXISTS (SELECT 1 FROM tariff_items t WHERE t.version_id = l.tariff_version_id AND t.code = l.tariff_item_code
                                                          AND t.applies_to = 'consumable') AS goods
            FROM invoice_lines l WHERE invoice_id = ANY($1::uuid[]) ORDER BY invoice_id, position
            """
        var invoiceIds: [UUID]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(invoiceIds)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (invoiceId: UUID, line: Invoice.Line) {
            let rate = try r.value("vat_rate_bp", as: Int32?.self)
            let exemption = try r.value("vat_exemption", as: String?.self) ?? ""
            return (try r.value("invoice_id"), Invoice.Line(
                id: try r.value("id"), position: Int(try r.value("position", as: Int32.self)), description: try r.value("description"),
                serviceDate: try r.date("service_date"), quantityMilli: Int(try r.value("quantity_milli", as: Int64.self)),
                unit: try r.value("unit", as: TariffItem.Unit.self), unitPriceCents: Int(try r.value("unit_price_cents", as: Int64.self)),
                netCents: Int(try r.value("net_cents", as: Int64.self)),
                vat: rate.map { .rate(basisPoints: Int($0)) } ?? .exempt(mention: exemption),
                tariffVersionId: try r.value("tariff_version_id"), tariffItemCode: try r.value("tariff_item_code"),
                billableItemId: try r.value("billable_item_id"), correctsLineId: try r.value("corrects_line_id"), isGoods: try r.value("goods")))
        }
    }

    /// A document's lines, in the order given, in one statement (positions from 1).
    struct InsertLines: Statement {
        static let sql = """
            INSERT INTO invoice_lines (invoice_id, position, billable_item_id, corrects_line_id, description, service_date, quantity_milli, unit,
                                       unit_price_cents, net_cents, vat_rate_bp, vat_exemption, tariff_version_id, tariff_item_code)
            SELECT $1::uuid, l.position, l.billable_item_id, l.corrects_line_id, l.description, l.service_date, l.quantity_milli, l.unit,
                   l.unit_price_cents, l.net_cents, l.vat_rate_bp, l.vat_exemption, l.tariff_version_id, l.tariff_item_code
            FROM jsonb_to_recordset($2::jsonb) AS l(position integer, billable_item_id uuid, corrects_line_id uuid, description text,
                 service_date date, quantity_milli bigint, unit text, unit_price_cents bigint, net_cents bigint, vat_rate_bp integer,
                 vat_exemption text, tariff_version_id uuid, tariff_item_code text)
            RETURNING id
            """
        var invoiceId: UUID
        var lines: [InvoiceRules.NewLine]

        /// The lines as the JSON `jsonb_to_recordset` reads (absent keys are NULL).
        struct JSONLine: Encodable {
            var position: Int, description: String, service_date: String, quantity_milli: Int, unit: String
            var unit_price_cents: Int, net_cents: Int, vat_rate_bp: Int?, vat_exemption: String?
            var tariff_version_id: UUID?, tariff_item_code: String?, billable_item_id: UUID?, corrects_line_id: UUID?
        }

        func makeBindings() throws -> PostgresBindings {
            let rows = lines.enumerated().map { index, line in
                let rate: Int? = if case .rate(let bp) = line.vat { bp } else { nil }
                let mention: String? = if case .exempt(let text) = line.vat { text } else { nil }
                return JSONLine(
                    position: index + 1, description: line.description, service_date: line.serviceDate.description, quantity_milli: line.quantityMilli,
                    unit: line.unit.rawValue, unit_price_cents: line.unitPriceCents, net_cents: line.netCents, vat_rate_bp: rate, vat_exemption: mention,
                    tariff_version_id: line.tariffVersionId, tariff_item_code: line.tariffItemCode, billable_item_id: line.billableItemId,
                    corrects_line_id: line.correctsLineId)
            }
            var bindings = PostgresBindings()
            bindings.append(invoiceId)
            try bindings.appendJSON(rows)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// What earlier credit notes of an invoice (issued or drafted) took back, by line.
    struct Credited: Statement {
        static let sql = """
            SELECT l.corrects_line_id AS line_id, sum(l.net_cents)::bigint AS cents FROM invoice_lines l JOIN invoices c ON c.id = l.invoice_id
            WHERE c.corrects_invoice_id = $1::uuid AND c.status <> 'discarded' GROUP BY 1
            """
        var invoiceId: UUID
        func makeBindings() throws -> PostgresBindings { .with(invoiceId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (line: UUID, cents: Int) { (try r.value("line_id"), Int(try r.value("cents", as: Int64.self))) }
    }

    /// Locks a document until the transaction ends; answers whether it exists.
    struct Lock: Statement {
        static let sql = "SELECT true AS found FROM invoices WHERE id = $1::uuid FOR UPDATE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("found") }
    }

    /// The next number of a counter, locked until the transaction ends (the counter is created at 1).
    struct NextNumber: Statement {
        static let sql = """
            INSERT INTO document_counters AS c (series, last_number) VALUES ($1::text, 1)
            ON CONFLICT (series) DO UPDATE SET last_number = c.last_number + 1
            RETURNING last_number
            """
        var series: String
        func makeBindings() throws -> PostgresBindings { .with(series) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int64 { try r.value("last_number") }
    }

    /// The footprint of the document at a place in the chain.
    struct FootprintAt: Statement {
        static let sql = "SELECT footprint FROM invoices WHERE chain_position = $1::bigint"
        var position: Int64
        func makeBindings() throws -> PostgresBindings { .with(position) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { try r.value("footprint") }
    }

    /// A draft becomes the issued document: its number, dates, frozen parties, totals and terms, and its footprint.
    struct Issue: Statement {
        static let sql = """
            UPDATE invoices SET status = 'issued', series = $2::text, sequence_number = $3::bigint, number = $4::text,
                issue_date = $5::text::date, due_date = $6::text::date, seller = $7::jsonb, buyer = $8::jsonb,
                total_net_cents = $9::bigint, total_vat_cents = $10::bigint, total_gross_cents = $11::bigint,
                chain_position = $12::bigint, previous_footprint = $13::text,
                payment_terms_days = $14::integer, late_penalty_rate_bp = $15::integer, recovery_indemnity_cents = $16::integer,
                payment_iban = $17::text, payment_bic = $18::text, footprint = $19::text, issued_at = now(), issued_by = $20::text
            WHERE id = $1::uuid AND status = 'draft'
            RETURNING id
            """
        var invoice: Invoice
        var series: String
        var sequence: Int64
        var issuedBy: String
        func makeBindings() throws -> PostgresBindings {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var bindings = PostgresBindings()
            bindings.append(invoice.id)
            bindings.append(series)
            bindings.append(sequence)
            bindings.append(invoice.number)
            bindings.append(invoice.issueDate?.description)
            bindings.append(invoice.dueDate?.description)
            bindings.append(String(decoding: try encoder.encode(invoice.seller), as: UTF8.self))
            bindings.append(String(decoding: try encoder.encode(invoice.buyer), as: UTF8.self))
            bindings.append(Int64(invoice.totals.netCents))
            bindings.append(Int64(invoice.totals.vatCents))
            bindings.append(Int64(invoice.totals.grossCents))
            bindings.append(invoice.chainPosition.map(Int64.init))
            bindings.append(invoice.previousFootprint)
            bindings.append(Int32(invoice.paymentTermsDays))
            bindings.append(Int32(invoice.latePenaltyRateBp))
            bindings.append(Int32(invoice.recoveryIndemnityCents))
            bindings.append(invoice.paymentIBAN)
            bindings.append(invoice.paymentBIC)
            bindings.append(invoice.footprint)
            bindings.append(issuedBy)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The files of a document issued, kept with it (their digests are checked by the table).
    struct InsertFiles: Statement {
        static let sql = """
            INSERT INTO issued_files (invoice_id, pdf, cii, ubl, pdf_sha256, cii_sha256, ubl_sha256)
            VALUES ($1::uuid, $2::bytea, $3::text, $4::text, $5::text, $6::text, $7::text)
            """
        var invoiceId: UUID
        var files: IssuedFiles
        func makeBindings() throws -> PostgresBindings {
            let digests = files.digests
            var bindings = PostgresBindings()
            bindings.append(invoiceId)
            bindings.append(ByteBuffer(bytes: files.pdf))
            bindings.append(files.cii)
            bindings.append(files.ubl)
            bindings.append(digests.pdf)
            bindings.append(digests.cii)
            bindings.append(digests.ubl)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// One file of an issued document, as kept.
    struct File: Statement {
        static let sql = """
            SELECT CASE $2::text WHEN 'pdf' THEN pdf ELSE convert_to(CASE $2::text WHEN 'cii' THEN cii ELSE ubl END, 'UTF8') END AS bytes
            FROM issued_files WHERE invoice_id = $1::uuid
            """
        var invoiceId: UUID
        var kind: IssuedFiles.Kind
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(invoiceId)
            bindings.append(kind.rawValue)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Data {
            var buffer = try r.value("bytes", as: ByteBuffer.self)
            return buffer.readData(length: buffer.readableBytes) ?? Data()
        }
    }

    /// The Chorus Pro service code an organisation is invoiced under by default, if the organisation exists.
    struct CustomerForDraft: Statement {
        static let sql = "SELECT name, is_public_body, siret, chorus_service_code FROM organisations WHERE id = $1::uuid"
        var customerId: UUID
        func makeBindings() throws -> PostgresBindings { .with(customerId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (name: String, isPublicBody: Bool, siret: String?, serviceCode: String?) {
            (try r.value("name"), try r.value("is_public_body"), try r.value("siret"), try r.value("chorus_service_code"))
        }
    }

    /// A customer's open items of a period (service dates included) that no invoice line holds, by service date, locked until the transaction ends.
    struct OpenItems: Statement {
        static let sql = """
            SELECT \(BillableItemStore.columns) FROM billable_items b
            WHERE b.customer_organisation_id = $1::uuid AND b.status = 'open'
              AND b.service_date BETWEEN $2::text::date AND $3::text::date
              AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.billable_item_id = b.id)
            ORDER BY b.service_date, b.created_at, b.id
            FOR UPDATE
            """
        var customerId: UUID, from: CalendarDate, to: CalendarDate
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(customerId)
            bindings.append(from.description)
            bindings.append(to.description)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BillableItem { try BillableItemStore.item(r) }
    }

    /// A draft invoice of a customer's period, without its lines; answers its id.
    struct NewDraft: Statement {
        static let sql = """
            INSERT INTO invoices (kind, customer_organisation_id, period_start, period_end, buyer_service_code, commitment_number)
            VALUES ('invoice', $1::uuid, $2::text::date, $3::text::date, $4::text, $5::text)
            RETURNING id
            """
        var customerId: UUID, from: CalendarDate, to: CalendarDate, serviceCode: String?, commitmentNumber: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(customerId)
            bindings.append(from.description)
            bindings.append(to.description)
            bindings.append(serviceCode)
            bindings.append(commitmentNumber)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A draft credit note correcting an invoice, with the invoice's customer, period and references, without its lines; answers its id.
    struct NewCreditNote: Statement {
        static let sql = """
            INSERT INTO invoices (kind, customer_organisation_id, period_start, period_end, buyer_service_code, commitment_number,
                                  corrects_invoice_id, credit_reason, reopens_items)
            VALUES ('credit_note', $1::uuid, $2::text::date, $3::text::date, $4::text, $5::text, $6::uuid, $7::text, $8::boolean)
            RETURNING id
            """
        var original: Invoice, reason: String, reopensItems: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(original.customerOrganisationId)
            bindings.append(original.periodStart.description)
            bindings.append(original.periodEnd.description)
            bindings.append(original.buyerServiceCode)
            bindings.append(original.commitmentNumber)
            bindings.append(original.id)
            bindings.append(reason)
            bindings.append(reopensItems)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A document's status, the document locked until the transaction ends (none when it does not exist).
    struct LockedStatus: Statement {
        static let sql = "SELECT status FROM invoices WHERE id = $1::uuid FOR UPDATE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Invoice.Status { try r.value("status", as: Invoice.Status.self) }
    }

    /// A discarded draft's lines let go of their items (kept as released), so that the items can be drafted again.
    struct ReleaseItems: Statement {
        static let sql = "UPDATE invoice_lines SET released_item_id = billable_item_id, billable_item_id = NULL WHERE invoice_id = $1::uuid"
        var invoiceId: UUID
        func makeBindings() throws -> PostgresBindings { .with(invoiceId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A draft marked discarded.
    struct Discard: Statement {
        static let sql = "UPDATE invoices SET status = 'discarded' WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// Whether a document exists.
    struct Exists: IdExists {
        static let table = "invoices"
        var id: UUID
    }

    /// The id of the document of a number (`F2026-000001`).
    struct Numbered: Statement {
        static let sql = "SELECT id FROM invoices WHERE number = $1::text"
        var number: String
        func makeBindings() throws -> PostgresBindings { .with(number) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The issued documents in chain order: id, place in the chain, number, and whether its files
    /// (if it has any) still hash to the digests its footprint sealed.
    struct Chain: Statement {
        static let sql = """
            SELECT i.id, i.chain_position, i.number,
                   f.invoice_id IS NULL OR (f.pdf_sha256 = encode(sha256(f.pdf), 'hex')
                                            AND f.cii_sha256 = encode(sha256(convert_to(f.cii, 'UTF8')), 'hex')
                                            AND f.ubl_sha256 = encode(sha256(convert_to(f.ubl, 'UTF8')), 'hex')) AS files_intact
            FROM invoices i LEFT JOIN issued_files f ON f.invoice_id = i.id
            WHERE i.status = 'issued' ORDER BY i.chain_position
            """
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, position: Int64, number: String, filesIntact: Bool) {
            (try r.value("id"), try r.value("chain_position"), try r.value("number"), try r.value("files_intact"))
        }
    }

    /// Documents by id, in the order asked: two statements, however many.
    static func load(_ ids: [UUID], _ session: SQLSession) async throws -> [Invoice] {
        guard !ids.isEmpty else { return [] }
        let records = try await session.run(Documents(ids: ids))
        let byId = try await assemble(records, session)
        return ids.compactMap { byId[$0] }
    }

    /// The documents a filter selects, in their order: two statements.
    static func list(customerId: UUID?, status: Invoice.Status?, kind: Invoice.Kind?, _ session: SQLSession) async throws -> [Invoice] {
        let records = try await session.run(Listed(customerId: customerId, status: status, kind: kind))
        let byId = try await assemble(records, session)
        return records.compactMap { byId[$0.id] }
    }

    private static func assemble(_ records: [InvoiceRecord], _ session: SQLSession) async throws -> [UUID: Invoice] {
        guard !records.isEmpty else { return [:] }
        let lines = Dictionary(grouping: try await session.run(Lines(invoiceIds: records.map(\.id))), by: \.invoiceId)
        return try Dictionary(uniqueKeysWithValues: records.map { ($0.id, try $0.invoice(lines: lines[$0.id]?.map(\.line) ?? [])) })
    }
}
