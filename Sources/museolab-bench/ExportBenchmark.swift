import ArgumentParser
import Foundation
import MuseoLab
import PostgresNIO
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How fast the accounting exports stream, and how much memory they take, for a year of
/// invoice lines: in the domain (what the CLI does), and through the real server binary
/// (`GET /v1/exports/fec`), whose peak resident memory is read from /proc.
struct ExportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Time the FEC and register exports over many issued invoice lines (100,000 by default).")

    @Option(help: "Invoice lines to load.") var lines = 100_000
    @Option(help: "Lines per invoice.") var linesPerInvoice = 10
    @Option(help: "Runs of each measured export.") var runs = 3
    @Flag(help: "Skip the run through the HTTP server binary.") var skipServer = false

    func run() async throws {
        let (lines, perInvoice, runs, skipServer) = (self.lines, self.linesPerInvoice, self.runs, self.skipServer)
        try await BenchDatabase.with { lab, configuration in
            let invoices = max(1, lines / perInvoice)
            let loadStart = ContinuousClock.now
            do { try await Self.load(lab, invoices: invoices, perInvoice: perInvoice) } catch { print(String(reflecting: error)); throw error }
            print("Export benchmark: \(invoices * perInvoice) issued invoice lines on \(invoices) invoices of 2027 (loaded in \(ContinuousClock.now - loadStart))")
            let (from, to) = (CalendarDate("2027-01-01")!, CalendarDate("2027-12-31")!)
            let actor = Actor.system("bench")
            let export = lab.accountingExport

            for (name, produce) in [
                ("FEC (domain)", { @Sendable (write: @escaping @Sendable (String) async throws -> Void) in try await export.fec(from: from, to: to, by: actor, write: write) }),
                ("register (domain)", { @Sendable (write: @escaping @Sendable (String) async throws -> Void) in try await export.register(from: from, to: to, by: actor, write: write) }),
            ] {
                var timings = Timings()
                var bytes = 0
                Memory.resetPeak()
                let before = Memory.residentMiB() ?? 0
                for _ in 0..<runs {
                    let counter = ByteCounter()
                    try await timings.measure { try await produce { counter.add($0.utf8.count) } }
                    bytes = counter.total
                }
                let seconds = timings.percentile(0.5) / 1000
                print(String(format: "  %@: %@   %.0f lines/s   %.1f MiB out   peak RSS %.0f MiB (%.0f MiB before)",
                             name, timings.summary, Double(invoices * perInvoice) / seconds, Double(bytes) / 1_048_576, Memory.residentMiB() ?? 0, before))
            }
            if !skipServer { try await Self.throughServer(lab, configuration, lines: invoices * perInvoice, runs: runs) }
        }
    }

    /// Invoices of 2027 with their lines (three VAT treatments), issued, straight in SQL:
    /// drafts and lines first, then each invoice moves to issued, as the triggers require. They
    /// have no files (a PDF each would be 10,000 prints): loaded as the bench cluster's superuser
    /// with triggers off, as documents issued before files were kept.
    static func load(_ lab: MuseoLab, invoices: Int, perInvoice: Int) async throws {
        try await lab.database.write(as: .system("bench"), action: "bench.load") { session in
            try await session.execute("SET LOCAL session_replication_role = replica")
            try await session.execute(
                """
                INSERT INTO organisations (name, tariff_category, siret)
                SELECT 'Client ' || n, 'partner', NULL FROM generate_series(1, 200) n
                """)
            try await session.execute(
                """
                INSERT INTO invoices (id, kind, customer_organisation_id, period_start, period_end)
                SELECT md5('invoice' || n)::uuid, 'invoice', (SELECT id FROM organisations WHERE name = 'Client ' || (n % 200 + 1)),
                       date '2027-01-01' + (n % 360)::int, date '2027-01-01' + (n % 360)::int
                FROM generate_series(1, \(invoices)) n
                """)
            try await session.execute(
                """
                INSERT INTO invoice_lines (invoice_id, position, description, service_date, quantity_milli, unit, unit_price_cents, net_cents,
                                           vat_rate_bp, vat_exemption)
                SELECT md5('invoice' || n)::uuid, p, 'Prestation ' || p, date '2027-01-01' + (n % 360)::int, 1000 + p * 250, 'hour', 4500,
                       (4500 * (1000 + p * 250)) / 1000,
                       CASE p % 3 WHEN 0 THEN 2000 WHEN 1 THEN 550 END,
                       CASE p % 3 WHEN 2 THEN 'TVA non applicable, art. 261-4-4° a du CGI' END
                FROM generate_series(1, \(invoices)) n CROSS JOIN generate_series(1, \(perInvoice)) p
                """)
            try await session.execute(
                """
                UPDATE invoices i SET status = 'issued', series = 'F2027', sequence_number = o.n, number = 'F2027-' || lpad(o.n::text, 6, '0'),
                    issue_date = i.period_end, due_date = i.period_end + 30, seller = '{"name": "Louvre-Lens Vallée", "isPublicBody": false, "isProfessional": true}',
                    buyer = jsonb_build_object('name', c.name, 'isPublicBody', false, 'isProfessional', true), total_net_cents = 0, total_vat_cents = 0, total_gross_cents = 0,
                    chain_position = o.n, previous_footprint = repeat('0', 64), footprint = encode(sha256(i.id::text::bytea), 'hex'),
                    issued_at = now(), issued_by = 'system:bench'
                FROM (SELECT id, row_number() OVER (ORDER BY period_end, id) AS n FROM invoices) o, organisations c
                WHERE o.id = i.id AND c.id = i.customer_organisation_id
                """)
            // The counters the documents were numbered from, as issuing would have left them.
            try await session.execute(
                """
                INSERT INTO document_counters (series, last_number)
                SELECT s, (SELECT count(*) FROM invoices WHERE status = 'issued') FROM unnest(ARRAY['F2027', 'CHAIN']) s
                ON CONFLICT (series) DO UPDATE SET last_number = excluded.last_number
                """)
            try await session.execute("ANALYZE")
        }
    }

    /// The real server binary on the same database, exporting to a client that reads as it comes.
    static func throughServer(_ lab: MuseoLab, _ configuration: PostgresClient.Configuration, lines: Int, runs: Int) async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("museolab-server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("  (HTTP: \(binary) not built; `swift build -c release` builds it)")
            return
        }
        let accountant = try await lab.users.add(
            NewUser(email: "bench.accountant@museolab.test", displayName: "Bench", organisationId: UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000002")!,
                    role: .accountant),
            by: .system("bench"))
        let token = try await lab.tokens.create(for: accountant.id, label: "bench", expiresAt: nil, by: .system("bench")).secret
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-bench-server-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(serverDatabaseEnvironment(configuration)) { $1 }
        environment["PORT"] = "0"
        environment["LOG_LEVEL"] = "info"
        server.environment = environment
        server.standardOutput = FileHandle.nullDevice
        server.standardError = try FileHandle(forWritingTo: log)
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var port: Int?
        for _ in 0..<300 where port == nil {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") { port = Int(text[range.upperBound...].prefix { $0.isNumber }) }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let port else { print("  (HTTP: the server did not start)"); return }
        let idle = Memory.residentMiB(pid: server.processIdentifier) ?? 0
        var timings = Timings()
        var received = 0
        for _ in 0..<runs {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/exports/fec?from=2027-01-01&to=2027-12-31")!)
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            try await timings.measure {
                // Read to a file as it arrives: the client holds nothing either.
                let (file, response) = try await URLSession.shared.download(for: request)
                received = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                try? FileManager.default.removeItem(at: file)
                guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw ExitCode(1) }
            }
        }
        let seconds = timings.percentile(0.5) / 1000
        print(String(format: "  FEC (HTTP, server binary): %@   %.0f lines/s   %.1f MiB sent   server peak RSS %.0f MiB (%.0f MiB idle)",
                     timings.summary, Double(lines) / seconds, Double(received) / 1_048_576,
                     Memory.residentMiB(pid: server.processIdentifier) ?? 0, idle))
    }
}

/// Counts what an export writes, without keeping it.
final class ByteCounter: @unchecked Sendable {
    private(set) var total = 0
    /// Called from one task at a time: the export writes serially.
    func add(_ count: Int) { total += count }
}
