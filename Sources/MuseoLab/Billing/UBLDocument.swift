import Foundation

/// An issued invoice or credit note as a UBL 2.1 `Invoice` / `CreditNote` for Chorus Pro,
/// EN 16931 core (`urn:cen.eu:en16931:2017`): parties identified by SIRET (scheme 0009),
/// the buyer's service code as BuyerReference, the legal commitment number (engagement
/// juridique) as OrderReference, one VAT breakdown per rate or exemption.
public enum UBLDocument {
    /// - Throws: a conflict for a draft or a discarded document: an e-invoice is for an issued one.
    public static func render(_ invoice: Invoice) throws -> String {
        guard invoice.status == .issued, let number = invoice.number, let issueDate = invoice.issueDate else {
            throw Problem(.conflict, "an e-invoice is generated for an issued document: issue the draft first")
        }
        let creditNote = invoice.kind == .creditNote
        let root = creditNote ? "CreditNote" : "Invoice"
        var x = XMLWriter()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.open(root, attributes: [
            ("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:\(root)-2"),
            ("xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
            ("xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"),
        ])
        x.element("cbc:CustomizationID", "urn:cen.eu:en16931:2017")
        x.element("cbc:ProfileID", "A1")
        x.element("cbc:ID", number)
        x.element("cbc:IssueDate", issueDate.description)
        if !creditNote, let due = invoice.dueDate { x.element("cbc:DueDate", due.description) }
        x.element(creditNote ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", creditNote ? "381" : "380")
        for note in notes(invoice) { x.element("cbc:Note", note) }
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
            x.close("cac:InvoiceDocumentReference")
            x.close("cac:BillingReference")
        }
        party(&x, "cac:AccountingSupplierParty", invoice.seller, seller: true)
        party(&x, "cac:AccountingCustomerParty", invoice.buyer, seller: false)
        x.open("cac:PaymentMeans")
        if let iban = invoice.paymentIBAN {
            x.element("cbc:PaymentMeansCode", "30")
            x.element("cbc:PaymentID", invoice.number ?? "DRAFT")
            x.open("cac:PayeeFinancialAccount")
            x.element("cbc:ID", iban.replacingOccurrences(of: " ", with: ""))
            x.element("cbc:Name", invoice.seller.name)
            x.close("cac:PayeeFinancialAccount")
        } else {
            x.element("cbc:PaymentMeansCode", "1")
        }
        x.close("cac:PaymentMeans")
        x.open("cac:PaymentTerms")
        x.element("cbc:Note", paymentTerms(invoice))
        x.close("cac:PaymentTerms")
        x.open("cac:TaxTotal")
        x.element("cbc:TaxAmount", amount(invoice.totals.vatCents), attributes: [("currencyID", "EUR")])
        for group in invoice.totals.groups {
            x.open("cac:TaxSubtotal")
            x.element("cbc:TaxableAmount", amount(group.taxableCents), attributes: [("currencyID", "EUR")])
            x.element("cbc:TaxAmount", amount(group.vatCents), attributes: [("currencyID", "EUR")])
            taxCategory(&x, "cac:TaxCategory", group.vat, breakdown: true)
            x.close("cac:TaxSubtotal")
        }
        x.close("cac:TaxTotal")
        x.open("cac:LegalMonetaryTotal")
        for name in ["cbc:LineExtensionAmount", "cbc:TaxExclusiveAmount"] {
            x.element(name, amount(invoice.totals.netCents), attributes: [("currencyID", "EUR")])
        }
        for name in ["cbc:TaxInclusiveAmount", "cbc:PayableAmount"] {
            x.element(name, amount(invoice.totals.grossCents), attributes: [("currencyID", "EUR")])
        }
        x.close("cac:LegalMonetaryTotal")
        for line in invoice.lines {
            x.open(creditNote ? "cac:CreditNoteLine" : "cac:InvoiceLine")
            x.element("cbc:ID", String(line.position))
            x.element(creditNote ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", quantity(line.quantityMilli), attributes: [("unitCode", unitCode(line.unit))])
            x.element("cbc:LineExtensionAmount", amount(line.netCents), attributes: [("currencyID", "EUR")])
            x.open("cac:InvoicePeriod")
            x.element("cbc:StartDate", line.serviceDate.description)
            x.element("cbc:EndDate", line.serviceDate.description)
            x.close("cac:InvoicePeriod")
            x.open("cac:Item")
            x.element("cbc:Name", String(line.description.prefix(200)))
            taxCategory(&x, "cac:ClassifiedTaxCategory", line.vat, breakdown: false)
            x.close("cac:Item")
            x.open("cac:Price")
            x.element("cbc:PriceAmount", amount(line.unitPriceCents), attributes: [("currencyID", "EUR")])
            x.close("cac:Price")
            x.close(creditNote ? "cac:CreditNoteLine" : "cac:InvoiceLine")
        }
        x.close(root)
        return x.text
    }

    static func party(_ x: inout XMLWriter, _ name: String, _ party: InvoiceParty, seller: Bool) {
        x.open(name)
        x.open("cac:Party")
        if let siret = party.siret {
            x.element("cbc:EndpointID", siret, attributes: [("schemeID", "0009")])
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
        } else if seller, let siren = party.siren {
            // No VAT number: the SIREN as the tax registration (EN 16931, BR-E-02).
            x.open("cac:PartyTaxScheme")
            x.element("cbc:CompanyID", siren)
            x.open("cac:TaxScheme")
            x.element("cbc:ID", "FC")
            x.close("cac:TaxScheme")
            x.close("cac:PartyTaxScheme")
        }
        x.open("cac:PartyLegalEntity")
        x.element("cbc:RegistrationName", party.name)
        if let siret = party.siret {
            x.element("cbc:CompanyID", siret, attributes: [("schemeID", "0009")])
        } else if let siren = party.siren {
            x.element("cbc:CompanyID", siren, attributes: [("schemeID", "0002")])
        }
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
        switch vat {
        case .rate(let bp):
            x.element("cbc:ID", bp == 0 ? "Z" : "S")
            x.element("cbc:Percent", Money.decimal(bp).replacingOccurrences(of: ",", with: "."))
        case .exempt(let mention):
            x.element("cbc:ID", "E")
            x.element("cbc:Percent", "0")
            if breakdown {
                if let code = exemptionCode(mention) { x.element("cbc:TaxExemptionReasonCode", code) }
                x.element("cbc:TaxExemptionReason", mention)
            }
        }
        x.open("cac:TaxScheme")
        x.element("cbc:ID", "VAT")
        x.close("cac:TaxScheme")
        x.close(name)
    }

    /// The VATEX code for the usual French exemption mentions.
    static func exemptionCode(_ mention: String) -> String? {
        let compact = mention.lowercased().replacingOccurrences(of: " ", with: "")
        if compact.contains("293b") { return "VATEX-FR-FRANCHISE" }
        if compact.contains("261-7") || compact.contains("261,7") { return "VATEX-FR-CGI261-7" }
        return nil
    }

    static func notes(_ invoice: Invoice) -> [String] {
        var notes: [String] = []
        if invoice.kind == .creditNote, let corrected = invoice.correctsNumber {
            notes.append("Avoir sur la facture \(corrected)" + (invoice.creditReason.map { " : \($0)" } ?? ""))
        }
        notes.append("Pénalités de retard : \(Money.decimal(invoice.latePenaltyRateBp)) % l'an (art. L441-10 du Code de commerce). Pas d'escompte pour paiement anticipé.")
        if invoice.buyer.isProfessional {
            notes.append("Indemnité forfaitaire pour frais de recouvrement : \(Money.decimal(invoice.recoveryIndemnityCents)) € (art. D441-5 du Code de commerce).")
        }
        return notes
    }

    static func paymentTerms(_ invoice: Invoice) -> String {
        let due = invoice.dueDate.map { ", au plus tard le \($0)" } ?? ""
        return "Paiement à \(invoice.paymentTermsDays) jours\(due), par virement."
    }

    /// UN/ECE recommendation 20 unit codes.
    static func unitCode(_ unit: TariffItem.Unit) -> String {
        switch unit {
        case .hour: "HUR"
        case .day: "DAY"
        case .halfDay, .unit: "C62"
        }
    }

    static func amount(_ cents: Int) -> String { Money.decimal(cents).replacingOccurrences(of: ",", with: ".") }
    static func quantity(_ milli: Int) -> String { Money.quantity(milli).replacingOccurrences(of: ",", with: ".") }
}

/// A French postal address written on one line: `84 rue Paul Bert, 62300 Lens`.
struct PostalAddress {
    var street: String?
    var postalCode: String?
    var city: String?

    init(_ text: String?) {
        guard let text, !text.isEmpty else { return }
        if let comma = text.range(of: ",", options: .backwards) {
            let tail = text[comma.upperBound...].trimmingCharacters(in: .whitespaces)
            let parts = tail.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].count == 5, parts[0].allSatisfy(\.isNumber) {
                street = text[..<comma.lowerBound].trimmingCharacters(in: .whitespaces)
                postalCode = String(parts[0])
                city = String(parts[1])
                return
            }
        }
        street = text
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
