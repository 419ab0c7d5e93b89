import EmbeddedPostgres
import Foundation
import MuseoLab
import PostgresNIO

/// PostgreSQL's limit for a path: the statements the server sent for one request, replayed by
/// pgbench (`-M prepared`, the same clients, the same cluster and role), each transaction with
/// fresh inputs.
///
/// The script is made from one recorded request. Each bound value becomes a pgbench variable:
/// - an input of the request (a slot's start, a machine, the session to confirm) or a value that
///   contains one (a period) is read, per transaction, from the path's table of inputs;
/// - a value an earlier statement of the same request read (the id a `RETURNING` gave) is taken
///   from that statement's row (`\gset`);
/// - anything else is the recorded value.
/// The inputs and the constants come from one statement at the start of each transaction (pgbench
/// has no strings of its own): the replay sends one statement more than the server did.
struct StatementReplay {
    var script: String
    /// Statements the server sent (the replay adds the one that reads the inputs).
    var statements: Int
    /// Bound values taken from the inputs, from an earlier row, or kept as recorded.
    var fromInputs = 0, fromRows = 0, constants = 0

    struct Unreplayable: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameters:
    ///   - inputs: the path's table of inputs, its columns, and the row the recorded request used.
    static func make(
        _ recorded: [RecordedStatement], inputs table: String, columns: [String], recordedRow: Int64, sequence: String, lab: MuseoLab
    ) async throws -> StatementReplay {
        // The recorded request's inputs as PostgreSQL writes them, longest first (a value that
        // contains another is replaced first).
        let query = PostgresQuery(
            unsafeSQL: "SELECT " + columns.map { "\($0)::text" }.joined(separator: ", ") + " FROM \(table) WHERE n = \(recordedRow)")
        let cells: [String] = try await lab.database.read { session in
            guard let row = try await session.first(query) else { return [] }
            return try row.makeRandomAccess().map { try $0.decode(String.self) }
        }
        guard cells.count == columns.count else { throw Unreplayable(description: "no input row \(recordedRow) in \(table)") }
        // Only values long enough to be unmistakable (a member's number is not matched); an id
        // also as JSON writes it from Swift, in capitals.
        let inputText = zip(columns, cells).flatMap { column, text -> [(column: String, text: String, expression: String)] in
            let upper = text.uppercased()
            return [(column, text, "i.\(column)::text")] + (upper != text && UUID(uuidString: text) != nil ? [(column, upper, "upper(i.\(column)::text)")] : [])
        }.filter { $0.text.count >= 8 }.sorted { $0.text.count > $1.text.count }

        var replay = StatementReplay(script: "", statements: recorded.count)
        // Per statement: its single row's columns as text (nil when it read none or several).
        var rows: [[(column: String, text: String?)]?] = []
        var prelude: [String] = []
        var body: [String] = []
        var referenced = Set<Int>()
        for (index, statement) in recorded.enumerated() {
            let values = try await texts(of: statement.bindings, lab)
            var sql = statement.sql.trimmingCharacters(in: .whitespacesAndNewlines)
            while sql.hasSuffix(";") { sql = String(sql.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
            sql = escapingColons(in: sql)
            if let stray = sql.firstMatch(of: /(?:^|[^:]):[A-Za-z0-9_]/) {
                throw Unreplayable(description: "statement \(index + 1) holds \"\(sql[stray.range])\", which pgbench would read as a variable: \(sql.prefix(120))")
            }
            var names: [String] = []
            for (parameter, value) in values.enumerated() {
                let variable = "v\(index)_\(parameter + 1)"
                guard let value else {
                    names.append("NULL")
                    continue
                }
                if let input = inputText.first(where: { $0.text == value }) {
                    prelude.append("\(input.expression) AS \(variable)")
                    names.append(":" + variable)
                    replay.fromInputs += 1
                } else if value.count >= 8, let source = earlierRow(holding: value, in: rows) {
                    names.append(":r\(source.statement)_\(source.column)")
                    referenced.insert(source.statement)
                    replay.fromRows += 1
                } else {
                    // Inputs inside a value (a period, a list of machines) are replaced in it.
                    var expression = literal(value)
                    var substituted = false
                    for input in inputText where value.contains(input.text) {
                        expression = "replace(\(expression), \(literal(input.text)), \(input.expression))"
                        substituted = true
                    }
                    prelude.append("\(expression) AS \(variable)")
                    // So are values an earlier statement read (the items a draft's lines invoice, in
                    // its JSON), in the statement itself: they are known once that statement ran.
                    var inline = ":" + variable
                    for source in earlierRows(within: value, in: rows) {
                        let variable = ":r\(source.statement)_\(source.column)::text"
                        inline = "replace(\(inline)::text, \(literal(source.text)), \(source.uppercased ? "upper(\(variable))" : variable))"
                        referenced.insert(source.statement)
                        substituted = true
                    }
                    if substituted { replay.fromInputs += 1 } else { replay.constants += 1 }
                    names.append(inline == ":" + variable ? inline : "(\(inline))")
                }
            }
            sql = sql.replacing(/\$([0-9]+)/) { match in
                let number = Int(match.output.1)!
                return number <= names.count ? names[number - 1] : String(match.output.0)
            }
            body.append(sql)
            rows.append(try await singleRow(statement.rows, lab))
        }
        for index in referenced.sorted() { body[index] += " \\gset r\(index)_" }
        let read = prelude.isEmpty ? "SELECT i.n" : "SELECT " + prelude.joined(separator: ",\n       ")
        replay.script = "\(read)\nFROM (SELECT nextval('\(sequence)') AS n) s JOIN \(table) i USING (n) \\gset\n"
            + body.enumerated().map { index, sql in referenced.contains(index) ? sql + "\n" : sql + ";\n" }.joined()
        return replay
    }

    /// The statement and column, latest first, whose single row holds `value`.
    static func earlierRow(holding value: String, in rows: [[(column: String, text: String?)]?]) -> (statement: Int, column: String)? {
        for (statement, row) in rows.enumerated().reversed() {
            guard let row else { continue }
            if let cell = row.first(where: { $0.text == value && nameable($0.column, in: row) }) {
                return (statement, cell.column)
            }
        }
        return nil
    }

    /// A column pgbench can name, and only one of that name in its row (`\gset` keeps the last).
    static func nameable(_ column: String, in row: [(column: String, text: String?)]) -> Bool {
        column.wholeMatch(of: /[a-z_][a-z0-9_]*/) != nil && row.filter { $0.column == column }.count == 1
    }

    /// The single-row cells of earlier statements (long enough to be unmistakable) that a value holds.
    /// An id among them may be written in capitals (JSON encoded by Swift).
    static func earlierRows(
        within value: String, in rows: [[(column: String, text: String?)]?]
    ) -> [(statement: Int, column: String, text: String, uppercased: Bool)] {
        var found: [(statement: Int, column: String, text: String, uppercased: Bool)] = []
        for (statement, row) in rows.enumerated().reversed() {
            guard let row else { continue }
            for cell in row {
                guard let cellText = cell.text, cellText.count >= 8, nameable(cell.column, in: row) else { continue }
                let forms = [(cellText, false)] + (UUID(uuidString: cellText) != nil && cellText.uppercased() != cellText ? [(cellText.uppercased(), true)] : [])
                for (text, uppercased) in forms where text != value && value.contains(text) && !found.contains(where: { $0.text == text }) {
                    found.append((statement, cell.column, text, uppercased))
                }
            }
        }
        return found
    }

    /// The SQL without its comments, and with each quoted literal that holds a colon (`timestamptz '2000-01-01 00:00:00+00'`)
    /// written as an escape string, `E'2000-01-01 00\x3a00\x3a00+00'`: the same value, which pgbench
    /// does not read as variables.
    static func escapingColons(in sql: String) -> String {
        var output = "", literal = ""
        var quoted = false
        var characters = Array(sql)[...]
        while let character = characters.popFirst() {
            guard quoted else {
                if character == "-", characters.first == "-" {
                    // A comment (whose apostrophes are no quotes) is dropped.
                    while let next = characters.first, next != "\n" { characters.removeFirst() }
                } else if character == "'" {
                    quoted = true
                    literal = ""
                } else {
                    output.append(character)
                }
                continue
            }
            if character == "'" {
                if characters.first == "'" {
                    literal += "''"
                    characters.removeFirst()
                    continue
                }
                quoted = false
                output += literal.contains(":")
                    ? "E'" + literal.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\x3a") + "'"
                    : "'" + literal + "'"
            } else {
                literal.append(character)
            }
        }
        return output
    }

    /// A text constant pgbench leaves alone: it would read `:00` in `'09:00'` as a variable.
    static func literal(_ text: String) -> String {
        "convert_from('\\x\(Data(text.utf8).map { String(format: "%02x", $0) }.joined())'::bytea, 'UTF8')"
    }

    /// Bound values as PostgreSQL reads them (their text form), `nil` for `NULL`.
    static func texts(of bindings: PostgresBindings, _ lab: MuseoLab) async throws -> [String?] {
        guard bindings.count > 0 else { return [] }
        let sql = "SELECT " + (1...bindings.count).map { "$\($0)::text" }.joined(separator: ", ")
        return try await lab.database.read { session in
            guard let row = try await session.first(PostgresQuery(unsafeSQL: sql, binds: bindings)) else { return [] }
            return try row.makeRandomAccess().map { try $0.decode(String?.self) }
        }
    }

    /// The columns of a statement's only row, as text; `nil` when it read no row or several.
    static func singleRow(_ rows: [PostgresRow]?, _ lab: MuseoLab) async throws -> [(column: String, text: String?)]? {
        guard let rows, rows.count == 1 else { return nil }
        let cells = Array(rows[0].makeRandomAccess())
        guard !cells.isEmpty else { return [] }
        var bindings = PostgresBindings()
        for cell in cells { bindings.append(PostgresData(type: cell.dataType, formatCode: cell.format, value: cell.bytes)) }
        let values = try await texts(of: bindings, lab)
        return zip(cells, values).map { ($0.columnName, $1) }
    }

    /// Runs the script: `transactions` per client; transactions per second, or why it failed.
    func run(
        installation: PostgresInstallation, socketFolder: String, role: String, database: String, clients: Int, transactions: Int
    ) throws -> (tps: Double, latency: Double) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-replay-\(getpid()).sql")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ChildProcess.run(
            "\(installation.binDirectory)/pgbench",
            ["-h", socketFolder, "-U", role, "-n", "-M", "prepared", "-c", String(clients), "-j", String(min(clients, 2)),
             "-t", String(transactions), "-f", file.path, database])
        let lines = result.output.split(separator: "\n")
        func number(after prefix: String) -> Double? {
            lines.first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count).prefix { $0.isNumber || $0 == "." }) }
        }
        guard result.succeeded, let tps = number(after: "tps = "), !result.output.contains("aborted") else {
            throw Unreplayable(description: "pgbench failed: \(result.output.split(separator: "\n").prefix(12).joined(separator: "\n"))")
        }
        return (tps, number(after: "latency average = ") ?? 0)
    }
}
