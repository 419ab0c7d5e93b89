import ArgumentParser
import Foundation
import MuseoLab

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Personal API tokens (Authorization: Bearer): shown once, stored as a hash.",
        subcommands: [Create.self, Revoke.self, List.self]
    )
}

extension TokensCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for a user; its secret is printed once.")
        @Option(help: "The user's id or e-mail address.") var user: String
        @Option var label = "created with museolab tokens create"
        @Option(name: .customLong("expires-in-days"), help: "Days until it expires (default 90, at most 1830).")
        var expiresInDays: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let owner = try await lab.users.find(user, by: actor)
                let expiresAt = expiresInDays.map { Date().addingTimeInterval(TimeInterval($0) * 86_400) }
                let issued = try await lab.tokens.create(for: owner.id, label: label, expiresAt: expiresAt, by: actor)
                if output.json {
                    struct Output: Encodable { var token: ApiToken; var secret: String }
                    return try Printer.json(Output(token: issued.token, secret: issued.secret))
                }
                Printer.line("Token for \(owner.email) (id \(issued.token.id.uuidString.lowercased()), expires \(Printer.date(issued.token.expiresAt))):")
                Printer.line(issued.secret)
                Printer.line("It is shown only now: keep it safe.")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it stops working at once.")
        @Argument(help: "The token's id (see `tokens list`).") var token: String
        @Option var reason: String?

        func run() async throws {
            guard let id = UUID(uuidString: token) else { throw ValidationError("\(token) is not a token id") }
            try await CommandRunner.run { lab, _ in
                let revoked = try await lab.tokens.revoke(id, reason: reason, by: CommandRunner.actor)
                Printer.line("Token \(revoked.prefix)… (\(revoked.label)) revoked.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's tokens (never their secrets).")
        @Option(help: "The user's id or e-mail address.") var user: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let owner = try await lab.users.find(user, by: actor)
                let tokens = try await lab.tokens.list(for: owner.id, by: actor)
                if output.json { return try Printer.json(tokens) }
                Printer.table(
                    ["PREFIX", "LABEL", "CREATED", "EXPIRES", "REVOKED", "LAST USED", "ID"],
                    tokens.map {
                        [
                            $0.prefix + "…", $0.label, Printer.date($0.createdAt), Printer.date($0.expiresAt),
                            Printer.date($0.revokedAt), Printer.date($0.lastUsedAt), $0.id.uuidString.lowercased(),
                        ]
                    })
            }
        }
    }
}
