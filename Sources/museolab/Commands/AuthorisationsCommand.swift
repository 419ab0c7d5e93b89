import ArgumentParser
import Foundation
import MuseoLab

struct AuthorisationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorisations",
        abstract: "Machine authorisations (training): per user and machine or category, with an optional expiry.",
        subcommands: [List.self, Grant.self, Revoke.self]
    )
}

extension AuthorisationsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List authorisations.")
        @Option(help: "Only this user's (id or e-mail).") var user: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let list = try await lab.authorisations.list(userId: try await user.asyncMap { try await lab.users.find($0, by: actor).id }, by: actor)
                if output.json { return try Printer.json(list) }
                Printer.table(["USER", "MACHINE / CATEGORY", "FROM", "UNTIL", "STATE", "ID"], list.map {
                    [$0.userId.uuidString.lowercased(), $0.machineId?.uuidString.lowercased() ?? "category \($0.category ?? "")",
                     $0.grantedOn.description, $0.expiresOn?.description ?? "-", $0.revokedAt == nil ? "valid" : "revoked", $0.id.uuidString.lowercased()]
                })
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant an authorisation for a machine or a category.")
        @Option var user: String
        @Option(help: "A machine (id or inventory number).") var machine: String?
        @Option(help: "A category, e.g. laser-cutter.") var category: String?
        @Option(help: "From this day (default today).") var from: String?
        @Option(help: "Until this day, included.") var until: String?
        @Option var note: String?
        func run() async throws {
            let first = try from.map { try TimeArgument.day($0, option: "--from") }
            let last = try until.map { try TimeArgument.day($0, option: "--until") }
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let granted = try await lab.authorisations.grant(
                    to: try await lab.users.find(user, by: actor).id,
                    machineId: try await machine.asyncMap { try await lab.inventory.find($0, by: actor).id },
                    category: category, grantedOn: first, expiresOn: last, note: note, by: actor)
                Printer.line("Authorisation granted from \(granted.grantedOn)\(granted.expiresOn.map { " until \($0)" } ?? ""): \(granted.id.uuidString.lowercased())")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an authorisation.")
        @Argument var authorisation: String
        @Option var reason: String?
        func run() async throws {
            guard let id = UUID(uuidString: authorisation) else { throw ValidationError("\(authorisation) is not an authorisation id") }
            try await CommandRunner.run { lab, _ in
                _ = try await lab.authorisations.revoke(id, reason: reason, by: CommandRunner.actor)
                Printer.line("Authorisation revoked.")
            }
        }
    }
}
