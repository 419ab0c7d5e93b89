import ArgumentParser
import Foundation
import MuseoLab

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the schema migrations of sql/migrations as the schema's owner (the server does it on start too).")

    func run() async throws {
        try await CommandRunner.run(requireCurrentSchema: false, asOwner: true) { lab, location in
            let report = try await lab.migrate(sqlFolder: location.sqlFolder)
            if report.applied.isEmpty {
                Printer.line("The database is up to date (\(report.alreadyApplied) migrations applied before).")
            } else {
                report.applied.forEach { Printer.line("applied \($0)") }
                Printer.line("\(report.applied.count) migration(s) applied, \(report.alreadyApplied) already there.")
            }
        }
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the reference data (organisations, agreement, rooms) and the shipped annexes, as the server does on start.")

    func run() async throws {
        try await CommandRunner.run(asOwner: true) { lab, location in
            let reports = try await lab.seeder(sqlFolder: location.sqlFolder).seed()
            Printer.line("Reference data loaded.")
            for report in reports {
                Printer.line("Annex \(report.year) imported: \(report.totals.created) assets created, \(report.totals.warnings) warnings.")
            }
        }
    }
}
