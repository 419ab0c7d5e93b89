import Foundation

// MARK: - Tariffs

/// The tariff grid's versions, which one prices a day, and loading a new version (previewed first).
struct DeskTariffsPage: Page {
    static let template = "desk-tariffs"
    var title = "Grille tarifaire"
    var nav: Navigation
    var csrf: String
    var notice: String?
    var versions: [Version]
    /// The day asked about (`?jour=`), and what answers it.
    var day: String
    var dayError: String?
    var inForce: InForce?
    /// The new version's form, as typed.
    var table: String
    var effectiveFrom: String
    var label: String
    var tableError: String?
    var effectiveFromError: String?
    var labelError: String?
    /// The table read line by line, nothing loaded.
    var preview: Preview?

    struct Version: Sendable {
        var label: String
        var effectiveFrom: String
        var items: Int
        var locked: Bool
        var lockedSince: String?
    }

    struct InForce: Sendable {
        var day: String
        var label: String?
        var effectiveFrom: String?
        var items: [Item]
        /// Said when no version is in force on the day.
        var none: String?
    }

    struct Item: Sendable {
        var line: String
        var code: String
        var label: String
        var unit: String
        var scope: String
        var vat: String
        var prices: [Price]
    }

    struct Price: Sendable {
        var category: String
        var amount: String
    }

    struct Preview: Sendable {
        /// Named apart from the page's `effectiveFrom` (the ISO date the load form posts again).
        var effectiveDay: String
        /// Where the table came from: the uploaded file's name, or pasted.
        var source: String
        var items: [Item]
        /// The previewed table's bytes, in base64, posted again to load exactly them.
        var bytes: String
    }
}

// MARK: - To invoice

/// The open billable items per customer, drafting a customer's period, entering consumables.
struct DeskToInvoicePage: Page {
    static let template = "desk-to-invoice"
    var title = "À facturer"
    var nav: Navigation
    var csrf: String
    var notice: String?
    var customers: [Customer]
    /// The consumables form.
    var consumable: ConsumableForm

    struct Customer: Sendable {
        var id: String
        var name: String
        var count: Int
        var total: String
        /// How many items are priced only when drafted (no grid in force on their day yet), when some are.
        var unpriced: String?
        var from: String
        var to: String
        var items: [Item]
        var billing: BillingDetails
    }

    /// What invoicing the customer takes, shown and settable where the draft is prepared.
    struct BillingDetails: Sendable {
        var siretValue: String
        var serviceValue: String
        var accountValue: String
        /// The account its entries go under when none is set.
        var derivedAccount: String
        var isPublicBody: Bool
        /// A public body without its SIRET: its draft would be refused.
        var missingSiret: Bool
        var billingProblem: String?
        var siretError: String?
        var serviceError: String?
        var accountError: String?
    }

    struct Item: Sendable {
        var day: String
        var kind: String
        var description: String
        var quantity: String
        var amount: String
    }

    struct ConsumableForm: Sendable {
        var customers: [Choice]
        var consumables: [Choice]
        var quantity: String
        var day: String
        var description: String
        var problem: String?
        var customerError: String?
        var consumableError: String?
        var quantityError: String?
        var dayError: String?
        var descriptionError: String?
    }
}

// MARK: - Invoices

/// Invoices and credit notes, the footprint chain's state, and drafting a customer's period.
struct DeskInvoicesPage: Page {
    static let template = "desk-invoices"
    var title = "Factures et avoirs"
    var nav: Navigation
    var csrf: String
    var notice: String?
    var chain: Chain
    var documents: [Document]
    var draft: DraftForm

    struct Chain: Sendable {
        var valid: Bool
        var documents: Int
        var said: String
        var brokenAt: String?
        var problem: String?
    }

    struct Document: Sendable {
        var href: String
        var number: String
        var kind: String
        var customer: String
        var date: String
        var total: String
        var status: String
        var statusClass: String
    }

    struct DraftForm: Sendable {
        var customers: [Choice]
        var from: String
        var to: String
        var commitment: String
        var problem: String?
        var customerError: String?
        var fromError: String?
        var toError: String?
        var commitmentError: String?
    }
}

/// One invoice or credit note: its lines and totals, and what can be done with it.
struct DeskInvoicePage: Page {
    static let template = "desk-invoice"
    var title: String
    var nav: Navigation
    var csrf: String
    var notice: String?
    var problem: String?
    var heading: String
    var kind: String
    var status: String
    var statusClass: String
    var customer: String
    var period: String
    var issueDate: String?
    var dueDate: String?
    var issuedBy: String?
    var serviceCode: String?
    var commitment: String?
    var corrects: Link?
    var creditReason: String?
    var lines: [Line]
    var vatGroups: [VATGroup]
    var totalNet: String
    var totalVat: String
    var totalGross: String
    var footprint: String?
    var chainPosition: Int?
    /// The credit notes that correct this invoice.
    var creditNotes: [Link]
    var htmlHref: String
    /// The files kept as issued (PDF, UBL, CII), for an issued document only.
    var files: Files?
    /// For a draft: issuing (confirmed) and discarding.
    var draft: DraftActions?
    /// For an issued invoice: a credit note, in full or by line.
    var credit: CreditForm?

    struct Files: Sendable {
        var pdf: String
        var ubl: String
        var cii: String
    }

    struct Link: Sendable {
        var href: String
        var label: String
    }

    struct Line: Sendable {
        var description: String
        var day: String
        var quantity: String
        var unit: String
        var unitPrice: String
        var net: String
        var vat: String
    }

    struct VATGroup: Sendable {
        var vat: String
        var base: String
        var amount: String
    }

    struct DraftActions: Sendable {
        var issueAction: String
        var discardAction: String
        var confirmError: String?
        /// What the French e-invoicing rules still need of the parties, said before issuing.
        var legalDataMissing: LegalDataMissing?
    }

    struct LegalDataMissing: Sendable {
        var missingItems: [Item]

        struct Item: Sendable {
            var missingText: String
        }
    }

    struct CreditForm: Sendable {
        var action: String
        var reason: String
        var reopen: Bool
        var reasonError: String?
        var linesError: String?
        var lines: [CreditLine]
    }

    struct CreditLine: Sendable {
        /// The amount's field, `montant-<line id>`.
        var field: String
        var label: String
        var net: String
        var amount: String
    }
}

// MARK: - Exports

/// The invoice register and the FEC sales journal of a date range.
struct DeskExportsPage: Page {
    static let template = "desk-exports"
    var title = "Exports comptables"
    var nav: Navigation
    var from: String
    var to: String
    var fromError: String?
    var toError: String?
}
