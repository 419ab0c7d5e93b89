import ArgumentParser
import Foundation
import MuseoLab

struct InvoicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices",
        abstract: "Invoices and credit notes: drafted from billable items, issued with a continuous number, never changed.",
        subcommands: [Draft.self, List.self, Show.self, Issue.self, Discard.self, Credit.self, HTML.self, PDF.self, CII.self, UBL.self]
    )
}

extension InvoicesCommand {
    struct Draft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draft an invoice from a customer's open billable items of a period.")
        @Option(help: "The customer organisation (id or name).") var customer: String
        @Option(help: "A month 2026-11, a year 2026, or 2026-11-01..2026-11-15.") var period: String
        @Option(name: .customLong("service-code"), help: "The buyer's Chorus Pro service code (default: the organisation's).") var serviceCode: String?
        @Option(help: "The buyer's legal commitment (engagement juridique) number.") var commitment: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let (from, to) = try Invoices.period(period, field: "--period")
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let organisation = try await lab.organisations.find(customer, by: actor)
                let draft = try await lab.invoices.draft(
                    customerId: organisation.id, from: from, to: to, serviceCode: serviceCode, commitmentNumber: commitment, by: actor)
                if output.json { try Printer.json(draft) } else { InvoiceSummary.print(draft) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invoices and credit notes, issued ones in numbering order.")
        @Option var customer: String?
        @Option var status: Invoice.Status?
        @Option var kind: Invoice.Kind?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let customerId = try await customer.asyncMap { try await lab.organisations.find($0, by: actor).id }
                let invoices = try await lab.invoices.list(customerId: customerId, status: status, kind: kind, by: actor)
                if output.json { return try Printer.json(invoices) }
                Printer.table(["NUMBER", "KIND", "STATUS", "ISSUED", "CUSTOMER", "NET", "VAT", "TOTAL", "ID"], invoices.map {
                    [$0.number ?? "(draft)", $0.kind.rawValue, $0.status.rawValue, $0.issueDate?.description ?? "-", $0.buyer.name,
                     Money.decimal($0.totals.netCents), Money.decimal($0.totals.vatCents), Money.decimal($0.totals.grossCents), $0.id.uuidString.lowercased()]
                })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A document, by number or id.")
        @Argument var invoice: String
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.invoices.find(invoice, by: CommandRunner.actor)
                if output.json { try Printer.json(found) } else { InvoiceSummary.print(found) }
            }
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a draft: the next number of its series, today's date; final from then on.")
        @Argument var invoice: String
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let issued = try await lab.invoices.issue(try await lab.invoices.find(invoice, by: actor).id, by: actor)
                if output.json { try Printer.json(issued) } else { InvoiceSummary.print(issued) }
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Abandon a draft; its items can be drafted again.")
        @Argument var invoice: String
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                _ = try await lab.invoices.discard(try await lab.invoices.find(invoice, by: actor).id, by: actor)
                Printer.line("Draft discarded.")
            }
        }
    }

    struct Credit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draft a credit note for an issued invoice, in full or for some lines; then issue it.",
            discussion: "Partial: --line POSITION=AMOUNT (before VAT, e.g. --line 2=15,50), repeatable.")
        @Argument var invoice: String
        @Option var reason: String
        @Option(name: .customLong("line"), help: "POSITION=AMOUNT: credit this amount of this line.") var lines: [String] = []
        @Flag(name: .customLong("reopen-items"), help: "The credited items come back to be invoiced again.") var reopenItems = false
        @Flag(help: "Issue the credit note at once.") var issue = false
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let parsed = try lines.map { text -> (position: Int, cents: Int) in
                let parts = text.split(separator: "=").map(String.init)
                guard parts.count == 2, let position = Int(parts[0]), let cents = Money.parseCents(parts[1]) else {
                    throw ValidationError("--line takes POSITION=AMOUNT, e.g. 2=15,50, not \(text)")
                }
                return (position, cents)
            }
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let original = try await lab.invoices.find(invoice, by: actor)
                let amounts = parsed.isEmpty ? nil : try Invoices.creditedAmounts(try parsed.map { entry in
                    guard let line = original.lines.first(where: { $0.position == entry.position }) else {
                        throw Problem.invalid("--line", "\(original.number ?? "the invoice") has no line \(entry.position)")
                    }
                    return (line.id, entry.cents)
                })
                var note = try await lab.invoices.creditNote(correcting: original.id, reason: reason, amounts: amounts, reopenItems: reopenItems, by: actor)
                if issue { note = try await lab.invoices.issue(note.id, by: actor) }
                if output.json { try Printer.json(note) } else { InvoiceSummary.print(note) }
            }
        }
    }

    struct HTML: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "html", abstract: "The printable invoice (HTML).")
        @Argument var invoice: String
        @Option(help: "Write to this file instead of standard output.") var output: String?
        func run() async throws {
            try await InvoicesCommand.write(invoice, to: output) { InvoiceHTML.render($0) }
        }
    }

    struct PDF: IssuedFileCommand {
        static let kind = IssuedFiles.Kind.pdf
        static let configuration = CommandConfiguration(
            commandName: "pdf", abstract: "The PDF of an issued document (Factur-X: the CII inside), as made when it was issued.")
        @Argument var invoice: String
        @Option(help: "Write to this file instead of standard output.") var output: String?
    }

    struct CII: IssuedFileCommand {
        static let kind = IssuedFiles.Kind.cii
        static let configuration = CommandConfiguration(
            commandName: "cii", abstract: "The UN/CEFACT CII e-invoice (EN 16931, French rules) of an issued document, as made when it was issued.")
        @Argument var invoice: String
        @Option(help: "Write to this file instead of standard output.") var output: String?
    }

    struct UBL: IssuedFileCommand {
        static let kind = IssuedFiles.Kind.ubl
        static let configuration = CommandConfiguration(
            commandName: "ubl", abstract: "The UBL 2.1 e-invoice (EN 16931, French rules) of an issued document, as made when it was issued.")
        @Argument var invoice: String
        @Option(help: "Write to this file instead of standard output.") var output: String?
    }

    /// A document rendered to a file or standard output.
    static func write(_ reference: String, to output: String?, _ render: @escaping @Sendable (Invoice) throws -> String) async throws {
        try await CommandRunner.run { lab, _ in
            try Printer.write(try render(try await lab.invoices.find(reference, by: CommandRunner.actor)), to: output)
        }
    }
}

