import ArgumentParser
import Foundation
import MuseoLab

struct MachinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machines",
        abstract: "Machine maintenance windows and free periods (the inventory itself: `museolab inventory`).",
        subcommands: [Maintenance.self, Availability.self]
    )

    struct Maintenance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Maintenance windows: the machine cannot be booked during them.", subcommands: [List.self, Add.self, Withdraw.self])
    }

    struct Availability: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A machine's free periods: opening hours minus bookings, maintenance, closures.")
        @Argument(help: "The machine (id or inventory number).") var machine: String
        @Option var from: String
        @Option var to: String
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let window = Period(start: try TimeArgument.parse(from, option: "--from"), end: try TimeArgument.parse(to, option: "--to"))
            try await CommandRunner.run { lab, _ in
                let found = try await lab.inventory.find(machine, by: CommandRunner.actor)
                let free = try await lab.machineAvailability.free(found.id, within: window, by: CommandRunner.actor)
                if output.json { return try Printer.json(free) }
                free.forEach { Printer.line(TimeArgument.describe($0)) }
                if free.isEmpty { Printer.line("no free period") }
            }
        }
    }
}

extension MachinesCommand.Maintenance {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a machine's maintenance windows.")
        @Argument var machine: String
        @Flag(name: .customLong("include-withdrawn")) var includeWithdrawn = false
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.inventory.find(machine, by: CommandRunner.actor)
                for window in try await lab.maintenance.list(machineId: found.id, includingWithdrawn: includeWithdrawn, by: CommandRunner.actor) {
                    Printer.line("\(TimeArgument.describe(window.period))  \(window.reason)\(window.withdrawnAt == nil ? "" : " (withdrawn)")  \(window.id.uuidString.lowercased())")
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule maintenance; refused over bookings unless --cancel-conflicting (each cancelled booking records why, its owner is notified).")
        @Argument var machine: String
        @Option var start: String
        @Option var end: String
        @Option var reason: String
        @Flag(name: .customLong("cancel-conflicting")) var cancelConflicting = false
        func run() async throws {
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            try await CommandRunner.run { lab, _ in
                let found = try await lab.inventory.find(machine, by: CommandRunner.actor)
                let window = try await lab.maintenance.add(
                    machineId: found.id, period: period, reason: reason, cancelConflicting: cancelConflicting, by: CommandRunner.actor)
                Printer.line("Maintenance of the \(found.nature) \(TimeArgument.describe(window.period)) (\(window.id.uuidString.lowercased()))")
                if !window.cancelledSessionIds.isEmpty { Printer.line("\(window.cancelledSessionIds.count) session(s) cancelled, their requesters notified") }
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a maintenance window.")
        @Argument var window: String
        func run() async throws {
            guard let id = UUID(uuidString: window) else { throw ValidationError("\(window) is not a maintenance window id") }
            try await CommandRunner.run { lab, _ in
                let withdrawn = try await lab.maintenance.withdraw(id, by: CommandRunner.actor)
                Printer.line("Maintenance \(TimeArgument.describe(withdrawn.period)) withdrawn.")
            }
        }
    }
}
