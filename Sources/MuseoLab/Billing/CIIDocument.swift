import Foundation

/// An issued invoice or credit note as a UN/CEFACT Cross Industry Invoice (D16B, the syntax
/// Factur-X embeds), EN 16931 profile with the French rules on top (BR-FR Flux 2). It says
/// what the UBL document says (`EInvoiceContent`), in CII's elements and their order.
public enum CIIDocument {
    typealias Content = EInvoiceContent

    /// - Throws: a conflict for a draft or a discarded document: an e-invoice is for an issued one.
    public static func render(_ invoice: Invoice) throws -> String {
        let (number, issueDate) = try Content.issued(invoice)
        var x = XMLWriter()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.open("rsm:CrossIndustryInvoice", attributes: [
            ("xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"),
            ("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"),
            ("xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"),
            ("xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"),
        ])
        x.open("rsm:ExchangedDocumentContext")
        x.open("ram:BusinessProcessSpecifiedDocumentContextParameter")
        x.element("ram:ID", Content.frame(invoice))
        x.close("ram:BusinessProcessSpecifiedDocumentContextParameter")
        x.open("ram:GuidelineSpecifiedDocumentContextParameter")
        x.element("ram:ID", Content.specification)
        x.close("ram:GuidelineSpecifiedDocumentContextParameter")
        x.close("rsm:ExchangedDocumentContext")

        x.open("rsm:ExchangedDocument")
        x.element("ram:ID", number)
        x.element("ram:TypeCode", invoice.kind == .creditNote ? "381" : "380")
        date(&x, "ram:IssueDateTime", issueDate)
        for note in Content.notes(invoice) {
            x.open("ram:IncludedNote")
            x.element("ram:Content", note.text)
            if let subject = note.subject { x.element("ram:SubjectCode", subject) }
            x.close("ram:IncludedNote")
        }
        x.close("rsm:ExchangedDocument")

        x.open("rsm:SupplyChainTradeTransaction")
        for line in invoice.lines { self.line(&x, line) }

        x.open("ram:ApplicableHeaderTradeAgreement")
        if let code = invoice.buyerServiceCode { x.element("ram:BuyerReference", code) }
        party(&x, "ram:SellerTradeParty", invoice.seller, seller: true)
        party(&x, "ram:BuyerTradeParty", invoice.buyer, seller: false)
        if let commitment = invoice.commitmentNumber {
            x.open("ram:BuyerOrderReferencedDocument")
            x.element("ram:IssuerAssignedID", commitment)
            x.close("ram:BuyerOrderReferencedDocument")
        }
        x.close("ram:ApplicableHeaderTradeAgreement")
        // Services: nothing is delivered, but the element is required.
        x.raw(String(repeating: "  ", count: x.depth) + "<ram:ApplicableHeaderTradeDelivery/>")

        x.open("ram:ApplicableHeaderTradeSettlement")
        if Content.iban(invoice) != nil { x.element("ram:PaymentReference", number) }
        x.element("ram:InvoiceCurrencyCode", "EUR")
        x.open("ram:SpecifiedTradeSettlementPaymentMeans")
        x.element("ram:TypeCode", Content.paymentMeansCode(invoice))
        if let iban = Content.iban(invoice) {
            x.open("ram:PayeePartyCreditorFinancialAccount")
            x.element("ram:IBANID", iban)
            x.element("ram:AccountName", invoice.seller.name)
            x.close("ram:PayeePartyCreditorFinancialAccount")
        }
        x.close("ram:SpecifiedTradeSettlementPaymentMeans")
        for group in invoice.totals.groups {
            x.open("ram:ApplicableTradeTax")
            x.element("ram:CalculatedAmount", Content.amount(group.vatCents))
            x.element("ram:TypeCode", "VAT")
            if case .exempt(let mention) = group.vat { x.element("ram:ExemptionReason", mention) }
            x.element("ram:BasisAmount", Content.amount(group.taxableCents))
            x.element("ram:CategoryCode", Content.category(group.vat))
            if case .exempt(let mention) = group.vat, let code = Content.exemptionCode(mention) { x.element("ram:ExemptionReasonCode", code) }
            x.element("ram:RateApplicablePercent", Content.percent(group.vat))
            x.close("ram:ApplicableTradeTax")
        }
        period(&x, invoice.periodStart, invoice.periodEnd)
        x.open("ram:SpecifiedTradePaymentTerms")
        x.element("ram:Description", Content.paymentTerms(invoice))
        if invoice.kind == .invoice, let due = invoice.dueDate { date(&x, "ram:DueDateDateTime", due) }
        x.close("ram:SpecifiedTradePaymentTerms")
        x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        x.element("ram:LineTotalAmount", Content.amount(invoice.totals.netCents))
        x.element("ram:TaxBasisTotalAmount", Content.amount(invoice.totals.netCents))
        x.element("ram:TaxTotalAmount", Content.amount(invoice.totals.vatCents), attributes: [("currencyID", "EUR")])
        x.element("ram:GrandTotalAmount", Content.amount(invoice.totals.grossCents))
        x.element("ram:DuePayableAmount", Content.amount(invoice.totals.grossCents))
        x.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        if invoice.kind == .creditNote, let corrected = invoice.correctsNumber {
            x.open("ram:InvoiceReferencedDocument")
            x.element("ram:IssuerAssignedID", corrected)
            if let day = invoice.correctsIssueDate {
                x.open("ram:FormattedIssueDateTime")
                x.element("qdt:DateTimeString", compact(day), attributes: [("format", "102")])
                x.close("ram:FormattedIssueDateTime")
            }
            x.close("ram:InvoiceReferencedDocument")
        }
        x.close("ram:ApplicableHeaderTradeSettlement")
        x.close("rsm:SupplyChainTradeTransaction")
        x.close("rsm:CrossIndustryInvoice")
        return x.text
    }

