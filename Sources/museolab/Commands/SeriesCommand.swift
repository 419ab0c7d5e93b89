import ArgumentParser
import Foundation
import MuseoLab

struct SeriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Recurring sessions: every week or every N weeks, until a date or N times; confirmed or cancelled at once.",
        subcommands: [Request.self, Show.self, Confirm.self, Cancel.self]
    )

    static func print(_ series: SessionSeries.Series) {
        Printer.line("Series \(series.id.uuidString.lowercased()), every \(series.everyWeeks) week(s), \(series.bookedMinutes) min booked")
        Printer.table(["#", "START", "END", "SESSION", "STATE"], series.occurrences.map { occurrence in
            ["\(occurrence.occurrence)", Printer.date(occurrence.period.start), Printer.date(occurrence.period.end),
             occurrence.session?.reference ?? "-",
             occurrence.session.map(\.status.rawValue) ?? "refused: \(occurrence.refusal?.kind.rawValue ?? "") \(occurrence.refusal?.detail ?? "")"]
        })
        if let quota = series.quota {
            Printer.line("quota: \(quota.minutes) min to confirm, \(quota.remainingBeforeMinutes) → \(quota.remainingAfterMinutes) min left\(quota.overQuotaMinutes > 0 ? ", \(quota.overQuotaMinutes) over" : "")")
        }
    }
}

extension SeriesCommand {
    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Book a series on a member's behalf.")
        @Option(help: "The member (id or e-mail).") var user: String
        @Option(help: "The first occurrence's start (YYYY-MM-DD HH:MM, Europe/Paris).") var start: String
        @Option(help: "Its end.") var end: String
        @Option var purpose: String
        @Option var participants = 1
        @Option(name: .customLong("machine"), help: "A machine to reserve (id or inventory number); repeat for several.") var machines: [String] = []
        @Option(help: "Every N weeks (1 to 4).") var every = 1
        @Option(help: "The last day an occurrence may fall on.") var until: String?
        @Option(help: "Or the number of occurrences (2 to 52).") var count: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            let last = try until.map { try TimeArgument.day($0, option: "--until") }
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                var machineIds: [UUID] = []
                for machine in machines { machineIds.append(try await lab.inventory.find(machine, by: actor).id) }
                let series = try await lab.sessionSeries.request(
                    SessionSeries.Request(
                        first: SessionRequest(
                            requesterId: try await lab.users.find(user, by: actor).id, purpose: purpose, participants: participants, period: period,
                            machineIds: machineIds),
                        everyWeeks: every, until: last, count: count),
                    by: actor)
                if output.json { return try Printer.json(Listed(series)) }
                SeriesCommand.print(series)
            }
        }
    }

    /// A series as `--json` prints it.
    struct Listed: Encodable {
        struct Line: Encodable {
            var occurrence: Int, start: Date, end: Date, session: String?, status: String, refusal: String?
        }
        var id: UUID, everyWeeks: Int, bookedMinutes: Int, occurrences: [Line]
        init(_ series: SessionSeries.Series) {
            (id, everyWeeks, bookedMinutes) = (series.id, series.everyWeeks, series.bookedMinutes)
            occurrences = series.occurrences.map {
                Line(occurrence: $0.occurrence, start: $0.period.start, end: $0.period.end, session: $0.session?.reference,
                     status: $0.session?.status.rawValue ?? "refused", refusal: $0.refusal?.kind.rawValue)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        @Argument var series: String
        @OptionGroup var output: OutputOptions
        func run() async throws {
            guard let id = UUID(uuidString: series) else { throw ValidationError("\(series) is not a series id") }
            try await CommandRunner.run { lab, _ in
                let found = try await lab.sessionSeries.get(id, by: CommandRunner.actor)
                if output.json { return try Printer.json(Listed(found)) }
                SeriesCommand.print(found)
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm every occurrence still requested.")
        @Argument var series: String
        func run() async throws {
            guard let id = UUID(uuidString: series) else { throw ValidationError("\(series) is not a series id") }
            try await CommandRunner.run { lab, _ in SeriesCommand.print(try await lab.sessionSeries.confirm(id, by: CommandRunner.actor)) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel this occurrence and the following ones.")
        @Argument var series: String
        @Option(help: "From this occurrence on (1 = the whole series).") var from = 1
        @Option var reason: String
        func run() async throws {
            guard let id = UUID(uuidString: series) else { throw ValidationError("\(series) is not a series id") }
            try await CommandRunner.run { lab, _ in
                SeriesCommand.print(try await lab.sessionSeries.cancel(id, from: from, reason: reason, by: CommandRunner.actor))
            }
        }
    }
}
