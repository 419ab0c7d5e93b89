import ArgumentParser
import Foundation
import MuseoLab

/// Writing results: aligned text tables for people, JSON for programs.
enum Printer {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        line(format(header))
        line(format(widths.map { String(repeating: "-", count: $0) }))
        rows.forEach { line(format($0)) }
    }

    /// A document to a file, or to standard output.
    static func write(_ text: String, to path: String?) throws {
        try write(Data(text.utf8), to: path)
    }

    static func write(_ bytes: Data, to path: String?) throws {
        if let path {
            do { try bytes.write(to: URL(fileURLWithPath: path)) } catch { throw ValidationError("cannot write \(path): \(error.localizedDescription)") }
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }

    static func date(_ date: Date?) -> String {
        date.map(ParisTime.format) ?? "-"
    }
}

extension Optional {
    /// `map` for an asynchronous transform (looking something up in the database).
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