/// A file kept with an issued document, to a file or standard output, byte for byte.
protocol IssuedFileCommand: AsyncParsableCommand {
    static var kind: IssuedFiles.Kind { get }
    var invoice: String { get }
    var output: String? { get }
}

extension IssuedFileCommand {
    func run() async throws {
        let (reference, output) = (invoice, output)
        try await CommandRunner.run { lab, _ in
            let invoice = try await lab.invoices.find(reference, by: CommandRunner.actor)
            try Printer.write(try await lab.invoices.file(Self.kind, of: invoice.id, by: CommandRunner.actor), to: output)
        }
    }
}

extension Invoice.Status: ExpressibleByArgument {}
extension Invoice.Kind: ExpressibleByArgument {}

enum InvoiceSummary {
    static func print(_ invoice: Invoice) {
        let title = invoice.kind == .invoice ? "Invoice" : "Credit note"
        Printer.line("\(title) \(invoice.number ?? "(draft \(invoice.id.uuidString.lowercased()))") – \(invoice.status.rawValue)")
        Printer.line("Customer: \(invoice.buyer.name)\(invoice.buyer.siret.map { " (SIRET \($0))" } ?? "")")
        Printer.line("Period: \(invoice.periodStart) to \(invoice.periodEnd)")
        if let number = invoice.correctsNumber { Printer.line("Corrects: \(number) – \(invoice.creditReason ?? "")") }
        if let date = invoice.issueDate { Printer.line("Issued: \(date), due \(invoice.dueDate?.description ?? "-")") }
        if let code = invoice.buyerServiceCode { Printer.line("Service code: \(code)") }
        if let commitment = invoice.commitmentNumber { Printer.line("Commitment: \(commitment)") }
        Printer.table(["#", "DATE", "DESCRIPTION", "QTY", "UNIT PRICE", "NET", "VAT"], invoice.lines.map {
            ["\($0.position)", $0.serviceDate.description, $0.description, "\(Money.quantity($0.quantityMilli)) \($0.unit.rawValue)",
             Money.decimal($0.unitPriceCents), Money.decimal($0.netCents), $0.vat.label]
        })
        for group in invoice.totals.groups {
            Printer.line("VAT \(group.vat.label): base \(Money.decimal(group.taxableCents)), VAT \(Money.decimal(group.vatCents))")
        }
        Printer.line("Total before VAT \(Money.decimal(invoice.totals.netCents)) €, VAT \(Money.decimal(invoice.totals.vatCents)) €, total \(Money.decimal(invoice.totals.grossCents)) €")
    }
}
