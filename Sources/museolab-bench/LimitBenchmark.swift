import ArgumentParser
import EmbeddedPostgres
import Foundation
import Hummingbird
import MuseoLab
import MuseoLabHTTP
import MuseoLabRuntime
import MuseoLabWeb
import PostgresNIO
import Synchronization

/// Every main path against its limit: the server binary under load (HTTP requests per second),
/// and PostgreSQL running the statements the server sent for one request of that path, replayed
/// by pgbench with the same clients (`StatementReplay`), in alternated runs. Figures only.
struct LimitBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limit",
        abstract: "Each main path: HTTP req/s against pgbench replaying the same statements, round trips, p99 at half load, memory.")

    @Option(help: "Connections sending requests at once (and pgbench clients).") var concurrency = 16
    @Option(help: "Requests (and replayed transactions) per client in each run.") var transactions = 50
    @Option(help: "Alternated runs of HTTP and replay per path.") var runs = 3
    @Option(help: "Only the paths whose name contains this text.") var only: String?
    @Flag(help: "Also measure each path with one client.") var oneClient = false
    @Option(help: "A folder where each path's replayed script is written (to read what the server sends).") var scripts: String?
    @Option(help: "The server's LOG_LEVEL (info, as deployed, logs a line per request).") var logLevel = "info"

    func run() async throws {
        let (concurrency, transactions, runs, only, oneClient, scripts, logLevel) = (
            self.concurrency, self.transactions, self.runs, self.only, self.oneClient, self.scripts, self.logLevel)
        try await BenchDatabase.with { lab, configuration in
            let socketFolder = URL(fileURLWithPath: configuration.unixSocketPath!).deletingLastPathComponent().path
            let installation = try PostgresInstallation.locate()
            try await ExportBenchmark.load(lab, invoices: 1_000, perInvoice: 3)
            let world = try await BenchWorld.make(lab, clients: concurrency, machines: 200)
            /// A path's rows when each client sends `each` requests a run: the server's (the
            /// capture's two, a warm-up, the runs, the half-load run), then the replay's.
            func rows(_ each: Int) -> (http: Int, all: Int) {
                let perRun = concurrency * each, singles = oneClient ? runs * each : 0
                let http = 2 + concurrency * 4 + (runs + 1) * perRun + singles
                return (http, http + runs * perRun + singles)
            }

            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("museolab-server").path
            let server = try BenchServer(
                binary: binary,
                environment: serverDatabaseEnvironment(configuration).merging([
                    // As deployed: a log line per request.
                    "LOG_LEVEL": logLevel, "DATABASE_POOL_SIZE": String(max(20, concurrency)),
                ]) { $1 })
            defer { server.stop() }
            let port = try await server.port()
            let idle = Memory.residentMiB(pid: server.pid) ?? 0
            let postmaster = ProcessCPU.postmaster(socketFolder: socketFolder)
            say("Limit benchmark: \(concurrency) clients, \(concurrency * transactions) requests or transactions a run (fewer where said), \(runs) alternated runs a path; "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores; server idle \(String(format: "%.0f", idle)) MiB")

            var figures: [Figure] = []
            try await CaptureServer.with(lab) { capturePort in
                for (index, entry) in try BenchPaths.all(world, lab, rows: rows(transactions).all).enumerated()
                where only.map({ entry.name.contains($0) }) ?? true {
                    let transactions = entry.perClient ?? transactions
                    let perRun = concurrency * transactions
                    let (httpRows, allRows) = rows(transactions)
                    let path = try await entry.make(allRows)
                    let table = "bench_inputs_\(index)", sequence = "bench_inputs_\(index)_replayed"
                    try await load(path, table: table, sequence: sequence, startingAt: httpRows, lab)
                    let next = RequestCounter()
                    let request: @Sendable (Int, Int) -> [UInt8] = { _, _ in path.request(path.inputs[next.next()]).bytes(port: port) }

                    // The server warmed (each token's last use written, as it is at most once a minute
                    // under steady load), then the capture's statements warmed by one request, and one recorded.
                    _ = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(60), limit: concurrency * 4).run(request)
                    _ = try send(path.request(path.inputs[next.next()]).bytes(port: capturePort), port: capturePort)
                    lab.database.usage.startRecording()
                    let recordedRow = next.next()
                    let status = try send(path.request(path.inputs[recordedRow]).bytes(port: capturePort), port: capturePort)
                    let recorded = lab.database.usage.stopRecording()
                    guard (200..<300).contains(status) else { throw BenchFailure("\(path.name): the recorded request answered \(status)") }
                    let replay: StatementReplay
                    do {
                        replay = try await StatementReplay.make(
                            recorded, inputs: table, columns: path.columns.map(\.name), recordedRow: Int64(recordedRow), sequence: sequence, lab: lab)
                    } catch let failure as StatementReplay.Unreplayable {
                        say("\n== \(path.name): \(recorded.count) statements; not replayable: \(failure)")
                        continue
                    }
                    if let scripts {
                        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: true)
                        try Data(replay.script.utf8).write(to: URL(fileURLWithPath: scripts).appendingPathComponent("path-\(index).sql"))
                    }
                    say("\n== \(path.name): \(recorded.count) statements a request\(entry.perClient.map { ", \($0) requests a client a run" } ?? "") "
                        + "(replayed: \(replay.fromInputs) values from the inputs, "
                        + "\(replay.fromRows) from earlier rows, \(replay.constants) as recorded; +1 statement reading them)")

                    func replayRun(_ clients: Int, _ each: Int) throws -> Double {
                        try replay.run(installation: installation, socketFolder: socketFolder, role: DatabaseLocation.embeddedServiceRole,
                                       database: configuration.database ?? "", clients: clients, transactions: each).tps
                    }
                    var figure = Figure(path: path.name, kind: path.kind, statements: recorded.count)
                    /// CPU microseconds of the server and of PostgreSQL per request (or transaction) of `work`.
                    func cpu<T>(_ count: Int, _ work: () async throws -> T) async rethrows -> (T, server: Double, postgres: Double) {
                        let before = (ProcessCPU.seconds(server.pid), postmaster.map { ProcessCPU.postgres(postmaster: $0) } ?? 0)
                        let result = try await work()
                        let after = (ProcessCPU.seconds(server.pid), postmaster.map { ProcessCPU.postgres(postmaster: $0) } ?? 0)
                        return (result, (after.0 - before.0) * 1e6 / Double(count), (after.1 - before.1) * 1e6 / Double(count))
                    }
                    for run in 1...runs {
                        let (http, serverCPU, postgresCPU) = await cpu(perRun) {
                            await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(300), limit: perRun).run(request)
                        }
                        figure.http.append(http.throughput)
                        figure.serverCPU.append(serverCPU)
                        figure.postgresCPU.append(postgresCPU)
                        figure.errors += http.errors
                        let replayed: (Double, server: Double, postgres: Double)
                        do {
                            replayed = try await cpu(perRun) { try replayRun(concurrency, transactions) }
                        } catch let failure as StatementReplay.Unreplayable {
                            // A replay PostgreSQL refuses (its constants collide) says so; the other paths go on.
                            say("  run \(run): HTTP \(Int(http.throughput)) req/s; the replay failed: \(failure)")
                            break
                        }
                        let (tps, replayCPU) = (replayed.0, replayed.postgres)
                        figure.replay.append(tps)
                        figure.replayCPU.append(replayCPU)
                        say(String(format: "  run %d: HTTP %6.0f req/s (p50 %.2f ms, p99 %.2f ms, errors %d)   replay %6.0f tps   ratio %.2f",
                                   run, http.throughput, http.percentile(0.5) * 1000, http.percentile(0.99) * 1000, http.errors, tps, http.throughput / tps))
                        say(String(format: "         CPU a request: server %.0f µs, PostgreSQL %.0f µs; a replayed transaction: PostgreSQL %.0f µs",
                                   serverCPU, postgresCPU, replayCPU))
                        if oneClient {
                            let single = await LoadGenerator(port: port, concurrency: 1, duration: .seconds(300), limit: transactions).run(request)
                            guard let singleTPS = try? replayRun(1, transactions) else {
                                say("         one client: the replay failed")
                                break
                            }
                            figure.httpOne.append(single.throughput)
                            figure.replayOne.append(singleTPS)
                            say(String(format: "         one client: HTTP %6.0f req/s (p50 %.2f ms)   replay %6.0f tps   ratio %.2f",
                                       single.throughput, single.percentile(0.5) * 1000, singleTPS, single.throughput / singleTPS))
                        }
                    }
                    let half = await LoadGenerator(
                        port: port, concurrency: concurrency, duration: .seconds(300), rate: figure.medianHTTP / 2, limit: perRun / 2).run(request)
                    figure.p99AtHalf = half.percentile(0.99) * 1000
                    figure.errors += half.errors
                    say(figure.verdict)
                    figures.append(figure)
                }
            }
            let peak = Memory.residentMiB(pid: server.pid) ?? 0
            say("\nSummary (\(concurrency) clients; median of \(runs) runs; p99 at half the measured rate)")
            say("| path | round trips | HTTP req/s | replay tps | ratio | p99 at half load |" + (oneClient ? " ratio, one client |" : "")
                + " server CPU a request | PostgreSQL CPU a request | PostgreSQL CPU a replayed transaction |")
            say("|---|---|---|---|---|---|" + (oneClient ? "---|" : "") + "---|---|---|")
            for figure in figures { say(figure.row(oneClient: oneClient)) }
            say(String(format: "server memory: %.0f MiB idle, %.0f MiB peak (targets ≤ 60 and ≤ 120)", idle, peak))
        }
    }

    /// The path's inputs in a table the replay reads, the replay's share from `startingAt`.
    func load(_ path: BenchPath, table: String, sequence: String, startingAt first: Int, _ lab: MuseoLab) async throws {
        let columns = path.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        let rows = path.inputs.enumerated().map { index, row in
            ["n": "\(index)"].merging(zip(path.columns.map(\.name), row).map { ($0, $1) }) { $1 }
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try await lab.database.write(as: BenchWorld.system, action: "bench.inputs") { session in
            try await session.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (n bigint PRIMARY KEY, \(columns))"))
            try await session.execute(PostgresQuery(unsafeSQL: "CREATE SEQUENCE \(sequence) START WITH \(first)"))
            var bindings = PostgresBindings()
            bindings.append(json)
            try await session.execute(PostgresQuery(
                unsafeSQL: "INSERT INTO \(table) SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (n bigint, \(columns))", binds: bindings))
            try await session.execute(PostgresQuery(unsafeSQL: "GRANT SELECT ON \(table) TO \(DatabaseLocation.embeddedServiceRole)"))
            try await session.execute(PostgresQuery(unsafeSQL: "GRANT USAGE ON SEQUENCE \(sequence) TO \(DatabaseLocation.embeddedServiceRole)"))
        }
    }

    /// Sends one request on its own connection; its status.
    func send(_ bytes: [UInt8], port: Int) throws -> Int {
        let connection = LoadGenerator.connect(port)
        guard connection >= 0 else { throw BenchFailure("no connection to port \(port)") }
        defer { close(connection) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        guard LoadGenerator.write(all: bytes, to: connection), let answer = LoadGenerator.readResponse(connection, &buffer) else {
            throw BenchFailure("no answer from port \(port)")
        }
        return answer.status
    }
}

/// One path's figures.
struct Figure {
    var path: String
    var kind: BenchPath.Kind
    var statements: Int
    var http: [Double] = [], replay: [Double] = [], httpOne: [Double] = [], replayOne: [Double] = []
    /// CPU microseconds a request: the server's and PostgreSQL's; and PostgreSQL's a replayed transaction.
    var serverCPU: [Double] = [], postgresCPU: [Double] = [], replayCPU: [Double] = []
    var p99AtHalf = 0.0
    var errors = 0

    var medianHTTP: Double { percentile(0.5, of: http) }
    var ratio: Double { medianHTTP / max(percentile(0.5, of: replay), 1) }
    var ratioOne: Double { percentile(0.5, of: httpOne) / max(percentile(0.5, of: replayOne), 1) }
    var p99Target: Double { kind == .write ? 10 : 5 }

    var verdict: String {
        let limit = replay.isEmpty
            ? "no replay"
            : String(format: "replay %.0f tps, ratio %.2f (target ≥ 0.75: %@)", percentile(0.5, of: replay), ratio, ratio >= 0.75 ? "met" : "NOT met")
        return String(format: "  median: HTTP %.0f req/s, %@; p99 at half load %.2f ms (target < %.0f ms: %@)%@",
                      medianHTTP, limit, p99AtHalf, p99Target, p99AtHalf < p99Target ? "met" : "NOT met", errors > 0 ? "; \(errors) HTTP errors" : "")
    }

    func row(oneClient: Bool) -> String {
        (replay.isEmpty
            ? String(format: "| %@ | %d | %.0f | – | – | %.1f ms |", path, statements, medianHTTP, p99AtHalf)
            : String(format: "| %@ | %d | %.0f | %.0f | %.2f | %.1f ms |", path, statements, medianHTTP, percentile(0.5, of: replay), ratio, p99AtHalf))
            + (oneClient ? String(format: " %.2f |", ratioOne) : "")
            + String(format: " %.0f µs | %.0f µs | %.0f µs |",
                     percentile(0.5, of: serverCPU), percentile(0.5, of: postgresCPU), percentile(0.5, of: replayCPU))
    }
}

/// The server's code in this process, on the bench's own `MuseoLab`, whose store records the
/// statements of one request (`ConnectionUsage.startRecording`).
enum CaptureServer {
    static func with(_ lab: MuseoLab, _ body: (Int) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let pages = try await WebFrontEnd(lab: lab, settings: WebSettings(), logger: BenchDatabase.logger)
        let app = try buildApplication(
            lab: lab, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: BenchDatabase.logger, frontEnds: { pages.register(on: $0) },
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await app.runService(gracefulShutdownSignals: [])
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            try await body(port)
        }
    }
}
