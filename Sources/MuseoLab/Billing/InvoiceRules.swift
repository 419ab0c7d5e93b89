import Foundation

/// The rules of invoices and credit notes over loaded documents: what a credit note takes back,
/// when a draft may be issued, and what issuing gives it. No database here.
enum InvoiceRules {
    /// A line of a document being drafted.
    struct NewLine: Sendable, Equatable {
        var description: String
        var serviceDate: CalendarDate
        var quantityMilli: Int
        var unit: TariffItem.Unit
        var unitPriceCents: Int
        var netCents: Int
        var vat: VATTreatment
        var tariffVersionId: UUID?
        var tariffItemCode: String?
        /// What the line invoices (an invoice's line).
        var billableItemId: UUID?
        /// What the line takes back (a credit note's line).
        var correctsLineId: UUID?

        /// An item's priced line on an invoice.
        init(_ priced: PricedLine, invoicing item: UUID) {
            self.init(
                description: priced.description, serviceDate: priced.serviceDate, quantityMilli: priced.quantityMilli, unit: priced.unit,
                unitPriceCents: priced.unitPriceCents, netCents: priced.netCents, vat: priced.vat, tariffVersionId: priced.tariffVersionId,
                tariffItemCode: priced.tariffItemCode, billableItemId: item)
        }

        init(
            description: String, serviceDate: CalendarDate, quantityMilli: Int, unit: TariffItem.Unit, unitPriceCents: Int, netCents: Int,
            vat: VATTreatment, tariffVersionId: UUID?, tariffItemCode: String?, billableItemId: UUID? = nil, correctsLineId: UUID? = nil
        ) {
            (self.description, self.serviceDate, self.quantityMilli, self.unit, self.unitPriceCents, self.netCents, self.vat) =
                (description, serviceDate, quantityMilli, unit, unitPriceCents, netCents, vat)
            (self.tariffVersionId, self.tariffItemCode, self.billableItemId, self.correctsLineId) = (tariffVersionId, tariffItemCode, billableItemId, correctsLineId)
        }
    }

    /// A credit note corrects an issued invoice.
    static func checkCreditable(_ original: Invoice) throws {
        guard original.kind == .invoice, original.status == .issued else {
            throw Problem(.invalidTransition, "a credit note corrects an issued invoice")
        }
    }

    /// What a credit note takes back from `original`: the given amounts of some lines (`amounts`,
    /// by line), or all that is left of every line. `alreadyCredited` is what earlier credit notes
    /// (issued or drafted) took back, by line; no line is credited beyond its amount.
    static func creditLines(of original: Invoice, alreadyCredited: [UUID: Int], amounts: [UUID: Int]?) throws -> [NewLine] {
        var lines: [NewLine] = []
        for line in original.lines {
            let left = line.netCents - (alreadyCredited[line.id] ?? 0)
            func credit(_ cents: Int, whole: Bool) -> NewLine {
                NewLine(
                    description: "Avoir : \(line.description)", serviceDate: line.serviceDate, quantityMilli: whole ? line.quantityMilli : 1000,
                    unit: whole ? line.unit : .unit, unitPriceCents: whole ? line.unitPriceCents : cents, netCents: cents, vat: line.vat,
                    tariffVersionId: line.tariffVersionId, tariffItemCode: line.tariffItemCode, correctsLineId: line.id)
            }
            if let amounts {
                guard let amount = amounts[line.id] else { continue }
                guard amount > 0, amount <= left else {
                    throw Problem.invalid("lines", "line \(line.position): between 0,01 and \(Money.decimal(left)) € can still be credited")
                }
                lines.append(credit(amount, whole: false))
            } else if left > 0 {
                lines.append(credit(left, whole: left == line.netCents))
            }
        }
        if let amounts, let unknown = amounts.keys.first(where: { id in !original.lines.contains { $0.id == id } }) {
            throw Problem.invalid("lines", "\(unknown) is not a line of \(original.number ?? "the invoice")")
        }
        guard !lines.isEmpty else { throw Problem.conflict("this invoice is already fully credited") }
        return lines
    }

