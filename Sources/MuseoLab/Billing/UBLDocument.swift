import Foundation

/// An issued invoice or credit note as a UBL 2.1 `Invoice` / `CreditNote`, EN 16931 core with
/// the French rules on top (BR-FR Flux 2): the invoicing frame (BT-23), the legal mentions as
/// notes with their subject codes, each party's SIRET (0009), SIREN (0002) and electronic
/// address, the buyer's service code as BuyerReference, the legal commitment number
/// (engagement juridique) as OrderReference, the corrected invoice with its issue date, one
/// VAT breakdown per rate or exemption. What it says is `EInvoiceContent`'s.
public enum UBLDocument {
    typealias Content = EInvoiceContent

    /// - Throws: a conflict for a draft or a discarded document: an e-invoice is for an issued one.
    public static func render(_ invoice: Invoice) throws -> String {
        let (number, issueDate) = try Content.issued(invoice)
        let creditNote = invoice.kind == .creditNote
        let root = creditNote ? "CreditNote" : "Invoice"
        var x = XMLWriter()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.open(root, attributes: [
            ("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:\(root)-2"),
            ("xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
            ("xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"),
        ])
        x.element("cbc:CustomizationID", Content.specification)
        x.element("cbc:ProfileID", Content.frame(invoice))
        x.element("cbc:ID", number)
        x.element("cbc:IssueDate", issueDate.description)
        if !creditNote, let due = invoice.dueDate { x.element("cbc:DueDate", due.description) }
        x.element(creditNote ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", creditNote ? "381" : "380")
        // UBL has no element for a note's subject: EN 16931 writes it `#CODE#text`.
        for note in Content.notes(invoice) { x.element("cbc:Note", note.subject.map { "#\($0)#" + note.text } ?? note.text) }
        x.element("cbc:DocumentCurrencyCode", "EUR")
        if let code = invoice.buyerServiceCode { x.element("cbc:BuyerReference", code) }
        x.open("cac:InvoicePeriod")
        x.element("cbc:StartDate", invoice.periodStart.description)
        x.element("cbc:EndDate", invoice.periodEnd.description)
        x.close("cac:InvoicePeriod")
        if let commitment = invoice.commitmentNumber {
            x.open("cac:OrderReference")
            x.element("cbc:ID", commitment)
            x.close("cac:OrderReference")
        }
        if creditNote, let corrected = invoice.correctsNumber {
            x.open("cac:BillingReference")
            x.open("cac:InvoiceDocumentReference")
            x.element("cbc:ID", corrected)
            if let date = invoice.correctsIssueDate { x.element("cbc:IssueDate", date.description) }
            x.close("cac:InvoiceDocumentReference")
            x.close("cac:BillingReference")
        }
        party(&x, "cac:AccountingSupplierParty", invoice.seller, seller: true)
        party(&x, "cac:AccountingCustomerParty", invoice.buyer, seller: false)
        x.open("cac:PaymentMeans")
        x.element("cbc:PaymentMeansCode", Content.paymentMeansCode(invoice))
        if let iban = Content.iban(invoice) {
            x.element("cbc:PaymentID", number)
            x.open("cac:PayeeFinancialAccount")
            x.element("cbc:ID", iban)
            x.element("cbc:Name", invoice.seller.name)
            x.close("cac:PayeeFinancialAccount")
        }
        x.close("cac:PaymentMeans")
        x.open("cac:PaymentTerms")
        x.element("cbc:Note", Content.paymentTerms(invoice))
        x.close("cac:PaymentTerms")
        x.open("cac:TaxTotal")
        x.element("cbc:TaxAmount", Content.amount(invoice.totals.vatCents), attributes: [("currencyID", "EUR")])
        for group in invoice.totals.groups {
            x.open("cac:TaxSubtotal")
            x.element("cbc:TaxableAmount", Content.amount(group.taxableCents), attributes: [("currencyID", "EUR")])
            x.element("cbc:TaxAmount", Content.amount(group.vatCents), attributes: [("currencyID", "EUR")])
            taxCategory(&x, "cac:TaxCategory", group.vat, breakdown: true)
            x.close("cac:TaxSubtotal")
        }
        x.close("cac:TaxTotal")
        x.open("cac:LegalMonetaryTotal")
        for name in ["cbc:LineExtensionAmount", "cbc:TaxExclusiveAmount"] {
            x.element(name, Content.amount(invoice.totals.netCents), attributes: [("currencyID", "EUR")])
        }
        for name in ["cbc:TaxInclusiveAmount", "cbc:PayableAmount"] {
            x.element(name, Content.amount(invoice.totals.grossCents), attributes: [("currencyID", "EUR")])
        }
        x.close("cac:LegalMonetaryTotal")
        for line in invoice.lines {
            x.open(creditNote ? "cac:CreditNoteLine" : "cac:InvoiceLine")
            x.element("cbc:ID", String(line.position))
            x.element(
                creditNote ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", Content.quantity(line.quantityMilli),
                attributes: [("unitCode", Content.unitCode(line.unit))])
            x.element("cbc:LineExtensionAmount", Content.amount(line.netCents), attributes: [("currencyID", "EUR")])
            x.open("cac:InvoicePeriod")
            x.element("cbc:StartDate", line.serviceDate.description)
            x.element("cbc:EndDate", line.serviceDate.description)
            x.close("cac:InvoicePeriod")
            x.open("cac:Item")
            x.element("cbc:Name", String(line.description.prefix(200)))
            taxCategory(&x, "cac:ClassifiedTaxCategory", line.vat, breakdown: false)
            x.close("cac:Item")
            x.open("cac:Price")
            x.element("cbc:PriceAmount", Content.amount(line.unitPriceCents), attributes: [("currencyID", "EUR")])
            x.close("cac:Price")
            x.close(creditNote ? "cac:CreditNoteLine" : "cac:InvoiceLine")
        }
        x.close(root)
        return x.text
    }

    /// A party: its electronic address, SIRET (BT-29, BT-46), name, address, VAT number, and
    /// SIREN as its legal registration (BT-30, BT-47).
    static func party(_ x: inout XMLWriter, _ name: String, _ party: InvoiceParty, seller: Bool) {
        x.open(name)
        x.open("cac:Party")
        if let address = Content.electronicAddress(party) {
            x.element("cbc:EndpointID", address.value, attributes: [("schemeID", address.scheme)])
        }
        if let siret = party.siret {
            x.open("cac:PartyIdentification")
            x.element("cbc:ID", siret, attributes: [("schemeID", "0009")])
            x.close("cac:PartyIdentification")
        }
        x.open("cac:PartyName")
        x.element("cbc:Name", party.name)
        x.close("cac:PartyName")
        let address = PostalAddress(party.address)
        x.open("cac:PostalAddress")
        if let street = address.street { x.element("cbc:StreetName", street) }
        if let city = address.city { x.element("cbc:CityName", city) }
        if let zone = address.postalCode { x.element("cbc:PostalZone", zone) }
        x.open("cac:Country")
        x.element("cbc:IdentificationCode", "FR")
        x.close("cac:Country")
        x.close("cac:PostalAddress")
        if let vat = party.vatId {
            x.open("cac:PartyTaxScheme")
            x.element("cbc:CompanyID", vat)
            x.open("cac:TaxScheme")
            x.element("cbc:ID", "VAT")
            x.close("cac:TaxScheme")
            x.close("cac:PartyTaxScheme")
        } else if seller, let siren = Content.siren(party) {
            // No VAT number: the SIREN as the tax registration (BT-32; EN 16931, BR-E-02).
            x.open("cac:PartyTaxScheme")
            x.element("cbc:CompanyID", siren)
            x.open("cac:TaxScheme")
            x.element("cbc:ID", "FC")
            x.close("cac:TaxScheme")
            x.close("cac:PartyTaxScheme")
        }
        x.open("cac:PartyLegalEntity")
        x.element("cbc:RegistrationName", party.name)
        if let siren = Content.siren(party) { x.element("cbc:CompanyID", siren, attributes: [("schemeID", "0002")]) }
        if seller, let form = party.legalForm { x.element("cbc:CompanyLegalForm", form) }
        x.close("cac:PartyLegalEntity")
        if let email = party.email {
            x.open("cac:Contact")
            x.element("cbc:ElectronicMail", email)
            x.close("cac:Contact")
        }
        x.close("cac:Party")
        x.close(name)
    }

    static func taxCategory(_ x: inout XMLWriter, _ name: String, _ vat: VATTreatment, breakdown: Bool) {
        x.open(name)
        x.element("cbc:ID", Content.category(vat))
        x.element("cbc:Percent", Content.percent(vat))
        if breakdown, case .exempt(let mention) = vat {
            if let code = Content.exemptionCode(mention) { x.element("cbc:TaxExemptionReasonCode", code) }
            x.element("cbc:TaxExemptionReason", mention)
        }
        x.open("cac:TaxScheme")
        x.element("cbc:ID", "VAT")
        x.close("cac:TaxScheme")
        x.close(name)
    }
}

/// Builds indented XML, escaping text and attributes.
struct XMLWriter {
    var text = ""
    var depth = 0

    mutating func raw(_ line: String) { text += line + "\n" }

    mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += String(repeating: "  ", count: depth) + "<\(name)\(Self.attributes(attributes))>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += String(repeating: "  ", count: depth) + "</\(name)>\n"
    }

    mutating func element(_ name: String, _ value: String, attributes: [(String, String)] = []) {
        text += String(repeating: "  ", count: depth) + "<\(name)\(Self.attributes(attributes))>\(Self.escape(value))</\(name)>\n"
    }

    static func attributes(_ list: [(String, String)]) -> String {
        list.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    static func escape(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default:
                // Control characters are not allowed in XML 1.0 (but tab and newline).
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
