import ArgumentParser
import Foundation
import MuseoLab

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log: every write, who made it, before and after.",
        subcommands: [List.self, Verify.self]
    )
}

extension AuditCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, newest first.")
        @Option(help: "A table: machines, users, api_tokens, organisations, ...") var entity: String?
        @Option(name: .customLong("entity-id")) var entityId: String?
        @Option(help: "Entries by this user (id or e-mail address).") var user: String?
        @Option var limit = 50
        @Flag(help: "Show the rows before and after.") var details = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let userId = try await user.asyncMap { try await lab.users.find($0, by: actor).id }
                let entries = try await lab.audit.list(
                    .init(entity: entity, entityId: entityId, actorUserId: userId, limit: limit), by: actor)
                if output.json { return try Printer.json(entries) }
                for entry in entries {
                    Printer.line(
                        "#\(entry.id)  \(Printer.date(entry.occurredAt))  \(entry.actor)  \(entry.action ?? "-")  "
                            + "\(entry.operation) \(entry.entity) \(entry.entityId)")
                    if details {
                        if let before = entry.before { Printer.line("    before: \(before)") }
                        if let after = entry.after { Printer.line("    after:  \(after)") }
                    }
                }
                Printer.line("\(entries.count) entr\(entries.count == 1 ? "y" : "ies")")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the chain of SHA-256 footprints of every issued invoice and credit note.",
            discussion: "Exits with status 1 when a document does not match its footprint or the chain is broken.")
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let result = try await lab.invoices.verifyChain(by: CommandRunner.actor)
                if output.json { try Printer.json(result) }
                else if result.valid { Printer.line("Chain intact: \(result.documents) issued document(s), every footprint matches.") }
                else { Printer.line("CHAIN BROKEN at \(result.brokenAt ?? "?"): \(result.problem ?? "")") }
                if !result.valid { throw ExitCode(1) }
            }
        }
    }
}