    /// Only a draft with lines is issued; a public body's needs its SIRET (Chorus Pro).
    static func checkIssuable(_ draft: Invoice) throws {
        guard draft.status == .draft else { throw Problem(.invalidTransition, "this document is \(draft.status.rawValue): only a draft is issued") }
        guard !draft.lines.isEmpty else { throw Problem(.conflict, "an invoice has at least one line") }
        try checkBuyer(name: draft.buyer.name, isPublicBody: draft.buyer.isPublicBody, siret: draft.buyer.siret)
        let missing = missingLegalData(draft)
        guard missing.isEmpty else {
            throw Problem(
                .conflict, "the French e-invoicing rules need, before this document is issued: " + missing.map(\.detail).joined(separator: "; "),
                field: missing[0].field, errors: missing)
        }
    }

    /// What the French rules (EN 16931 and BR-FR) need of the parties that a document lacks,
    /// each with where it is set: said to the accountant, not by the customer's platform.
    static func missingLegalData(_ document: Invoice) -> [Problem.FieldError] {
        let (seller, buyer) = (document.seller, document.buyer)
        var missing: [Problem.FieldError] = []
        func need(_ field: String, _ what: String) { missing.append(Problem.FieldError(field: field, detail: what)) }
        if EInvoiceContent.siren(seller) == nil { need("seller.siren", "the seller's SIREN (its organisation)") }
        if seller.siret == nil { need("seller.siret", "the seller's SIRET (its organisation)") }
        if !PostalAddress(seller.address).isComplete { need("seller.address", "the seller's address as \"street, postcode city\" (its organisation)") }
        let charged = document.lines.contains { if case .rate(let bp) = $0.vat { bp > 0 } else { false } }
        if charged, seller.vatId == nil { need("sellerVatId", "the seller's VAT number, since VAT is charged (the billing settings)") }
        if !PostalAddress(buyer.address).isComplete { need("buyer.address", "\(buyer.name)'s address as \"street, postcode city\" (its organisation)") }
        if buyer.isProfessional, EInvoiceContent.siren(buyer) == nil {
            need("buyer.siren", "\(buyer.name)'s SIREN, which identifies a professional buyer (its organisation)")
        }
        if EInvoiceContent.electronicAddress(buyer) == nil {
            need("buyer.contactEmail", "an electronic address for \(buyer.name): its SIREN or its contact e-mail (its organisation)")
        }
        return missing
    }

    /// A public body is invoiced through Chorus Pro, which takes no invoice without its SIRET:
    /// said when drafting, naming what is missing and where it is set, not by the platform later.
    static func checkBuyer(name: String, isPublicBody: Bool, siret: String?) throws {
        guard isPublicBody, siret == nil else { return }
        throw Problem(
            .conflict,
            "\(name) is a public body: its invoices go through Chorus Pro, which needs its SIRET (14 digits); "
                + "set the organisation's siret (its billing details), then draft again",
            field: "siret")
    }

    /// The numbering series of a document issued in a year: F2026 for invoices, A2026 for credit notes.
    static func series(of kind: Invoice.Kind, issuedIn year: Int) -> String {
        (kind == .invoice ? "F" : "A") + String(year)
    }

    /// The draft as issued: its number in its series, its dates and its place in the chain after
    /// the previous document's footprint (`sealed` gives it its own, once its files are made).
    static func issued(_ draft: Invoice, on issueDate: CalendarDate, sequence: Int64, chainPosition: Int64, previousFootprint: String) -> Invoice {
        var invoice = draft
        invoice.number = "\(series(of: draft.kind, issuedIn: issueDate.year))-\(zeroPadded(sequence, width: 6))"
        invoice.issueDate = issueDate
        invoice.dueDate = issueDate.adding(days: draft.paymentTermsDays)
        invoice.chainPosition = Int(chainPosition)
        invoice.previousFootprint = previousFootprint
        invoice.status = .issued
        return invoice
    }

    /// The issued document sealed with the files its customer receives: the footprint covers
    /// every legal figure, the previous footprint and the files' digests.
    static func sealed(_ issued: Invoice, files: IssuedFiles.Digests) -> Invoice {
        var invoice = issued
        invoice.files = files
        invoice.footprint = Footprint.compute(invoice, previous: issued.previousFootprint ?? Footprint.genesis)
        return invoice
    }
}
