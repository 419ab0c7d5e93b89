import ArgumentParser
import EmbeddedPostgres
import Foundation
import MuseoLab
import PostgresNIO
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The session-booking path under load (`POST /v1/sessions` on the real server binary),
/// against PostgreSQL's own limit for the same kind of write (pgbench: an insert into a
/// table under the same exclusion constraint, same concurrency), and at half that load.
struct BookingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking",
        abstract: "Drive POST /v1/sessions at a concurrency for a duration; compare with pgbench; latency at half load.")

    @Option(help: "Connections sending requests at once (and pgbench clients).") var concurrency = 16
    @Option(help: "Seconds of each measured run.") var seconds = 10
    @Option(help: "Bench machines to book (each request takes a free half-hour slot of one).") var machines = 200
    @Flag(help: "After the full-speed run, print PostgreSQL's time per statement (pg_stat_statements).") var statements = false

    func run() async throws {
        let (concurrency, seconds, machines, statements) = (self.concurrency, self.seconds, self.machines, self.statements)
        try await BenchDatabase.with(statementStatistics: statements) { lab, configuration in
            let socketFolder = URL(fileURLWithPath: configuration.unixSocketPath!).deletingLastPathComponent().path
            let fixture = try await BookingFixture.load(lab, machines: machines, users: max(concurrency, 8))
            say("Booking benchmark: \(machines) bookable machines, \(fixture.tokens.count) customers, \(fixture.slots.count) half-hour slots a machine; "
                + "concurrency \(concurrency), \(seconds) s a run")

            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("museolab-server").path
            let server = try BenchServer(
                binary: binary,
                environment: serverDatabaseEnvironment(configuration).merging([
                    "LOG_LEVEL": "warning", "DATABASE_POOL_SIZE": String(max(20, concurrency)),
                ]) { $1 })
            defer { server.stop() }
            let port = try await server.port()
            let idle = Memory.residentMiB(pid: server.pid) ?? 0

            let counter = Atomic<Int>(0)
            let request: @Sendable (Int, Int) -> [UInt8] = { worker, _ in
                let n = counter.add(1, ordering: .relaxed).newValue - 1
                return fixture.request(n, token: fixture.tokens[worker % fixture.tokens.count], port: port)
            }
            // A short warm-up: connections, caches, the pool.
            _ = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(2)).run(request)
            if statements { try await StatementStatistics.reset(lab) }
            let full = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(seconds)).run(request)
            let peak = Memory.residentMiB(pid: server.pid) ?? 0
            say("  HTTP, as fast as it answers: \(full.summary)")
            if statements { try await StatementStatistics.print(lab, per: full.requests, of: "booking") }

            let pgbench = try PGBench.run(
                installation: try PostgresInstallation.locate(), socketFolder: socketFolder, user: configuration.username,
                database: configuration.database ?? "", concurrency: concurrency, seconds: seconds)
            say(String(format: "  pgbench (insert under the same exclusion constraint): %.0f transactions/s", pgbench))

            let half = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(seconds), rate: full.throughput / 2).run(request)
            say("  HTTP at half that load (\(Int(full.throughput / 2)) req/s offered): \(half.summary)")

            let ratio = full.throughput / pgbench
            say(String(format: "  ratio HTTP / pgbench: %.2f (target ≥ 0.50: %@)", ratio, ratio >= 0.5 ? "met" : "NOT met"))
            say(String(format: "  p99 at half load: %.2f ms (target < 10 ms: %@)", half.percentile(0.99) * 1000, half.percentile(0.99) < 0.010 ? "met" : "NOT met"))
            say(String(format: "  server memory: %.0f MiB idle, %.0f MiB peak under load", idle, max(peak, Memory.residentMiB(pid: server.pid) ?? 0)))
            say("  machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")
        }
    }
}

/// Machines, customers outside an agreement authorised on them, their tokens, and the slots.
struct BookingFixture: Sendable {
    let machineIds: [String]
    let tokens: [String]
    /// Half-hour periods inside the opening hours, on working days ahead (RFC 3339).
    let slots: [(start: String, end: String)]

