import Foundation

/// A party to an invoice, as the document states it.
public struct InvoiceParty: Sendable, Equatable, Codable {
    public var name: String
    public var legalForm: String?
    public var address: String?
    public var siren: String?
    public var siret: String?
    public var vatId: String?
    public var email: String?
    /// A public body's invoices go through Chorus Pro.
    public var isPublicBody: Bool
    /// Professional buyers owe the fixed recovery indemnity.
    public var isProfessional: Bool
}

/// An invoice or a credit note: a draft, then issued (final), or a discarded draft.
public struct Invoice: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case invoice
        case creditNote = "credit_note"
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case draft, issued, discarded
    }

    public struct Line: Sendable, Equatable, Codable {
        public var id: UUID
        public var position: Int
        public var description: String
        public var serviceDate: CalendarDate
        public var quantityMilli: Int
        public var unit: TariffItem.Unit
        public var unitPriceCents: Int
        public var netCents: Int
        public var vat: VATTreatment
        public var tariffVersionId: UUID?
        public var tariffItemCode: String?
        public var billableItemId: UUID?
        public var correctsLineId: UUID?
        /// Goods sold (a consumable), not a service: the invoicing frame (BT-23) says which.
        public var isGoods: Bool
    }

    public var id: UUID
    public var kind: Kind
    public var status: Status
    public var number: String?
    public var customerOrganisationId: UUID
    public var seller: InvoiceParty
    public var buyer: InvoiceParty
    public var periodStart: CalendarDate
    public var periodEnd: CalendarDate
    public var issueDate: CalendarDate?
    public var dueDate: CalendarDate?
    public var buyerServiceCode: String?
    public var commitmentNumber: String?
    public var correctsInvoiceId: UUID?
    public var correctsNumber: String?
    /// The corrected invoice's issue date (BT-26), which a credit note states with its number.
    public var correctsIssueDate: CalendarDate?
    public var creditReason: String?
    /// A full credit note that puts the credited items back to be invoiced again when issued.
    public var reopensItems: Bool
    public var lines: [Line]
    public var totals: DocumentTotals
    public var paymentTermsDays: Int
    public var latePenaltyRateBp: Int
    public var recoveryIndemnityCents: Int
    public var paymentIBAN: String?
    public var paymentBIC: String?
    public var chainPosition: Int?
    public var previousFootprint: String?
    public var footprint: String?
    public var issuedAt: Date?
    public var issuedBy: String?
    /// The SHA-256 of the files produced when it was issued (none for a draft, nor for documents
    /// issued before files were kept).
    public var files: IssuedFiles.Digests?
}

extension Invoice {
    /// What the French e-invoicing rules still need of its parties before it can be issued (a
    /// draft shows today's parties), by field.
    public var missingLegalData: [Problem.FieldError] { InvoiceRules.missingLegalData(self) }
}

/// The outcome of checking the chain of footprints.
public struct ChainVerification: Sendable, Equatable, Codable {
    public var documents: Int
    public var valid: Bool
    /// The first document whose footprint does not match, and why.
    public var brokenAt: String?
    public var problem: String?
}
