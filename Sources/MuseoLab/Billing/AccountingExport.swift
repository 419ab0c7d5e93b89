import Foundation
import PostgresNIO

/// Accounting exports of the issued documents of a period, streamed line by line:
/// the invoice register (CSV for French spreadsheets) and the sales journal in the FEC
/// layout (article A47 A-1 of the Livre des procédures fiscales).
public struct AccountingExport: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One issued document with its lines' totals per VAT treatment.
    struct Document: Sendable {
        var number: String
        var kind: Invoice.Kind
        var issueDate: CalendarDate
        var dueDate: CalendarDate
        var chainPosition: Int
        var buyerName: String
        var buyerSiren: String?
        var buyerSiret: String?
        var customerAccount: String
        var correctsNumber: String?
        var totals: DocumentTotals
    }

    /// The invoice register: one row per document, totals per VAT rate, `;`, decimal comma,
    /// UTF-8 with a byte-order mark. Credit notes count negatively.
    public func register(from: CalendarDate, to: CalendarDate, by actor: Actor, write: @Sendable (String) async throws -> Void) async throws {
        try actor.require(.manageBilling, "export the accounts")
        guard to >= from else { throw Problem(.endNotAfterStart, "`to` must be on or after `from`", field: "to") }
        let treatments = try await database.read { try await $0.run(AccountingExportStore.Treatments(from: from, to: to)) }
        let ordered = DocumentTotals(lines: treatments.map { (0, $0) }).groups.map(\.vat)
        var header = ["Type", "Numéro", "Date", "Échéance", "Client", "SIREN", "SIRET", "Compte client", "Document corrigé"]
        for treatment in ordered {
            switch treatment {
            case .rate: header += ["Base HT \(treatment.label)", "TVA \(treatment.label)"]
            case .exempt(let mention): header += ["Base HT exonérée (\(mention))"]
            }
        }
        header += ["Total HT", "Total TVA", "Total TTC"]
        try await write("\u{FEFF}" + header.map(Self.csvField).joined(separator: ";") + "\r\n")
        try await documents(from: from, to: to) { document in
            let sign = document.kind == .invoice ? 1 : -1
            var cells = [
                document.kind == .invoice ? "Facture" : "Avoir", document.number, document.issueDate.description, document.dueDate.description,
                document.buyerName, document.buyerSiren ?? "", document.buyerSiret ?? "", document.customerAccount, document.correctsNumber ?? "",
            ]
            for treatment in ordered {
                let group = document.totals.groups.first { $0.vat == treatment }
                cells.append(Money.decimal(sign * (group?.taxableCents ?? 0)))
                if case .rate = treatment { cells.append(Money.decimal(sign * (group?.vatCents ?? 0))) }
            }
            cells += [Money.decimal(sign * document.totals.netCents), Money.decimal(sign * document.totals.vatCents), Money.decimal(sign * document.totals.grossCents)]
            try await write(cells.map(Self.csvField).joined(separator: ";") + "\r\n")
        }
    }

    public static let fecColumns = [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef",
        "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
    ]

    /// The sales journal in the FEC layout: 18 tab-separated columns, dates AAAAMMJJ,
    /// decimal comma. Each document is one balanced entry: the customer (411, with its
    /// auxiliary account) against revenue (706) and VAT collected (44571) per rate.
    public func fec(from: CalendarDate, to: CalendarDate, by actor: Actor, write: @Sendable (String) async throws -> Void) async throws {
        try actor.require(.manageBilling, "export the accounts")
        guard to >= from else { throw Problem(.endNotAfterStart, "`to` must be on or after `from`", field: "to") }
        let settings = try await database.read { try await BillingSettings.load($0) }
        let (journal, journalLabel, revenue, vatAccount, customers) = (
            settings.journalCode, settings.journalLabel, settings.revenueAccount, settings.vatCollectedAccount, settings.customerAccount)
        try await write(Self.fecColumns.joined(separator: "\t") + "\r\n")
        try await documents(from: from, to: to) { document in
            let date = document.issueDate.description.replacingOccurrences(of: "-", with: "")
            let label = "\(document.kind == .invoice ? "Facture" : "Avoir") \(document.number) \(document.buyerName)"
            let invoice = document.kind == .invoice
            func row(_ account: String, _ accountLabel: String, aux: (String, String)?, debit: Int, credit: Int) -> String {
                [
                    journal, journalLabel, String(document.chainPosition), date, account, accountLabel, aux?.0 ?? "", aux?.1 ?? "", document.number,
                    date, label, Money.decimal(debit), Money.decimal(credit), "", "", date, "", "",
                ].map(Self.fecField).joined(separator: "\t") + "\r\n"
            }
            var text = row(
                customers, "Clients", aux: (document.customerAccount, document.buyerName),
                debit: invoice ? document.totals.grossCents : 0, credit: invoice ? 0 : document.totals.grossCents)
            for group in document.totals.groups {
                text += row(revenue, "Prestations de services – \(group.vat.label)", aux: nil,
                            debit: invoice ? 0 : group.taxableCents, credit: invoice ? group.taxableCents : 0)
                if group.vatCents != 0 {
                    text += row(vatAccount, "TVA collectée \(group.vat.label)", aux: nil,
                                debit: invoice ? 0 : group.vatCents, credit: invoice ? group.vatCents : 0)
                }
            }
            try await write(text)
        }
    }

    /// The file name the FEC layout asks for: the seller's SIREN, `FEC`, the closing date (`797553567FEC20261231.txt`).
    public func fecFileName(to: CalendarDate) async throws -> String {
        let siren = try await database.read { try await $0.run(AccountingExportStore.SellerSiren()).first ?? nil }
        return "\(siren ?? "000000000")FEC\(to.description.replacingOccurrences(of: "-", with: "")).txt"
    }

    /// The issued documents of the period in chain order, read as a stream of lines.
    func documents(from: CalendarDate, to: CalendarDate, each: (Document) async throws -> Void) async throws {
        try await database.read { session in
            var current: Document?
            var lines: [(net: Int, vat: VATTreatment)] = []
            func flush() async throws {
                guard var document = current else { return }
                document.totals = DocumentTotals(lines: lines)
                try await each(document)
                current = nil
                lines = []
            }
            for try await line in try await session.stream(AccountingExportStore.DocumentLines(from: from, to: to)) {
                if current?.number != line.document.number {
                    try await flush()
                    current = line.document
                }
                lines.append((line.netCents, line.vat))
            }
            try await flush()
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 59 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// FEC fields cannot hold tabs or line breaks.
    static func fecField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\t" || $0 == "\r" || $0 == "\n" ? " " : $0 }))
    }
}
