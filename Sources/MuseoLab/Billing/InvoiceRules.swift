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

    /// The draft as issued: its number in its series, its dates, its place in the chain and the
    /// footprint that seals it after the previous document's.
    static func issued(_ draft: Invoice, on issueDate: CalendarDate, sequence: Int64, chainPosition: Int64, previousFootprint: String) -> Invoice {
        var invoice = draft
        invoice.number = "\(series(of: draft.kind, issuedIn: issueDate.year))-\(String(format: "%06d", sequence))"
        invoice.issueDate = issueDate
        invoice.dueDate = issueDate.adding(days: draft.paymentTermsDays)
        invoice.chainPosition = Int(chainPosition)
        invoice.previousFootprint = previousFootprint
        invoice.footprint = Footprint.compute(invoice, previous: previousFootprint)
        return invoice
    }
}