    static func load(_ lab: MuseoLab, machines: Int, users: Int) async throws -> BookingFixture {
        let system = Actor.system("bench")
        let customer = try await lab.organisations.create(NewOrganisation(name: "Bench Customer", tariffCategory: "partner"), by: system)
        try await lab.database.write(as: system, action: "bench.load") { session in
            try await session.execute(
                """
                INSERT INTO machines (nature, model, owner_organisation_id, category, bookable, requires_authorisation)
                SELECT 'Machine de test ' || n, 'Bench', '6f0b8d2e-0001-4000-8000-000000000002', 'bench', true, false
                FROM generate_series(1, \(machines)) n
                """)
        }
        var tokens: [String] = []
        for index in 1...users {
            let user = try await lab.users.add(
                NewUser(email: "bench\(index)@customer.test", displayName: "Bench \(index)", organisationId: customer.id, role: .member), by: system)
            _ = try await lab.authorisations.grant(
                to: user.id, machineId: nil, category: "bench", grantedOn: nil, expiresOn: nil, note: nil, by: system)
            tokens.append(try await lab.tokens.create(for: user.id, label: "bench", expiresAt: nil, by: system).secret)
        }
        let machineIds = try await lab.database.read { session in
            try await session.rows("SELECT id FROM machines WHERE category = 'bench' ORDER BY position").map { try $0.decode(UUID.self).uuidString.lowercased() }
        }
        var slots: [(String, String)] = []
        var day = ParisClock.date(of: Date()).adding(days: 3)
        let hours = try await lab.calendar.openingHours()
        for _ in 0..<300 {
            for interval in hours where interval.weekday == day.weekday && FrenchPublicHolidays.name(of: day) == nil {
                var start = try ParisClock.instant(day, interval.start)
                let end = try ParisClock.instant(day, interval.end)
                while start.addingTimeInterval(1800) <= end {
                    slots.append((start.formatted(.iso8601), start.addingTimeInterval(1800).formatted(.iso8601)))
                    start = start.addingTimeInterval(1800)
                }
            }
            day = day.adding(days: 1)
        }
        return BookingFixture(machineIds: machineIds, tokens: tokens, slots: slots)
    }

    /// The n-th booking: a free slot of one machine (no two requests ask for the same).
    func request(_ n: Int, token: String, port: Int) -> [UInt8] {
        let slot = slots[(n / machineIds.count) % slots.count]
        let body = #"{"purpose":"Banc d'essai","supervised":false,"start":"\#(slot.start)","end":"\#(slot.end)","machineIds":["\#(machineIds[n % machineIds.count])"]}"#
        return Array((
            "POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8)
    }
}

/// The server binary under measure, its logs in a file.
final class BenchServer: @unchecked Sendable {
    let process = Process()
    let log: URL
    var pid: Int32 { process.processIdentifier }

    let port: Int

    init(binary: String, environment extra: [String: String]) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("\(binary) is not built: swift build -c release --product museolab-server")
        }
        port = Self.freePort()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-bench-server-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = String(port)
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    /// Waits until the server answers `/health` (its logs may be quiet at this level).
    func port() async throws -> Int {
        for _ in 0..<300 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return port
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// A port nobody listens on now (the kernel's choice for port 0).
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length)
                return getsockname(descriptor, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: log)
    }
}

/// PostgreSQL's own rate for the same write: pgbench inserting, each transaction into a
/// free slot, under an exclusion constraint like machine_occupations'.
enum PGBench {
    static func run(
        installation: PostgresInstallation, socketFolder: String, user: String, database: String, concurrency: Int, seconds: Int
    ) throws -> Double {
        let psql = "\(installation.binDirectory)/psql", pgbench = "\(installation.binDirectory)/pgbench"
        let connection = ["-h", socketFolder, "-U", user]
        let setup = try ChildProcess.run(psql, connection + ["-v", "ON_ERROR_STOP=1", "-q", "-d", database, "-c", """
            CREATE TABLE bench_occupations (
                id bigserial PRIMARY KEY, machine_id uuid NOT NULL, period tstzrange NOT NULL, active boolean NOT NULL DEFAULT true,
                EXCLUDE USING gist (machine_id WITH =, period WITH &&) WHERE (active));
            CREATE SEQUENCE bench_slots;
            """])
        guard setup.succeeded else { throw ValidationError("pgbench setup failed: \(setup.output)") }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-pgbench-\(getpid()).sql")
        try Data("""
            INSERT INTO bench_occupations (machine_id, period)
            SELECT md5((n % 200)::text)::uuid,
                   tstzrange(timestamptz '2030-01-01' + (n / 200) * interval '30 minutes', timestamptz '2030-01-01' + (n / 200 + 1) * interval '30 minutes')
            FROM (SELECT nextval('bench_slots') AS n) s;

            """.utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        let result = try ChildProcess.run(
            pgbench, connection + ["-n", "-c", String(concurrency), "-j", String(min(concurrency, 2)), "-T", String(seconds), "-f", script.path, database])
        guard result.succeeded, let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix { $0.isNumber || $0 == "." })
        else { throw ValidationError("pgbench failed: \(result.output)") }
        return tps
    }
}

/// Prints a line at once (`print` buffers when the output is a file or a pipe, and a run
/// stopped half-way would show nothing).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
