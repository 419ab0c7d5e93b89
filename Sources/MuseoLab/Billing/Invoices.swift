import Foundation
import PostgresNIO

/// Invoices and credit notes: drafted from the open billable items of a customer and a
/// period, priced by the grid in force on each service date, then issued with the next
/// number of their series from a locked counter, in one transaction, and never changed.
public struct Invoices: Sendable {
    let database: Database
    let now: @Sendable () -> Date
    let events: DomainEvents
    /// Prints the PDF of a document as it is issued; without one, nothing can be issued.
    let printer: (any InvoicePrinter)?
    let turns: IssuingTurns

    init(
        database: Database, now: @escaping @Sendable () -> Date = Date.init, events: DomainEvents? = nil, printer: (any InvoicePrinter)? = nil,
        turns: IssuingTurns = IssuingTurns()
    ) {
        self.database = database
        self.now = now
        self.events = events ?? .standard(now: now)
        self.printer = printer
        self.turns = turns
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
            guard let customer = try await session.run(InvoiceStore.CustomerForDraft(customerId: customerId)).first
            else { throw Problem.invalid("customerId", "no organisation has the id \(customerId)") }
            try InvoiceRules.checkBuyer(name: customer.name, isPublicBody: customer.isPublicBody, siret: customer.siret)
            let defaultServiceCode = customer.serviceCode
            let items = try await session.run(InvoiceStore.OpenItems(customerId: customerId, from: from, to: to))
            guard !items.isEmpty else {
                throw Problem(.conflict, "nothing to invoice: no open billable item for this customer from \(from) to \(to)")
            }
            // The price snapshotted when each item was recorded, or, when no grid was in force then, today's (read at once).
            let unpriced = try await Pricing.price(items.filter { $0.lines == nil }.map(\.id), session)
            var lines: [InvoiceRules.NewLine] = []
            for item in items {
                guard let priced = item.lines ?? unpriced[item.id] ?? nil else {
                    throw Problem(.conflict, "no tariff grid is in force on \(item.serviceDate): load a grid version effective on or before that day", field: "tariffs")
                }
                lines += priced.map { InvoiceRules.NewLine($0, invoicing: item.id) }
            }
            let id = try await session.run(InvoiceStore.NewDraft(
                customerId: customerId, from: from, to: to, serviceCode: serviceCode ?? defaultServiceCode, commitmentNumber: commitment))[0]
            _ = try await session.run(InvoiceStore.InsertLines(invoiceId: id, lines: lines))
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
            guard try await session.run(InvoiceStore.Lock(id: invoiceId)).first == true else { throw Problem.notFound("invoice") }
            let original = try await Self.load(invoiceId, session)
            try InvoiceRules.checkCreditable(original)
            let credited = Dictionary(try await session.run(InvoiceStore.Credited(invoiceId: invoiceId)).map { ($0.line, $0.cents) }, uniquingKeysWith: +)
            let lines = try InvoiceRules.creditLines(of: original, alreadyCredited: credited, amounts: amounts)
            let id = try await session.run(InvoiceStore.NewCreditNote(original: original, reason: reason, reopensItems: reopenItems))[0]
            _ = try await session.run(InvoiceStore.InsertLines(invoiceId: id, lines: lines))
            return try await Self.load(id, session)
        }
    }

    /// A draft is abandoned: its items can be drafted again. Nothing is deleted.
    public func discard(_ id: UUID, by actor: Actor) async throws -> Invoice {
        try actor.require(.manageBilling, "discard drafts")
        return try await database.write(as: actor, action: "invoice.discard") { session in
            guard let status = try await session.run(InvoiceStore.LockedStatus(id: id)).first else { throw Problem.notFound("invoice") }
            guard status == .draft else { throw Problem(.invalidTransition, "only a draft can be discarded; an issued document is corrected by a credit note") }
            _ = try await session.run(InvoiceStore.ReleaseItems(invoiceId: id))
            _ = try await session.run(InvoiceStore.Discard(id: id))
            return try await Self.load(id, session)
        }
    }

    // MARK: - Issuing

    /// Gives the draft the next number of its series (F2026-000001, A2026-000001 for credit
    /// notes) from a counter locked in this transaction: no gap, no duplicate. Freezes the
    /// parties, the totals and the footprint; locks the tariff versions used; the items are
    /// invoiced. Its files (the Factur-X PDF, the CII, the UBL) are made and kept in the same
    /// transaction: a document that cannot be printed is not issued, and its number not used.
    public func issue(_ id: UUID, on date: CalendarDate? = nil, by actor: Actor) async throws -> Invoice {
        try actor.require(.manageBilling, "issue invoices")
        guard let printer else {
            throw Problem(.unavailable, "documents cannot be issued here: no PDF printer is set up (WeasyPrint and factur-x, see the README)")
        }
        let issueDate = date ?? ParisClock.date(of: now())
        let (database, events) = (self.database, self.events)
        return try await turns.run { try await database.write(as: actor, action: "invoice.issue") { session in
            guard try await session.run(InvoiceStore.Lock(id: id)).first == true else { throw Problem.notFound("invoice") }
            let draft = try await Self.load(id, session)
            try InvoiceRules.checkIssuable(draft)
            let series = InvoiceRules.series(of: draft.kind, issuedIn: issueDate.year)
            let sequence = try await session.run(InvoiceStore.NextNumber(series: series))[0]
            let position = try await session.run(InvoiceStore.NextNumber(series: "CHAIN"))[0]
            let previous = position == 1 ? Footprint.genesis : try await session.run(InvoiceStore.FootprintAt(position: position - 1))[0]
            let issued = InvoiceRules.issued(draft, on: issueDate, sequence: sequence, chainPosition: position, previousFootprint: previous)
            let files = try await IssuedFiles.produce(issued, printer: printer)
            let invoice = InvoiceRules.sealed(issued, files: files.digests)
            _ = try await session.run(InvoiceStore.Issue(invoice: invoice, series: series, sequence: sequence, issuedBy: actor.label))
            _ = try await session.run(InvoiceStore.InsertFiles(invoiceId: id, files: files))
            try await events.publish(.invoiceIssued(invoice), by: actor, session)
            return try await Self.load(id, session)
        } }
    }

    // MARK: - Reading

    public func get(_ id: UUID, by actor: Actor) async throws -> Invoice {
        try actor.require(.viewBilling, "see invoices")
        return try await database.read { session in
            guard try await session.exists(InvoiceStore.Exists(id: id)) else { throw Problem.notFound("invoice") }
            return try await Self.load(id, session)
        }
    }

    /// By id or number (`F2026-000001`).
    public func find(_ reference: String, by actor: Actor) async throws -> Invoice {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        try actor.require(.viewBilling, "see invoices")
        guard let id = try await database.read({ try await $0.run(InvoiceStore.Numbered(number: reference.uppercased())).first })
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

    /// A file of an issued document, as it was made when issued: the bytes its customer received.
    public func file(_ kind: IssuedFiles.Kind, of id: UUID, by actor: Actor) async throws -> Data {
        try actor.require(.viewBilling, "see invoices")
        return try await database.read { session in
            let invoice = try await Self.load(id, session)
            _ = try EInvoiceContent.issued(invoice)
            if let bytes = try await session.run(InvoiceStore.File(invoiceId: id, kind: kind)).first { return bytes }
            // Issued before files were kept: its e-invoices are made again from what it froze; no PDF was ever made.
            switch kind {
            case .pdf: throw Problem(.conflict, "this document was issued before PDFs were kept: it has no PDF; its UBL and CII can be downloaded")
            case .cii: return Data(try CIIDocument.render(invoice).utf8)
            case .ubl: return Data(try UBLDocument.render(invoice).utf8)
            }
        }
    }

    /// Recomputes every footprint along the chain from what is stored.
    public func verifyChain(by actor: Actor) async throws -> ChainVerification {
        try actor.require(.viewBilling, "verify the invoice chain")
        return try await database.read { session in
            let chain = try await session.run(InvoiceStore.Chain())
            let documents = try await InvoiceStore.load(chain.map(\.id), session)
            var previous = Footprint.genesis
            var count = 0
            for ((_, position, number, filesIntact), invoice) in zip(chain, documents) {
                count += 1
                guard filesIntact else {
                    return ChainVerification(documents: count, valid: false, brokenAt: number, problem: "its stored files do not match their digests")
                }
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
