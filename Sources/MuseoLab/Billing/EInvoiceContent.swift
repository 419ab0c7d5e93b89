import Foundation

/// What an e-invoice says, whatever its syntax (UBL or CII): the EN 16931 business terms the
/// two share, with the French rules (BR-FR Flux 2) on top. `UBLDocument` and `CIIDocument`
/// only write these in their own elements.
enum EInvoiceContent {
    /// EN 16931 core specification, the profile Chorus Pro and the French platforms take.
    static let specification = "urn:cen.eu:en16931:2017"

    /// A document note (BG-1) with its subject code (BT-21), when it has one.
    struct Note: Equatable {
        var subject: String?
        var text: String
    }

    /// The legal mentions of French invoices, each with the subject code BR-FR-05 asks of it:
    /// late-payment penalties (PMD), the recovery indemnity (PMT), discount (AAB). A credit note
    /// also says which invoice it corrects and why.
    static func notes(_ invoice: Invoice) -> [Note] {
        var notes: [Note] = []
        if invoice.kind == .creditNote, let corrected = invoice.correctsNumber {
            notes.append(Note(subject: "AAI", text: "Avoir sur la facture \(corrected)" + (invoice.creditReason.map { " : \($0)" } ?? "")))
        }
        notes.append(Note(subject: "PMD", text: "Pénalités de retard : \(Money.decimal(invoice.latePenaltyRateBp)) % l’an (art. L441-10 du Code de commerce)."))
        if invoice.buyer.isProfessional {
            notes.append(Note(subject: "PMT", text: "Indemnité forfaitaire pour frais de recouvrement : \(Money.decimal(invoice.recoveryIndemnityCents)) € (art. D441-5 du Code de commerce)."))
        } else {
            // Owed by professional buyers only; the mention is still required, saying so.
            notes.append(Note(subject: "PMT", text: "Indemnité forfaitaire pour frais de recouvrement : non applicable, client non professionnel."))
        }
        notes.append(Note(subject: "AAB", text: "Pas d’escompte pour paiement anticipé."))
        return notes
    }

    /// The payment terms (BT-20).
    static func paymentTerms(_ invoice: Invoice) -> String {
        let due = invoice.dueDate.map { ", au plus tard le \($0)" } ?? ""
        return "Paiement à \(invoice.paymentTermsDays) jours\(due), par virement."
    }

    /// The invoicing frame (BT-23, BR-FR-08): the seller files an invoice of goods (B1), of
    /// services (S1) or of both (M1), not yet paid.
    static func frame(_ invoice: Invoice) -> String {
        let goods = invoice.lines.filter(\.isGoods).count
        return goods == 0 ? "S1" : goods == invoice.lines.count ? "B1" : "M1"
    }

    /// The category of the operations, a mention French invoices carry from 2026 (goods,
    /// services or both), as the frame says it.
    static func operations(_ invoice: Invoice) -> String {
        switch frame(invoice) {
        case "B1": "livraisons de biens"
        case "S1": "prestations de services"
        default: "livraisons de biens et prestations de services"
        }
    }

    /// The SIREN of a party: stated, or the first nine digits of its SIRET.
    static func siren(_ party: InvoiceParty) -> String? {
        party.siren ?? party.siret.map { String($0.prefix(9)) }
    }

    /// A party's electronic address (BT-34, BT-49) and its scheme: a public body's SIRET, by
    /// which Chorus Pro routes (0009); a company's or an association's SIREN in the French
    /// directory (0225); otherwise its e-mail (EM).
    static func electronicAddress(_ party: InvoiceParty) -> (scheme: String, value: String)? {
        if party.isPublicBody, let siret = party.siret { return ("0009", siret) }
        if let siren = siren(party) { return ("0225", siren) }
        if let email = party.email { return ("EM", email) }
        return nil
    }

    /// The VAT category code (BT-118, BT-151): standard (S), zero-rated (Z) or exempt (E).
    static func category(_ vat: VATTreatment) -> String {
        switch vat {
        case .rate(let bp): bp == 0 ? "Z" : "S"
        case .exempt: "E"
        }
    }

    /// The rate (BT-119, BT-152), a decimal with a point.
    static func percent(_ vat: VATTreatment) -> String {
        switch vat {
        case .rate(let bp): Money.decimal(bp).replacingOccurrences(of: ",", with: ".")
        case .exempt: "0"
        }
    }

    /// The VATEX code for the usual French exemption mentions.
    static func exemptionCode(_ mention: String) -> String? {
        let compact = mention.lowercased().replacingOccurrences(of: " ", with: "")
        if compact.contains("293b") { return "VATEX-FR-FRANCHISE" }
        if compact.contains("261-7") || compact.contains("261,7") { return "VATEX-FR-CGI261-7" }
        return nil
    }

    /// UN/ECE recommendation 20 unit codes.
    static func unitCode(_ unit: TariffItem.Unit) -> String {
        switch unit {
        case .hour: "HUR"
        case .day: "DAY"
        case .halfDay, .unit: "C62"
        }
    }

    /// The payment means (BT-81): credit transfer (30) to the IBAN, else not defined (1).
    static func paymentMeansCode(_ invoice: Invoice) -> String { invoice.paymentIBAN == nil ? "1" : "30" }

    static func iban(_ invoice: Invoice) -> String? { invoice.paymentIBAN?.replacingOccurrences(of: " ", with: "") }

    static func amount(_ cents: Int) -> String { Money.decimal(cents).replacingOccurrences(of: ",", with: ".") }
    static func quantity(_ milli: Int) -> String { Money.quantity(milli).replacingOccurrences(of: ",", with: ".") }

    /// An issued document's number and issue date; a draft has no e-invoice.
    static func issued(_ invoice: Invoice) throws -> (number: String, issueDate: CalendarDate) {
        guard invoice.status == .issued, let number = invoice.number, let issueDate = invoice.issueDate else {
            throw Problem(.conflict, "an e-invoice is generated for an issued document: issue the draft first")
        }
        return (number, issueDate)
    }
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

    /// Street, postcode and city are all there.
    var isComplete: Bool { street != nil && postalCode != nil && city != nil }
}
