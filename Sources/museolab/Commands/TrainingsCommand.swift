import ArgumentParser
import Foundation
import MuseoLab

struct TrainingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainings",
        abstract: "Training requests: members ask, the manager plans a supervised session, completing it grants the authorisation.",
        subcommands: [List.self, Plan.self]
    )
}

extension TrainingsCommand {
    /// A request as `--json` prints it.
    struct Listed: Encodable {
        var id: UUID, userId: UUID, machineId: UUID?, category: String?, status: String, sessionId: UUID?, validityMonths: Int?
        init(_ request: TrainingRequest) {
            (id, userId, machineId, category) = (request.id, request.userId, request.machineId, request.category)
            (status, sessionId, validityMonths) = (request.status.rawValue, request.sessionId, request.validityMonths)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List training requests, in the order asked.")
        @Option(help: "Only this user's (id or e-mail).") var user: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let list = try await lab.trainings.list(userId: try await user.asyncMap { try await lab.users.find($0, by: actor).id }, by: actor)
                if output.json { return try Printer.json(list.map(Listed.init)) }
                Printer.table(["USER", "MACHINE / CATEGORY", "STATE", "SESSION", "ID"], list.map {
                    [$0.userId.uuidString.lowercased(), $0.machineId?.uuidString.lowercased() ?? "category \($0.category ?? "")", $0.status.rawValue,
                     $0.sessionId?.uuidString.lowercased() ?? "-", $0.id.uuidString.lowercased()]
                })
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plan a training as a supervised session; its completion grants the authorisation.")
        @Argument var training: String
        @Option(help: "Start (YYYY-MM-DD HH:MM, Europe/Paris).") var start: String
        @Option(help: "End.") var end: String
        @Option(help: "The supervising staff member; by default the first free and available.") var staff: String?
        @Option(help: "How long the authorisation holds, in months (default: without end).") var validityMonths: Int?
        func run() async throws {
            guard let id = UUID(uuidString: training) else { throw ValidationError("\(training) is not a training request id") }
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let (_, session) = try await lab.trainings.plan(
                    id, period: period, staffId: try await staff.asyncMap { try await lab.users.find($0, by: actor).id }, validityMonths: validityMonths,
                    by: actor)
                Printer.line("Training planned: session \(session.reference), \(session.status.rawValue).")
            }
        }
    }
}
