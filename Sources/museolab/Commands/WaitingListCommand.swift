import ArgumentParser
import Foundation
import MuseoLab

struct WaitingListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waiting-list",
        abstract: "The waiting list: members told, in the order they asked, when a cancellation frees the slot they wanted.",
        subcommands: [List.self, Ask.self, Withdraw.self]
    )
}

extension WaitingListCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List waiting requests, in the order they were asked.")
        @Option(help: "Only this user's (id or e-mail).") var user: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let list = try await lab.waitingList.list(userId: try await user.asyncMap { try await lab.users.find($0, by: actor).id }, by: actor)
                if output.json { return try Printer.json(list.map(Listed.init)) }
                Printer.table(["#", "USER", "MACHINE / STAFF", "FROM", "TO", "STATE", "ID"], list.map {
                    ["\($0.number)", $0.userId.uuidString.lowercased(),
                     $0.machineId.map { "machine \($0.uuidString.lowercased())" } ?? "staff \($0.staffId?.uuidString.lowercased() ?? "")",
                     Printer.date($0.period.start), Printer.date($0.period.end), $0.status.rawValue, $0.id.uuidString.lowercased()]
                })
            }
        }
    }

    /// A request as `--json` prints it.
    struct Listed: Encodable {
        var id: UUID, number: Int64, userId: UUID, machineId: UUID?, staffId: UUID?, start: Date, end: Date, status: String, notifiedAt: Date?
        init(_ request: WaitingRequest) {
            (id, number, userId, machineId, staffId) = (request.id, request.number, request.userId, request.machineId, request.staffId)
            (start, end, status, notifiedAt) = (request.period.start, request.period.end, request.status.rawValue, request.notifiedAt)
        }
    }

    struct Ask: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a member on the waiting list for a machine or a staff member's time.")
        @Option(help: "The member (id or e-mail).") var user: String
        @Option(help: "A machine (id or inventory number).") var machine: String?
        @Option(help: "A staff member (id or e-mail).") var staff: String?
        @Option(help: "Start (YYYY-MM-DD HH:MM, Europe/Paris).") var start: String
        @Option(help: "End.") var end: String
        func run() async throws {
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let asked = try await lab.waitingList.ask(
                    for: try await lab.users.find(user, by: actor).id,
                    machineId: try await machine.asyncMap { try await lab.inventory.find($0, by: actor).id },
                    staffId: try await staff.asyncMap { try await lab.users.find($0, by: actor).id }, period: period, by: actor)
                Printer.line("Waiting (number \(asked.number)): \(asked.id.uuidString.lowercased())")
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a request that still waits.")
        @Argument var request: String
        func run() async throws {
            guard let id = UUID(uuidString: request) else { throw ValidationError("\(request) is not a waiting request id") }
            try await CommandRunner.run { lab, _ in
                _ = try await lab.waitingList.withdraw(id, by: CommandRunner.actor)
                Printer.line("Waiting request withdrawn.")
            }
        }
    }
}
