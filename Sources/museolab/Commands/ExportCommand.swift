import ArgumentParser
import Foundation
import MuseoLab

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Accounting exports of the documents issued in a date range, streamed.",
        subcommands: [Register.self, FEC.self]
    )

    struct Range: ParsableArguments {
        @Option(help: "First issue date (YYYY-MM-DD).") var from: String
        @Option(help: "Last issue date (YYYY-MM-DD).") var to: String
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func days() throws -> (CalendarDate, CalendarDate) {
            (try TimeArgument.day(from, option: "--from"), try TimeArgument.day(to, option: "--to"))
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The invoice register: CSV with ';', decimal comma, UTF-8 with BOM, totals per VAT rate.")
        @OptionGroup var range: Range
        func run() async throws {
            try await range.export { export, from, to, write in try await export.register(from: from, to: to, by: CommandRunner.actor, write: write) }
        }
    }

    struct FEC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fec", abstract: "The sales journal in the FEC layout (article A47 A-1 LPF): 18 tab-separated columns, balanced entries.")
        @OptionGroup var range: Range
        func run() async throws {
            try await range.export { export, from, to, write in
                try await export.fec(from: from, to: to, by: CommandRunner.actor, write: write)
                if range.output != nil {
                    FileHandle.standardError.write(Data("FEC file name for the tax administration: \(try await export.fecFileName(to: to))\n".utf8))
                }
            }
        }
    }
}

extension ExportCommand.Range {
    /// Runs an export into the output, as it is produced.
    func export(
        _ body: @escaping @Sendable (AccountingExport, CalendarDate, CalendarDate, @escaping @Sendable (String) async throws -> Void) async throws -> Void
    ) async throws {
        let (from, to) = try days()
        let output = self.output
        try await CommandRunner.run { lab, _ in
            let sink = try StreamSink(path: output)
            try await body(lab.accountingExport, from, to) { sink.write($0) }
            try sink.close()
        }
    }
}

/// Standard output or a file, written as the export produces it (buffered, flushed by chunks).
final class StreamSink: @unchecked Sendable {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var buffer = Data()

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ValidationError("cannot write \(path)") }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            ownsHandle = true
        } else {
            handle = .standardOutput
            ownsHandle = false
        }
    }

    /// Called from one task at a time (the export writes serially).
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 64 * 1024 {
            handle.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    func close() throws {
        handle.write(buffer)
        buffer.removeAll()
        if ownsHandle { try handle.close() }
    }
}
