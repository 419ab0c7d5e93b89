import ArgumentParser
import Foundation
import MuseoLab

struct BillingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing",
        abstract: "Billing settings (seller, payment terms, accounts) and billable items.",
        subcommands: [Settings.self, Configure.self, Items.self, Consumable.self]
    )
}

extension BillingCommand {
    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who invoices, the payment terms, the accounts of the sales journal.")
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let settings = try await lab.billingSettings.get(by: CommandRunner.actor)
                if output.json { return try Printer.json(settings) }
                let seller = try await lab.organisations.get(settings.sellerOrganisationId, by: CommandRunner.actor)
                Printer.line("Seller: \(seller.name) (SIREN \(seller.siren ?? "-"), VAT \(settings.sellerVatId ?? "-"))")
                Printer.line("Payment: \(settings.paymentTermsDays) days; late penalties \(Money.decimal(settings.latePenaltyRateBp)) % a year; "
                    + "recovery indemnity \(Money.decimal(settings.recoveryIndemnityCents)) €")
                Printer.line("Bank: IBAN \(settings.paymentIBAN ?? "-"), BIC \(settings.paymentBIC ?? "-")")
                Printer.line("Accounts: journal \(settings.journalCode) (\(settings.journalLabel)), revenue \(settings.revenueAccount), "
                    + "VAT collected \(settings.vatCollectedAccount), customers \(settings.customerAccount)")
            }
        }
    }

    struct Configure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change billing settings; issued documents keep what they stated.")
        @Option(name: .customLong("vat-id")) var vatId: String?
        @Option(name: .customLong("payment-days")) var paymentDays: Int?
        @Option(name: .customLong("penalty-rate"), help: "Late-payment penalty rate a year, e.g. 12,15 (%).") var penaltyRate: String?
        @Option(name: .customLong("recovery-indemnity"), help: "e.g. 40,00 (€).") var recoveryIndemnity: String?
        @Option var iban: String?
        @Option var bic: String?
        @Option(name: .customLong("journal-code")) var journalCode: String?
        @Option(name: .customLong("journal-label")) var journalLabel: String?
        @Option(name: .customLong("revenue-account")) var revenueAccount: String?
        @Option(name: .customLong("vat-account")) var vatAccount: String?
        @Option(name: .customLong("customer-account")) var customerAccount: String?
        func run() async throws {
            let rate = try penaltyRate.map { text -> Int in
                guard let bp = Money.parseCents(text) else { throw ValidationError("--penalty-rate takes a percentage like 12,15") }
                return bp
            }
            let indemnity = try recoveryIndemnity.map { text -> Int in
                guard let cents = Money.parseCents(text) else { throw ValidationError("--recovery-indemnity takes an amount like 40,00") }
                return cents
            }
            try await CommandRunner.run { lab, _ in
                _ = try await lab.billingSettings.update(
                    BillingSettingsChanges(
                        sellerVatId: vatId, paymentTermsDays: paymentDays, latePenaltyRateBp: rate, recoveryIndemnityCents: indemnity,
                        paymentIBAN: iban, paymentBIC: bic, journalCode: journalCode, journalLabel: journalLabel, revenueAccount: revenueAccount,
                        vatCollectedAccount: vatAccount, customerAccount: customerAccount),
                    by: CommandRunner.actor)
                Printer.line("Billing settings changed.")
            }
        }
    }

    struct Items: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Billable items, priced by the grid in force on their service date.")
        @Option var customer: String?
        @Option var status: BillableItem.Status?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let customerId = try await customer.asyncMap { try await lab.organisations.find($0, by: actor).id }
                let items = try await lab.billableItems.list(customerId: customerId, status: status, by: actor)
                if output.json { return try Printer.json(items) }
                Printer.table(["DATE", "KIND", "STATUS", "NET", "DESCRIPTION"], items.map {
                    [$0.serviceDate.description, $0.kind.rawValue, $0.status.rawValue, $0.netCents.map { Money.decimal($0) } ?? "(no grid yet)", $0.description]
                })
            }
        }
    }

    struct Consumable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record consumables handed out, to be invoiced.")
        @Option(help: "The customer organisation (id or name).") var customer: String
        @Option(help: "A consumable item of the grid, e.g. filament-pla.") var code: String
        @Option var quantity: Int = 1
        @Option(help: "Service date (YYYY-MM-DD), default today.") var date: String?
        @Option var description: String?
        func run() async throws {
            let day = try date.map { try TimeArgument.day($0, option: "--date") } ?? ParisClock.date(of: Date())
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let organisation = try await lab.organisations.find(customer, by: actor)
                let item = try await lab.billableItems.addConsumable(
                    customerId: organisation.id, tariffCode: code, quantity: quantity, serviceDate: day, description: description, by: actor)
                Printer.line("Recorded: \(item.quantity) × \(item.description) for \(organisation.name), \(item.netCents.map { Money.decimal($0) + " € before VAT" } ?? "to be priced").")
            }
        }
    }
}

extension BillableItem.Status: ExpressibleByArgument {}
