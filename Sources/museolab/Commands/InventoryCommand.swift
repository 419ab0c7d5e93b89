import ArgumentParser
import Foundation
import MuseoLab

struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "The machines lent by the university (annex 1) and those added later.",
        subcommands: [
            Import.self, List.self, Show.self, Export.self, Add.self, SetStatus.self, Mark.self, Categorise.self,
        ]
    )
}

extension InventoryCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an annex table (tab-separated: Nature, Modèle, N° de série, Inventaire).",
            discussion: "Prints, per line, what was created or matched and every warning, then totals. Re-importing changes nothing.")

        @Argument(help: "The annex file (the table, or the whole agreement text containing it).")
        var file: String

        @Option(help: "The annex's year, e.g. 2026.")
        var year: Int

        @Option(help: "The owner organisation (id or name); defaults to the lender of the current agreement.")
        var owner: String?

        @Flag(help: "Report what would happen, change nothing.")
        var dryRun = false

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(file) as UTF-8 text: \(error.localizedDescription)")
            }
            let source = URL(fileURLWithPath: file).lastPathComponent
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let owner = try await owner.asyncMap { try await lab.organisations.find($0, by: actor).id }
                let report = try await lab.annexImporter.importAnnex(
                    text, source: source, year: year, owner: owner, dryRun: dryRun, by: actor)
                if output.json { try Printer.json(report) } else { Self.print(report) }
            }
        }

        static func print(_ report: InventoryImportReport) {
            Printer.line("Annex \(report.year) · \(report.source) · sha256 \(report.sha256.prefix(12))…\(report.dryRun ? " · DRY RUN: nothing changed" : "")")
            for line in report.lines {
                var identity = [line.nature + (line.units > 1 ? " (unit \(line.unit)/\(line.units))" : "")]
                identity.append(line.model ?? "no model")
                identity.append(line.serialNumber.map { "serial \($0)" } ?? "no serial")
                identity.append(line.inventoryNumber.map { "inv. \($0)" } ?? "no inv.")
                Printer.line("line \(String(line.line).leftPadded(3))  \(line.outcome.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(identity.joined(separator: " · "))")
                for remark in line.remarks {
                    Printer.line("            \(remark.isWarning ? "warning" : "note"): \(remark.message)")
                }
            }
            for skipped in report.skipped {
                Printer.line("line \(String(skipped.line).leftPadded(3))  skipped   \(skipped.reason)")
            }
            let t = report.totals
            Printer.line(
                "Totals: \(t.rows) rows, \(t.units) units: \(t.created) created, \(t.matched) matched, \(t.updated) updated, "
                    + "\(t.repeated) repeated, \(t.skipped) skipped; \(t.warnings) warnings")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the inventory.")

        @Option(help: "in_service, maintenance or retired.")
        var status: MachineStatus?
        @Option(help: "A category, e.g. laser-cutter.")
        var category: String?
        @Option(help: "true or false.")
        var bookable: Bool?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let machines = try await lab.inventory.list(
                    MachineFilter(status: status, category: category, bookable: bookable), by: CommandRunner.actor)
                if output.json { return try Printer.json(machines) }
                Printer.table(
                    ["INVENTORY", "NATURE", "MODEL", "SERIAL", "CATEGORY", "STATUS", "BOOKABLE", "AUTH.", "ID"],
                    machines.map {
                        [
                            $0.inventoryNumber ?? "-", $0.nature + ($0.unitIndex > 1 || $0.inventoryNumber == nil && $0.serialNumber == nil ? " #\($0.unitIndex)" : ""),
                            $0.model ?? "-", $0.serialNumber ?? "-", $0.category ?? "-", $0.status.rawValue,
                            $0.bookable ? "yes" : "no", $0.requiresAuthorisation ? "yes" : "no", $0.id.uuidString.lowercased(),
                        ]
                    })
                Printer.line("\(machines.count) machine(s)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one machine (by id or inventory number).")

        @Argument(help: "The machine's id or inventory number.")
        var machine: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.inventory.find(machine, by: CommandRunner.actor)
                if output.json { try Printer.json(found) } else { MachinePrinter.print(found) }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the inventory as an annex table, which `inventory import` reads back to the same inventory.")

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let table = try await lab.inventory.export(by: CommandRunner.actor)
                if let output {
                    try table.write(toFile: output, atomically: true, encoding: .utf8)
                } else {
                    FileHandle.standardOutput.write(Data(table.utf8))
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an asset acquired later (article 5-2).")

        @Option(help: "What it is, in French as the annex would write it.") var nature: String
        @Option var model: String?
        @Option var serial: String?
        @Option(name: .customLong("inventory-number")) var inventoryNumber: String?
        @Option(help: "The owner organisation (id or name); defaults to the lender of the current agreement.") var owner: String?
        @Option var category: String?
        @Flag var bookable = false
        @Flag(name: .customLong("requires-authorisation")) var requiresAuthorisation = false
        @Option(name: .customLong("acquired-on"), help: "YYYY-MM-DD") var acquiredOn: String?
        @Option(name: .customLong("annex-year")) var annexYear: Int?
        @Option var notes: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let acquired = acquiredOn.flatMap(CalendarDate.init)
            if acquiredOn != nil, acquired == nil { throw ValidationError("--acquired-on must be a date YYYY-MM-DD") }
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let ownerId = try await owner.asyncMap { try await lab.organisations.find($0, by: actor).id }
                let machine = try await lab.inventory.add(
                    NewMachine(
                        nature: nature, model: model, serialNumber: serial, inventoryNumber: inventoryNumber,
                        ownerOrganisationId: ownerId, category: category, bookable: bookable,
                        requiresAuthorisation: requiresAuthorisation, annexYear: annexYear, acquiredOn: acquired, notes: notes),
                    by: actor)
                if output.json { try Printer.json(machine) } else { MachinePrinter.print(machine) }
            }
        }
    }

    struct SetStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-status", abstract: "Put a machine in service, in maintenance, or retire it (never deleted).")

        @Argument(help: "The machine's id or inventory number.") var machine: String
        @Argument(help: "in_service, maintenance or retired.") var status: MachineStatus
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await InventoryCommand.change(machine, MachineChanges(status: status), json: output.json)
        }
    }

    struct Mark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a machine bookable or not, and whether users need an authorisation (training) to use it.")

        @Argument(help: "The machine's id or inventory number.") var machine: String
        @Option(help: "true or false.") var bookable: Bool?
        @Option(name: .customLong("requires-authorisation"), help: "true or false.") var requiresAuthorisation: Bool?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard bookable != nil || requiresAuthorisation != nil else {
                throw ValidationError("give --bookable and/or --requires-authorisation")
            }
        }

        func run() async throws {
            try await InventoryCommand.change(
                machine, MachineChanges(bookable: bookable, requiresAuthorisation: requiresAuthorisation), json: output.json)
        }
    }

    struct Categorise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a machine a category (e.g. laser-cutter).")

        @Argument(help: "The machine's id or inventory number.") var machine: String
        @Argument(help: "Lower-case words joined by '-'.") var category: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await InventoryCommand.change(machine, MachineChanges(category: category), json: output.json)
        }
    }

    static func change(_ reference: String, _ changes: MachineChanges, json: Bool) async throws {
        try await CommandRunner.run { lab, _ in
            let actor = CommandRunner.actor
            let machine = try await lab.inventory.find(reference, by: actor)
            let updated = try await lab.inventory.update(machine.id, changes, by: actor)
            if json { try Printer.json(updated) } else { MachinePrinter.print(updated) }
        }
    }
}

enum MachinePrinter {
    static func print(_ machine: Machine) {
        let fields: [(String, String)] = [
            ("id", machine.id.uuidString.lowercased()), ("nature", machine.nature), ("model", machine.model ?? "-"),
            ("serial number", machine.serialNumber ?? "-"), ("inventory number", machine.inventoryNumber ?? "-"),
            ("owner", machine.ownerName), ("category", machine.category ?? "-"), ("status", machine.status.rawValue),
            ("bookable", machine.bookable ? "yes" : "no"), ("authorisation required", machine.requiresAuthorisation ? "yes" : "no"),
            ("annex", machine.annexYear.map(String.init) ?? "-"), ("acquired on", machine.acquiredOn?.description ?? "-"),
            ("notes", machine.notes ?? "-"), ("retired at", Printer.date(machine.retiredAt)),
        ]
        for (name, value) in fields {
            Printer.line("\(name.padding(toLength: 24, withPad: " ", startingAt: 0))\(value)")
        }
    }
}

extension MachineStatus: ExpressibleByArgument {}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
