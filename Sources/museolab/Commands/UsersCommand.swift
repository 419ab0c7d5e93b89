import ArgumentParser
import Foundation
import MuseoLab

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "People with an account: members, managers, accountants, admins.",
        subcommands: [Add.self, List.self, Disable.self, SetRole.self]
    )
}

extension UsersCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @Option var email: String
        @Option var name: String
        @Option(help: "The organisation (id or name).") var organisation: String
        @Option(help: "A component of the organisation (id or name).") var component: String?
        @Option(help: "member, manager, accountant or admin") var role: Role = .member
        @Flag(name: .customLong("organisation-contact"), help: "The organisation's contact person (sees its usage).")
        var organisationContact = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let owner = try await lab.organisations.find(organisation, by: actor)
                var componentId: UUID?
                if let component {
                    guard let match = owner.components.first(where: {
                        $0.id.uuidString.lowercased() == component.lowercased() || $0.name.lowercased() == component.lowercased()
                    }) else {
                        throw Problem.invalid("component", "\(owner.name) has no component \"\(component)\"")
                    }
                    componentId = match.id
                }
                let user = try await lab.users.add(
                    NewUser(email: email, displayName: name, organisationId: owner.id, componentId: componentId, role: role,
                            organisationContact: organisationContact),
                    by: actor)
                if output.json { try Printer.json(user) } else { Printer.line("User \(user.email) (\(user.role.rawValue)) added: \(user.id.uuidString.lowercased())") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @Option(help: "Only this organisation (id or name).") var organisation: String?
        @Option var role: Role?
        @Flag(name: .customLong("include-disabled")) var includeDisabled = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let organisationId = try await organisation.asyncMap { try await lab.organisations.find($0, by: actor).id }
                let users = try await lab.users.list(
                    .init(organisationId: organisationId, role: role, includeDisabled: includeDisabled), by: actor)
                if output.json { return try Printer.json(users) }
                Printer.table(
                    ["EMAIL", "NAME", "ROLE", "ORGANISATION", "COMPONENT", "STATE", "ID"],
                    users.map {
                        [
                            $0.email, $0.displayName, $0.role.rawValue, $0.organisationName, $0.componentName ?? "-",
                            $0.isActive ? "active" : "disabled", $0.id.uuidString.lowercased(),
                        ]
                    })
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: their tokens stop working. Nothing is deleted.")
        @Argument(help: "The user's id or e-mail address.") var user: String
        @Option var reason: String?

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let found = try await lab.users.find(user, by: actor)
                let disabled = try await lab.users.disable(found.id, reason: reason, by: actor)
                Printer.line("User \(disabled.email) disabled.")
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role.")
        @Argument(help: "The user's id or e-mail address.") var user: String
        @Argument(help: "member, manager, accountant or admin") var role: Role

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let found = try await lab.users.find(user, by: actor)
                let updated = try await lab.users.update(found.id, UserChanges(role: role), by: actor)
                Printer.line("User \(updated.email) is now \(updated.role.rawValue).")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}
