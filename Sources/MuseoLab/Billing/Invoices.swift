import Foundation
import PostgresNIO

/// Invoices and credit notes: drafted from the open billable items of a customer and a
/// period, priced by the grid in force on each service date, then issued with the next
/// number of their series from a locked counter, in one transaction, and never changed.
public struct Invoices: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    // MARK: - Drafts

    /// A billing period: `2026-11` (a month), `2026` (a year), or `2026-11-01..2026-11-15`.
    public static func period(_ text: String, field: String = "period") throws -> (from: CalendarDate, to: CalendarDate) {
        let text = text.trimmingCharacters(in: .whitespaces)
        let parts = text.components(separatedBy: "..")
        if parts.count == 2, let from = CalendarDate(parts[0]), let to = CalendarDate(parts[1]) {
            guard to >= from else { throw Problem(.endNotAfterStart, "the period ends on or after its first day", field: field) }
            return (from, to)
        }
        let numbers = text.split(separator: "-", omittingEmptySubsequences: false)
        if numbers.count == 1, text.count == 4, let year = Int(text), let from = CalendarDate(year: year, month: 1, day: 1),
            let to = CalendarDate(year: year, month: 12, day: 31)
        {
            return (from, to)
        }
        if numbers.count == 2, numbers[0].count == 4, numbers[1].count == 2, let year = Int(numbers[0]), let month = Int(numbers[1]),
            let from = CalendarDate(year: year, month: month, day: 1)
        {
            let last = (28...31).last { CalendarDate(year: year, month: month, day: $0) != nil }!
            return (from, CalendarDate(year: year, month: month, day: last)!)
        }
        throw Problem.invalid(field, "\"\(text)\" is not a period: a month 2026-11, a year 2026, or 2026-11-01..2026-11-15")
    }

    /// The period of a draft, given either as a `period` or as `from` and `to`.
    public static func period(_ period: String?, from: CalendarDate?, to: CalendarDate?) throws -> (from: CalendarDate, to: CalendarDate) {
        switch (period, from, to) {
        case (let period?, nil, nil): return try Self.period(period)
        case (nil, let first?, let last?): return (first, last)
        case (nil, nil, nil): throw Problem.invalid("period", "give the period (2026-11, 2026) or from and to")
        case (nil, _, _): throw Problem.invalid(from == nil ? "from" : "to", "give both from and to")
        default: throw Problem.invalid("period", "give either the period or from and to, not both")
        }
    }

    /// The amounts a credit note takes from the lines of the invoice it corrects, by line: each
    /// line once (`lines[i].lineId` names the one given twice).
    public static func creditedAmounts(_ lines: [(lineId: UUID, amountCents: Int)]) throws -> [UUID: Int] {
        var amounts: [UUID: Int] = [:]
        for (index, line) in lines.enumerated() {
            guard amounts[line.lineId] == nil else { throw Problem.invalid("lines[\(index)].lineId", "a line is credited once per credit note") }
            amounts[line.lineId] = line.amountCents
        }
        return amounts
    }

    /// A draft from the customer's open billable items of the period (service dates included).
    public func draft(
        customerId: UUID, from: CalendarDate, to: CalendarDate, serviceCode: String?, commitmentNumber: String?, by actor: Actor
    ) async throws -> Invoice {
        try actor.require(.manageBilling, "draft invoices")
        guard to >= from else { throw Problem(.endNotAfterStart, "the period ends on or after its first day", field: "to") }
        let serviceCode = try Validate.optionalText(serviceCode, field: "buyerServiceCode", maxLength: 100)
        let commitment = try Validate.optionalText(commitmentNumber, field: "commitmentNumber", maxLength: 50)
        return try await database.write(as: actor, action: "invoice.draft") { session in
            guard let customer = try await session.first(
                "SELECT tariff_category, chorus_service_code FROM organisations WHERE id = \(customerId)")
            else { throw Problem.invalid("customerId", "no organisation has the id \(customerId)") }
            let defaultServiceCode = try customer.decode((String, String?).self).1
            let items = try await session.rows(
                """
                SELECT \(unescaped: BillableItems.columns) FROM billable_items b
                WHERE customer_organisation_id = \(customerId) AND status = 'open'
                  AND service_date BETWEEN \(from.description)::date AND \(to.description)::date
                  AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.billable_item_id = b.id)
                ORDER BY service_date, created_at, id
                FOR UPDATE
                """
            ).map(BillableItems.item)
            guard !items.isEmpty else {
                throw Problem(.conflict, "nothing to invoice: no open billable item for this customer from \(from) to \(to)")
            }
            var lines: [(item: UUID, line: PricedLine)] = []
            for item in items {
                // The price snapshotted when the item was recorded, or, when no grid was in force then, today's.
                var priced = item.lines
                if priced == nil { priced = try await Pricing.price(item, session) }
                guard let priced else {
                    throw Problem(.conflict, "no tariff grid is in force on \(item.serviceDate): load a grid version effective on or before that day", field: "tariffs")
                }
                lines += priced.map { (item.id, $0) }
            }
            let id = try await session.first(
                """
                INSERT INTO invoices (kind, customer_organisation_id, period_start, period_end, buyer_service_code, commitment_number)
                VALUES ('invoice', \(customerId), \(from.description)::date, \(to.description)::date, \(serviceCode ?? defaultServiceCode), \(commitment))
                RETURNING id
                """)!.decode(UUID.self)
            for (position, entry) in lines.enumerated() {
                try await Self.insertLine(id, position: position + 1, entry.line, billableItem: entry.item, correcting: nil, session)
            }
            return try await Self.load(id, session)
        }
    }

    /// A draft credit note correcting an issued invoice: in full, or the given amounts of some lines.
    /// A full credit note can also reopen the items it credits: once issued, they come back as
    /// new items to invoice again.
    public func creditNote(
        correcting invoiceId: UUID, reason: String, amounts: [UUID: Int]?, reopenItems: Bool = false, by actor: Actor
    ) async throws -> Invoice {
        try actor.require(.manageBilling, "issue credit notes")
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        if reopenItems && amounts != nil {
            throw Problem.invalid("reopenItems", "items are put back to invoice again by a full credit note only")
        }
        return try await database.write(as: actor, action: "credit-note.draft") { session in
            guard try await session.first("SELECT 1 FROM invoices WHERE id = \(invoiceId) FOR UPDATE") != nil else { throw Problem.notFound("invoice") }
            let original = try await Self.load(invoiceId, session)
            guard original.kind == .invoice, original.status == .issued else {
                throw Problem(.invalidTransition, "a credit note corrects an issued invoice")
            }
            // What earlier credit notes (issued or drafted) already took back, line by line.
            var credited: [UUID: Int] = [:]
            for row in try await session.rows(
                """
                SELECT l.corrects_line_id, sum(l.net_cents)::bigint FROM invoice_lines l JOIN invoices c ON c.id = l.invoice_id
                WHERE c.corrects_invoice_id = \(invoiceId) AND c.status <> 'discarded' GROUP BY 1
                """)
            {
                let (line, cents) = try row.decode((UUID, Int64).self)
                credited[line] = Int(cents)
            }
            var lines: [(PricedLine, Invoice.Line)] = []
            for line in original.lines {
                let left = line.netCents - (credited[line.id] ?? 0)
                if let amounts {
                    guard let amount = amounts[line.id] else { continue }
                    guard amount > 0, amount <= left else {
                        throw Problem.invalid("lines", "line \(line.position): between 0,01 and \(Money.decimal(left)) € can still be credited")
                    }
                    lines.append((PricedLine(
                        description: "Avoir : \(line.description)", serviceDate: line.serviceDate, quantityMilli: 1000, unit: .unit,
                        unitPriceCents: amount, netCents: amount, vat: line.vat, tariffVersionId: line.tariffVersionId ?? UUID(),
                        tariffItemCode: line.tariffItemCode ?? ""), line))
                } else if left > 0 {
                    let whole = left == line.netCents
                    lines.append((PricedLine(
                        description: "Avoir : \(line.description)", serviceDate: line.serviceDate,
                        quantityMilli: whole ? line.quantityMilli : 1000, unit: whole ? line.unit : .unit,
                        unitPriceCents: whole ? line.unitPriceCents : left, netCents: left, vat: line.vat,
                        tariffVersionId: line.tariffVersionId ?? UUID(), tariffItemCode: line.tariffItemCode ?? ""), line))
                }
            }
            if let amounts, let unknown = amounts.keys.first(where: { id in !original.lines.contains { $0.id == id } }) {
                throw Problem.invalid("lines", "\(unknown) is not a line of \(original.number ?? "the invoice")")
            }
            guard !lines.isEmpty else { throw Problem.conflict("this invoice is already fully credited") }
            let id = try await session.first(
                """
                INSERT INTO invoices (kind, customer_organisation_id, period_start, period_end, buyer_service_code, commitment_number,
                                      corrects_invoice_id, credit_reason, reopens_items)
                VALUES ('credit_note', \(original.customerOrganisationId), \(original.periodStart.description)::date, \(original.periodEnd.description)::date,
                        \(original.buyerServiceCode), \(original.commitmentNumber), \(invoiceId), \(reason), \(reopenItems))
                RETURNING id
                """)!.decode(UUID.self)
            for (position, entry) in lines.enumerated() {
                try await Self.insertLine(id, position: position + 1, entry.0, billableItem: nil, correcting: entry.1.id,
                                          versionId: entry.1.tariffVersionId, code: entry.1.tariffItemCode, session)
            }
            return try await Self.load(id, session)
        }
    }

    /// A draft is abandoned: its items can be drafted again. Nothing is deleted.
    public func discard(_ id: UUID, by actor: Actor) async throws -> Invoice {
        try actor.require(.manageBilling, "discard drafts")
        return try await database.write(as: actor, action: "invoice.discard") { session in
            guard let row = try await session.first("SELECT status FROM invoices WHERE id = \(id) FOR UPDATE") else { throw Problem.notFound("invoice") }
            guard try row.decode(String.self) == "draft" else { throw Problem(.invalidTransition, "only a draft can be discarded; an issued document is corrected by a credit note") }
            try await session.execute("UPDATE invoice_lines SET released_item_id = billable_item_id, billable_item_id = NULL WHERE invoice_id = \(id)")
            try await session.execute("UPDATE invoices SET status = 'discarded' WHERE id = \(id)")
            return try await Self.load(id, session)
        }
    }

    // MARK: - Issuing

    /// Gives the draft the next number of its series (F2026-000001, A2026-000001 for credit
    /// notes) from a counter locked in this transaction: no gap, no duplicate. Freezes the
    /// parties, the totals and the footprint; locks the tariff versions used; the items are invoiced.
    public func issue(_ id: UUID, on date: CalendarDate? = nil, by actor: Actor) async throws -> Invoice {
        try actor.require(.manageBilling, "issue invoices")
        let issueDate = date ?? ParisClock.date(of: now())
        return try await database.write(as: actor, action: "invoice.issue") { session in
            guard try await session.first("SELECT 1 FROM invoices WHERE id = \(id) FOR UPDATE") != nil else { throw Problem.notFound("invoice") }
            var invoice = try await Self.load(id, session)
            guard invoice.status == .draft else { throw Problem(.invalidTransition, "this document is \(invoice.status.rawValue): only a draft is issued") }
            guard !invoice.lines.isEmpty else { throw Problem(.conflict, "an invoice has at least one line") }
            if invoice.buyer.isPublicBody {
                guard invoice.buyer.siret != nil else {
                    throw Problem(
                        .conflict, "\(invoice.buyer.name) is a public body: Chorus Pro needs its SIRET; set it on the organisation", field: "siret")
                }
            }
            let series = (invoice.kind == .invoice ? "F" : "A") + String(issueDate.year)
            let sequence = try await Self.next(series, session)
            let position = try await Self.next("CHAIN", session)
            let previous = position == 1 ? Footprint.genesis : try await session.first(
                "SELECT footprint FROM invoices WHERE chain_position = \(position - 1)")!.decode(String.self)
            invoice.number = "\(series)-\(String(format: "%06d", sequence))"
            invoice.issueDate = issueDate
            invoice.dueDate = issueDate.adding(days: invoice.paymentTermsDays)
            invoice.chainPosition = Int(position)
            invoice.previousFootprint = previous
            let footprint = Footprint.compute(invoice, previous: previous)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try await session.execute(
                """
                UPDATE invoices SET status = 'issued', series = \(series), sequence_number = \(sequence), number = \(invoice.number!),
                    issue_date = \(issueDate.description)::date, due_date = \(invoice.dueDate!.description)::date,
                    seller = \(String(decoding: try encoder.encode(invoice.seller), as: UTF8.self))::jsonb,
                    buyer = \(String(decoding: try encoder.encode(invoice.buyer), as: UTF8.self))::jsonb,
                    total_net_cents = \(invoice.totals.netCents), total_vat_cents = \(invoice.totals.vatCents),
                    total_gross_cents = \(invoice.totals.grossCents), chain_position = \(position), previous_footprint = \(previous),
                    payment_terms_days = \(invoice.paymentTermsDays), late_penalty_rate_bp = \(invoice.latePenaltyRateBp),
                    recovery_indemnity_cents = \(invoice.recoveryIndemnityCents), payment_iban = \(invoice.paymentIBAN), payment_bic = \(invoice.paymentBIC),
                    footprint = \(footprint), issued_at = now(), issued_by = \(actor.label)
                WHERE id = \(id)
                """)
            try await session.execute(
                """
                UPDATE tariff_versions SET locked_at = coalesce(locked_at, now())
                WHERE id IN (SELECT tariff_version_id FROM invoice_lines WHERE invoice_id = \(id)) AND locked_at IS NULL
                """)
            try await session.execute(
                "UPDATE billable_items SET status = 'invoiced' WHERE id IN (SELECT billable_item_id FROM invoice_lines WHERE invoice_id = \(id))")
            if invoice.reopensItems, let original = invoice.correctsInvoiceId {
                try await Self.reopenItems(of: original, after: invoice.number!, session)
            }
            return try await Self.load(id, session)
        }
    }

    /// The items of a credited invoice come back as new items, to be invoiced again; the
    /// originals stay invoiced, once.
    static func reopenItems(of invoiceId: UUID, after creditNote: String, _ session: SQLSession) async throws {
        let reopened = try await session.rows(
            """
            INSERT INTO billable_items (kind, customer_organisation_id, agreement_id, room_booking_id, overage_item_id, session_id,
                                        service_date, description, minutes, quantity, tariff_item_code, machine_id, reopened_from)
            SELECT b.kind, b.customer_organisation_id, b.agreement_id, b.room_booking_id, b.overage_item_id, b.session_id, b.service_date,
                   b.description || ' (à refacturer : avoir ' || \(creditNote) || ' sur ' || i.number || ')', b.minutes, b.quantity,
                   b.tariff_item_code, b.machine_id, b.id
            FROM billable_items b JOIN invoice_lines l ON l.billable_item_id = b.id JOIN invoices i ON i.id = l.invoice_id
            WHERE l.invoice_id = \(invoiceId)
            GROUP BY b.id, i.number
            RETURNING id
            """
        ).map { try $0.decode(UUID.self) }
        for item in reopened { try await Pricing.snapshot(item: item, session) }
    }

    /// The next number of a counter, locked until the transaction ends.
    static func next(_ series: String, _ session: SQLSession) async throws -> Int64 {
        try await session.execute("INSERT INTO document_counters (series, last_number) VALUES (\(series), 0) ON CONFLICT (series) DO NOTHING")
        return try await session.first(
            "UPDATE document_counters SET last_number = last_number + 1 WHERE series = \(series) RETURNING last_number")!.decode(Int64.self)
    }

    // MARK: - Reading

    public func get(_ id: UUID, by actor: Actor) async throws -> Invoice {
        try actor.require(.viewBilling, "see invoices")
        return try await database.read { session in
            guard try await session.first("SELECT 1 FROM invoices WHERE id = \(id)") != nil else { throw Problem.notFound("invoice") }
            return try await Self.load(id, session)
        }
    }

    /// By id or number (`F2026-000001`).
    public func find(_ reference: String, by actor: Actor) async throws -> Invoice {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        try actor.require(.viewBilling, "see invoices")
        guard let id = try await database.read({ try await $0.first("SELECT id FROM invoices WHERE number = \(reference.uppercased())")?.decode(UUID.self) })
        else { throw Problem.notFound("invoice \(reference)") }
        return try await get(id, by: actor)
    }

    /// At most 1,000 documents, in two statements (`InvoiceStore`).
    public func list(customerId: UUID?, status: Invoice.Status?, kind: Invoice.Kind?, by actor: Actor) async throws -> [Invoice] {
        try actor.require(.viewBilling, "see invoices")
        return try await database.read { session in
            try await InvoiceStore.list(customerId: customerId, status: status, kind: kind, session)
        }
    }

    /// Recomputes every footprint along the chain from what is stored.
    public func verifyChain(by actor: Actor) async throws -> ChainVerification {
        try actor.require(.viewBilling, "verify the invoice chain")
        return try await database.read { session in
            let rows = try await session.rows("SELECT id, chain_position, number FROM invoices WHERE status = 'issued' ORDER BY chain_position")
            let chain = try rows.map { try $0.decode((UUID, Int64, String).self) }
            let documents = try await InvoiceStore.load(chain.map(\.0), session)
            var previous = Footprint.genesis
            var count = 0
            for ((_, position, number), invoice) in zip(chain, documents) {
                count += 1
                guard position == Int64(count) else {
                    return ChainVerification(documents: count, valid: false, brokenAt: number, problem: "chain position \(position) where \(count) was expected: a document is missing")
                }
                guard invoice.previousFootprint == previous else {
                    return ChainVerification(documents: count, valid: false, brokenAt: number, problem: "it does not follow the previous document's footprint")
                }
                let recomputed = Footprint.compute(invoice, previous: previous)
                guard recomputed == invoice.footprint else {
                    return ChainVerification(documents: count, valid: false, brokenAt: number, problem: "its content does not match its footprint")
                }
                previous = recomputed
            }
            return ChainVerification(documents: count, valid: true, brokenAt: nil, problem: nil)
        }
    }

    // MARK: - Store

    static func insertLine(
        _ invoiceId: UUID, position: Int, _ line: PricedLine, billableItem: UUID?, correcting: UUID?, versionId: UUID? = nil, code: String? = nil,
        _ session: SQLSession
    ) async throws {
        let rate: Int? = if case .rate(let bp) = line.vat { bp } else { nil }
        let mention: String? = if case .exempt(let text) = line.vat { text } else { nil }
        try await session.execute(
            """
            INSERT INTO invoice_lines (invoice_id, position, billable_item_id, corrects_line_id, description, service_date, quantity_milli, unit,
                                       unit_price_cents, net_cents, vat_rate_bp, vat_exemption, tariff_version_id, tariff_item_code)
            VALUES (\(invoiceId), \(position), \(billableItem), \(correcting), \(line.description), \(line.serviceDate.description)::date,
                    \(line.quantityMilli), \(line.unit.rawValue), \(line.unitPriceCents), \(line.netCents), \(rate), \(mention),
                    \(correcting == nil ? line.tariffVersionId : versionId), \(correcting == nil ? line.tariffItemCode : code))
            """)
    }

    /// One document (two statements, `InvoiceStore`).
    static func load(_ id: UUID, _ session: SQLSession) async throws -> Invoice {
        guard let invoice = try await InvoiceStore.load([id], session).first else { throw Problem.notFound("invoice") }
        return invoice
    }
}

extension Optional {
    /// `map` for an asynchronous transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
