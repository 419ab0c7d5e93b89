import ArgumentParser
import EmbeddedPostgres
import Foundation
import Logging
import MuseoLab
import MuseoLabRuntime
import PostgresNIO

/// Benchmarks of the MuséoLab service. Each starts a throwaway PostgreSQL cluster,
/// loads data, measures, and prints figures; none asserts anything.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "museolab-bench",
        abstract: "Measure the MuséoLab service on a throwaway local PostgreSQL.",
        subcommands: [LimitBenchmark.self, BookingBenchmark.self, QuotaBenchmark.self, ExportBenchmark.self, RoundTripBenchmark.self, PageBenchmark.self]
    )
}

/// A throwaway cluster with a migrated, seeded database.
enum BenchDatabase {
    static var logger: Logger {
        var logger = Logger(label: "museolab.bench")
        logger.logLevel = .error
        return logger
    }

    /// - Parameter statementStatistics: load pg_stat_statements (with planning times), to see where PostgreSQL spends its time.
    static func with<Result: Sendable>(
        statementStatistics: Bool = false, _ body: @Sendable (MuseoLab, PostgresClient.Configuration) async throws -> Result
    ) async throws -> Result {
        let root = URL(fileURLWithPath: "/tmp/museolab-bench-\(getpid())")
        var cluster = EmbeddedCluster(root: root, installation: try PostgresInstallation.locate(), logger: logger)
        cluster.extraSettings = ["fsync = off", "synchronous_commit = off", "shared_buffers = 256MB"]
        if statementStatistics {
            cluster.extraSettings += ["shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track_planning = on"]
        }
        try cluster.start()
        defer { cluster.destroy() }
        var settings = PostgresClient.Configuration(
            unixSocketPath: cluster.socketPath, username: cluster.superuser, password: nil, database: cluster.database)
        settings.tls = .disable
        let configuration = settings
        let sql = try SQLFiles.locate()
        return try await PostgresClient.withRunning(configuration, logger: logger) { client in
            // The servers it starts run as the service's role, as deployed (`serverURL`).
            try await ClusterRoles.provision(client, serviceRole: DatabaseLocation.embeddedServiceRole)
            let lab = MuseoLab(client: client, logger: logger, printer: FacturXPrinter())
            try await lab.migrate(sqlFolder: sql)
            try await lab.seeder(sqlFolder: sql).seed()
            return try await body(lab, configuration)
        }
    }
}

/// The environment that points a server at the bench's database: served as the service's
/// role, migrated as the cluster's superuser.
func serverDatabaseEnvironment(_ configuration: PostgresClient.Configuration) -> [String: String] {
    let socketFolder = URL(fileURLWithPath: configuration.unixSocketPath ?? "").deletingLastPathComponent().path
    let database = configuration.database ?? ""
    return [
        "DATABASE_URL": "postgres://\(DatabaseLocation.embeddedServiceRole)@/\(database)?host=\(socketFolder)",
        "DATABASE_OWNER_URL": "postgres://\(configuration.username)@/\(database)?host=\(socketFolder)",
    ]
}

/// Timings of repeated runs of one operation.
struct Timings {
    var samples: [Duration] = []

    mutating func measure(_ operation: () async throws -> Void) async rethrows {
        let start = ContinuousClock.now
        try await operation()
        samples.append(ContinuousClock.now - start)
    }

    func percentile(_ p: Double) -> Double {
        museolab_bench.percentile(p, of: samples.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 })
    }

    var summary: String {
        String(format: "p50 %7.2f ms   p90 %7.2f ms   max %7.2f ms   (%d runs)", percentile(0.5), percentile(0.9), percentile(1), samples.count)
    }
}

/// The value below which a fraction `p` of `values` lies (nearest rank); 0 when there are none.
func percentile(_ p: Double, of values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// The server's resident memory, from /proc (Linux), in MiB.
enum Memory {
    /// Starts a new peak (VmHWM) for this process: writing 5 to clear_refs resets it (Linux 4.0+).
    static func resetPeak() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    static func residentMiB(pid: Int32 = getpid()) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for key in ["VmHWM:", "VmRSS:"] {
            if let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
                let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            {
                return kilobytes / 1024
            }
        }
        return nil
    }
}

/// CPU time processes have used, user and system, read from /proc: a figure that depends far
/// less than a rate on what else the two cores are doing.
enum ProcessCPU {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// A process's own CPU seconds, those of its children it has waited for, and its parent.
    static func times(_ pid: Int32) -> (own: Double, children: Double, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        // After the command's closing parenthesis: state (field 3), parent (4), … utime (14) to cstime (17).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]), let user = Double(fields[11]), let system = Double(fields[12]),
            let childUser = Double(fields[13]), let childSystem = Double(fields[14])
        else { return nil }
        return ((user + system) / ticksPerSecond, (childUser + childSystem) / ticksPerSecond, parent)
    }

    /// The CPU seconds a process has used.
    static func seconds(_ pid: Int32) -> Double { times(pid)?.own ?? 0 }

    /// PostgreSQL's CPU seconds: the postmaster's, its live processes', and those of its
    /// processes that have ended (pgbench's connections end with each run).
    static func postgres(postmaster: Int32) -> Double {
        var total = times(postmaster).map { $0.own + $0.children } ?? 0
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for name in processes {
            guard let pid = Int32(name), let process = times(pid), process.parent == postmaster else { continue }
            total += process.own
        }
        return total
    }

    /// The postmaster of the cluster whose socket is in `socketFolder` (beside its data folder).
    static func postmaster(socketFolder: String) -> Int32? {
        let file = URL(fileURLWithPath: socketFolder).deletingLastPathComponent().appendingPathComponent("pgdata/postmaster.pid")
        return (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n").first.flatMap { Int32($0) }
    }
}