    static func line(_ x: inout XMLWriter, _ line: Invoice.Line) {
        x.open("ram:IncludedSupplyChainTradeLineItem")
        x.open("ram:AssociatedDocumentLineDocument")
        x.element("ram:LineID", String(line.position))
        x.close("ram:AssociatedDocumentLineDocument")
        x.open("ram:SpecifiedTradeProduct")
        x.element("ram:Name", String(line.description.prefix(200)))
        x.close("ram:SpecifiedTradeProduct")
        x.open("ram:SpecifiedLineTradeAgreement")
        x.open("ram:NetPriceProductTradePrice")
        x.element("ram:ChargeAmount", Content.amount(line.unitPriceCents))
        x.close("ram:NetPriceProductTradePrice")
        x.close("ram:SpecifiedLineTradeAgreement")
        x.open("ram:SpecifiedLineTradeDelivery")
        x.element("ram:BilledQuantity", Content.quantity(line.quantityMilli), attributes: [("unitCode", Content.unitCode(line.unit))])
        x.close("ram:SpecifiedLineTradeDelivery")
        x.open("ram:SpecifiedLineTradeSettlement")
        x.open("ram:ApplicableTradeTax")
        x.element("ram:TypeCode", "VAT")
        x.element("ram:CategoryCode", Content.category(line.vat))
        x.element("ram:RateApplicablePercent", Content.percent(line.vat))
        x.close("ram:ApplicableTradeTax")
        period(&x, line.serviceDate, line.serviceDate)
        x.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
        x.element("ram:LineTotalAmount", Content.amount(line.netCents))
        x.close("ram:SpecifiedTradeSettlementLineMonetarySummation")
        x.close("ram:SpecifiedLineTradeSettlement")
        x.close("ram:IncludedSupplyChainTradeLineItem")
    }

    /// A party: SIRET as global id (BT-29, BT-46), name, SIREN as legal registration (BT-30,
    /// BT-47), contact, address, electronic address (BT-34, BT-49), VAT number.
    static func party(_ x: inout XMLWriter, _ name: String, _ party: InvoiceParty, seller: Bool) {
        x.open(name)
        if let siret = party.siret { x.element("ram:GlobalID", siret, attributes: [("schemeID", "0009")]) }
        x.element("ram:Name", party.name)
        if seller, let form = party.legalForm { x.element("ram:Description", form) }
        if let siren = Content.siren(party) {
            x.open("ram:SpecifiedLegalOrganization")
            x.element("ram:ID", siren, attributes: [("schemeID", "0002")])
            x.close("ram:SpecifiedLegalOrganization")
        }
        if let email = party.email {
            x.open("ram:DefinedTradeContact")
            x.open("ram:EmailURIUniversalCommunication")
            x.element("ram:URIID", email)
            x.close("ram:EmailURIUniversalCommunication")
            x.close("ram:DefinedTradeContact")
        }
        let address = PostalAddress(party.address)
        x.open("ram:PostalTradeAddress")
        if let zone = address.postalCode { x.element("ram:PostcodeCode", zone) }
        if let street = address.street { x.element("ram:LineOne", street) }
        if let city = address.city { x.element("ram:CityName", city) }
        x.element("ram:CountryID", "FR")
        x.close("ram:PostalTradeAddress")
        if let electronic = Content.electronicAddress(party) {
            x.open("ram:URIUniversalCommunication")
            x.element("ram:URIID", electronic.value, attributes: [("schemeID", electronic.scheme)])
            x.close("ram:URIUniversalCommunication")
        }
        if let vat = party.vatId {
            x.open("ram:SpecifiedTaxRegistration")
            x.element("ram:ID", vat, attributes: [("schemeID", "VA")])
            x.close("ram:SpecifiedTaxRegistration")
        } else if seller, let siren = Content.siren(party) {
            // No VAT number: the SIREN as the tax registration (BT-32; EN 16931, BR-E-02).
            x.open("ram:SpecifiedTaxRegistration")
            x.element("ram:ID", siren, attributes: [("schemeID", "FC")])
            x.close("ram:SpecifiedTaxRegistration")
        }
        x.close(name)
    }

    static func period(_ x: inout XMLWriter, _ start: CalendarDate, _ end: CalendarDate) {
        x.open("ram:BillingSpecifiedPeriod")
        date(&x, "ram:StartDateTime", start)
        date(&x, "ram:EndDateTime", end)
        x.close("ram:BillingSpecifiedPeriod")
    }

    static func date(_ x: inout XMLWriter, _ name: String, _ day: CalendarDate) {
        x.open(name)
        x.element("udt:DateTimeString", compact(day), attributes: [("format", "102")])
        x.close(name)
    }

    /// `20261130`: CII's format 102.
    static func compact(_ day: CalendarDate) -> String { day.description.replacingOccurrences(of: "-", with: "") }
}
