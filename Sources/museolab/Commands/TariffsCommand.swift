import ArgumentParser
import Foundation
import MuseoLab

struct TariffsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tariffs",
        abstract: "The versioned tariff grid: the version in force on a service date prices it.",
        subcommands: [Load.self, Show.self, Versions.self]
    )
}

extension TariffsCommand {
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a grid (tab-separated, as sql/seed/tariffs-2026.tsv) effective from a date.",
            discussion: "Re-loading a date replaces that version unless an issued invoice locked it.")
        @Argument(help: "The grid file.") var file: String
        @Option(help: "First day it prices (YYYY-MM-DD).") var effective: String
        @Option var label: String?
        func run() async throws {
            let day = try TimeArgument.day(effective, option: "--effective")
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw ValidationError("cannot read \(file): \(error.localizedDescription)") }
            try await CommandRunner.run { lab, _ in
                let version = try await lab.tariffs.load(text, effectiveFrom: day, label: label, by: CommandRunner.actor)
                Printer.line("Grid \"\(version.label)\" in force from \(version.effectiveFrom): \(version.items.count) items.")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The grid in force on a date (default today), prices before VAT.")
        @Option(help: "The day (YYYY-MM-DD).") var at: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let day = try at.map { try TimeArgument.day($0, option: "--at") } ?? ParisClock.date(of: Date())
            try await CommandRunner.run { lab, _ in
                let version = try await lab.tariffs.inForce(on: day)
                if output.json { return try Printer.json(version) }
                Printer.line("\(version.label), in force from \(version.effectiveFrom)\(version.lockedAt == nil ? "" : " (locked: it priced an issued invoice)")")
                let categories = Array(Set(version.items.flatMap(\.prices.keys))).sorted()
                Printer.table(["CODE", "UNIT", "VAT"] + categories.map { $0.uppercased() }, version.items.map { item in
                    [item.code, item.unit.rawValue, item.vat.label] + categories.map { item.prices[$0].map { Money.decimal($0) } ?? "-" }
                })
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version of the grid.")
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let versions = try await lab.tariffs.versions()
                if output.json { return try Printer.json(versions) }
                Printer.table(["EFFECTIVE FROM", "ITEMS", "LOCKED", "LABEL"], versions.map {
                    [$0.effectiveFrom.description, "\($0.items.count)", $0.lockedAt.map(ParisTime.format) ?? "-", $0.label]
                })
            }
        }
    }
}
