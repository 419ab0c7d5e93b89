import ArgumentParser
import Foundation
import MuseoLab

struct OrganisationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organisations",
        abstract: "The organisations using the MuséoLab, and their components (UFR, laboratory).",
        subcommands: [List.self, Add.self, Update.self, AddComponent.self]
    )
}

extension OrganisationsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations with their components.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let organisations = try await lab.organisations.list(by: CommandRunner.actor)
                if output.json { return try Printer.json(organisations) }
                Printer.table(
                    ["NAME", "SIREN", "SIRET", "CATEGORY", "CONTACT", "COMPONENTS", "ID"],
                    organisations.map {
                        [
                            $0.name, $0.siren ?? "-", $0.siret ?? "-", $0.tariffCategory, $0.contactEmail ?? "-",
                            $0.components.map { "\($0.name) [\($0.kind.rawValue)]" }.joined(separator: "; "),
                            $0.id.uuidString.lowercased(),
                        ]
                    })
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an organisation.")
        @Option var name: String
        @Option(name: .customLong("legal-form")) var legalForm: String?
        @Option var siren: String?
        @Option var siret: String?
        @Option(name: .customLong("tariff-category"), help: "founder_member, partner, public_body, individual, student, internal")
        var tariffCategory: String
        @Option(name: .customLong("contact-email")) var contactEmail: String?
        @Option var address: String?
        @Flag(name: .customLong("public-body"), help: "Invoiced through Chorus Pro (needs its SIRET).") var publicBody = false
        @Option(name: .customLong("service-code"), help: "Its Chorus Pro service code.") var serviceCode: String?
        @Option(name: .customLong("customer-account"), help: "Its auxiliary account in the accounts.") var customerAccount: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let organisation = try await lab.organisations.create(
                    NewOrganisation(
                        name: name, legalForm: legalForm, siren: siren, siret: siret, tariffCategory: tariffCategory,
                        contactEmail: contactEmail, address: address, isPublicBody: publicBody, chorusServiceCode: serviceCode,
                        customerAccount: customerAccount),
                    by: CommandRunner.actor)
                if output.json { try Printer.json(organisation) } else { Printer.line("Organisation \(organisation.name) registered: \(organisation.id.uuidString.lowercased())") }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an organisation: what is given changes, the rest stays.")
        @Argument(help: "The organisation (id or name).") var organisation: String
        @Option var name: String?
        @Option(name: .customLong("legal-form")) var legalForm: String?
        @Option var siret: String?
        @Option(name: .customLong("tariff-category")) var tariffCategory: String?
        @Option(name: .customLong("contact-email")) var contactEmail: String?
        @Option var address: String?
        @Option(name: .customLong("public-body"), help: "true or false: invoiced through Chorus Pro.") var publicBody: Bool?
        @Option(name: .customLong("service-code"), help: "Its Chorus Pro service code.") var serviceCode: String?
        @Option(name: .customLong("customer-account"), help: "Its auxiliary account in the accounts.") var customerAccount: String?

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let found = try await lab.organisations.find(organisation, by: actor)
                let updated = try await lab.organisations.update(
                    found.id,
                    OrganisationChanges(
                        name: name, legalForm: legalForm, siret: siret, tariffCategory: tariffCategory, contactEmail: contactEmail, address: address,
                        isPublicBody: publicBody, chorusServiceCode: serviceCode, customerAccount: customerAccount),
                    by: actor)
                Printer.line("Organisation \(updated.name) changed.")
            }
        }
    }

    struct AddComponent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-component", abstract: "Add a component (UFR, IUT, laboratory, ...) to an organisation.")
        @Argument(help: "The organisation (id or name).") var organisation: String
        @Option(help: "ufr, iut, school, laboratory, service or other") var kind: OrganisationComponent.Kind
        @Option var name: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let owner = try await lab.organisations.find(organisation, by: actor)
                let component = try await lab.organisations.addComponent(to: owner.id, kind: kind, name: name, by: actor)
                if output.json { try Printer.json(component) } else { Printer.line("Component \(component.name) added: \(component.id.uuidString.lowercased())") }
            }
        }
    }
}

extension OrganisationComponent.Kind: ExpressibleByArgument {}
