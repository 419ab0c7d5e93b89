import Foundation
import Testing
@testable import MuseoLab

/// The documents a customer receives: UBL 2.1 for Chorus Pro, checked against the official
/// EN 16931 rules, and the printable invoice with every French mention.
@Suite struct EInvoiceTests {
    /// An invoice with lines at 20 %, 5,5 % and exempt, and the full credit note cancelling it.
    static func documents(_ t: TestLab) async throws -> (invoice: Invoice, creditNote: Invoice) {
        try await t.prepareUniversityForChorus()
        let accountant = t.people.accountant.actor
        _ = try await t.lab.billingSettings.update(
            BillingSettingsChanges(paymentIBAN: "FR76 3000 6000 0112 3456 7890 189", paymentBIC: "AGRIFRPP"), by: accountant)
        let table = try String(contentsOf: ProjectFolders.sql.appendingPathComponent("seed/tariffs-2026.tsv"), encoding: .utf8)
            + "formation\tFormation professionnelle continue\tunit\tconsumable\t\t\texempt: TVA non applicable, art. 261-4-4° a du CGI\t100,00\t100,00\t100,00\t100,00\t100,00\t0,00\n"
        _ = try await t.lab.tariffs.load(table, effectiveFrom: CalendarDate("2026-10-01")!, label: "Grille d'octobre", by: accountant)
        try await t.consumable("filament-pla", quantity: 3, on: "2026-11-03")
        try await t.consumable("catalogue", quantity: 2, on: "2026-11-04")
        try await t.consumable("formation", on: "2026-11-05")
        _ = try await t.lab.database.write(as: accountant, action: "tests") { session in
            try await BillableItems.create(.init(kind: .supportOverage, customer: TestLab.university, agreementId: TestLab.agreement,
                                                 serviceDate: CalendarDate("2026-11-06")!, description: "heures au-delà du quota 2026", minutes: 100), session)
        }
        let invoice = try await t.invoice(period: "2026-11", issuedOn: "2026-11-30")
        let draft = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "erreur de destinataire", amounts: nil, by: accountant)
        let creditNote = try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-12-02")!, by: accountant)
        return (invoice, creditNote)
    }

    @Test func invoicesAndCreditNotesPassTheEN16931Rules() async throws {
        try await TestLab.with { t in
            let (invoice, creditNote) = try await Self.documents(t)
            #expect(invoice.totals.groups.map(\.vat.label) == ["20 %", "5,5 %", "TVA non applicable, art. 261-4-4° a du CGI"])
            let verdict = try await EN16931.validate([UBLDocument.render(invoice), UBLDocument.render(creditNote)])
            #expect(verdict.passed, "\(verdict.report)")

            // What Chorus Pro reads (compared without the indentation).
            let invoiceXML = try UBLDocument.render(invoice).replacingOccurrences(of: ">\\s+<", with: "><", options: .regularExpression)
            let creditXML = try UBLDocument.render(creditNote).replacingOccurrences(of: ">\\s+<", with: "><", options: .regularExpression)
            #expect(invoiceXML.xmlValue(of: "cbc:CustomizationID") == "urn:cen.eu:en16931:2017")
            #expect(invoiceXML.xmlValue(of: "cbc:ID") == "F2026-000001")
            #expect(invoiceXML.xmlValue(of: "cbc:InvoiceTypeCode") == "380")
            #expect(invoiceXML.xmlValue(of: "cbc:DueDate") == "2026-12-30")
            #expect(invoiceXML.xmlValue(of: "cbc:BuyerReference") == "SERV-MUSEOLAB", "the service code")
            #expect(invoiceXML.contains("<cac:OrderReference><cbc:ID>EJ-2026-0042</cbc:ID></cac:OrderReference>"), "the legal commitment number")
            #expect(invoiceXML.contains("<cbc:CompanyID schemeID=\"0009\">\(TestLab.universitySIRET)</cbc:CompanyID>"), "the buyer's SIRET")
            #expect(invoiceXML.contains("<cbc:CompanyID>FR28797553567</cbc:CompanyID>"), "the seller's VAT number")
            #expect(invoiceXML.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>") && invoiceXML.contains("FR7630006000011234567890189"))
            #expect(invoiceXML.occurrences(of: "<cac:TaxSubtotal>") == 3)
            #expect(invoiceXML.contains("<cbc:TaxExemptionReason>TVA non applicable, art. 261-4-4° a du CGI</cbc:TaxExemptionReason>"))
            // 3 × 25,00 + 1 h 40 × 45,00 (75,00) at 20 %: 150,00 → 30,00; 2 × 12,00 at 5,5 %: 1,32.
            #expect(invoice.totals.vatCents == 3000 + 132)
            #expect(invoiceXML.xmlValue(of: "cbc:TaxAmount") == "31.32")
            #expect(invoiceXML.xmlValue(of: "cbc:PayableAmount") == Money.decimal(invoice.totals.grossCents).replacingOccurrences(of: ",", with: "."))

            #expect(creditXML.hasPrefix("<?xml") && creditXML.contains("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""))
            #expect(creditXML.xmlValue(of: "cbc:CreditNoteTypeCode") == "381")
            #expect(creditXML.contains("<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>F2026-000001</cbc:ID>"))
            #expect(creditXML.xmlValue(of: "cbc:PayableAmount") == invoiceXML.xmlValue(of: "cbc:PayableAmount"), "it cancels the whole invoice")
        }
    }

    @Test func theValidatorCatchesABrokenDocument() async throws {
        // A control for the check above: a document whose totals do not add up must fail.
        try await TestLab.with { t in
            let (invoice, _) = try await Self.documents(t)
            let xml = try UBLDocument.render(invoice)
            let inclusive = try #require(xml.xmlValue(of: "cbc:TaxInclusiveAmount"))
            let broken = xml.replacingOccurrences(
                of: "<cbc:TaxInclusiveAmount currencyID=\"EUR\">\(inclusive)</cbc:TaxInclusiveAmount>",
                with: "<cbc:TaxInclusiveAmount currencyID=\"EUR\">1.00</cbc:TaxInclusiveAmount>")
            #expect(broken != xml)
            let verdict = try await EN16931.validate([broken])
            #expect(!verdict.passed)
            #expect(verdict.report.contains("BR-CO-15"), "TaxInclusiveAmount = TaxExclusiveAmount + TaxAmount: \(verdict.report)")
        }
    }

    @Test func thePrintableInvoiceCarriesEveryFrenchMention() async throws {
        try await TestLab.with { t in
            let (invoice, creditNote) = try await Self.documents(t)
            let html = InvoiceHTML.render(invoice)
            for mention in [
                "Facture n° F2026-000001", "Louvre-Lens Vallée", "SIREN 797553567", "SIRET 79755356700034", "N° TVA intracommunautaire FR28797553567",
                "Université d&apos;Artois", "SIRET \(TestLab.universitySIRET)", "Date d'émission : 2026-11-30", "Date d'échéance : 2026-12-30",
                "Période des prestations : du 2026-11-01 au 2026-11-30", "Code service (Chorus Pro) : SERV-MUSEOLAB",
                "N° d'engagement juridique : EJ-2026-0042", "Prix unitaire HT", "TVA non applicable, art. 261-4-4° a du CGI",
                "Pénalités de retard : 12,15 % l&apos;an", "Indemnité forfaitaire pour frais de recouvrement : 40,00 €",
                "IBAN FR7630006000011234567890189", "empreinte SHA-256 \(invoice.footprint!)",
            ] {
                #expect(html.contains(mention), "missing: \(mention)")
            }
            #expect(html.contains("<td>2026-11-03</td>"), "each line's service date")
            let credit = InvoiceHTML.render(creditNote)
            #expect(credit.contains("Avoir n° A2026-000001") && credit.contains("Avoir sur la facture n° F2026-000001 : erreur de destinataire"))
        }
    }
}
