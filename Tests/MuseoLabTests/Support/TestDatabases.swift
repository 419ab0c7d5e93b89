import EmbeddedPostgres
import Foundation
import Logging
import MuseoLab
import MuseoLabRuntime
import PostgresNIO
import Synchronization

/// The project's folders, found from this file.
enum ProjectFolders {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sql = root.appendingPathComponent("sql")
    /// Where `swift build` put the executables: beside the test bundle.
    static let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    static var cli: String { products.appendingPathComponent("museolab").path }
    static var server: String { products.appendingPathComponent("museolab-server").path }
}

/// Quiet loggers for tests: only errors show.
enum TestLog {
    /// How long the tests' domain and the servers and CLIs they start wait for a database
    /// connection: with the whole suite on two cores, making one can take seconds. The bound
    /// itself is tested with its own setting (`DatabaseOutageTests`).
    static let connectionWait: Duration = .seconds(30)
    static let connectionWaitEnvironment = ["DATABASE_CONNECTION_WAIT_MS": "30000"]
    /// The real Factur-X printer (WeasyPrint and factur-x, installed by the test command).
    static let printer = FacturXPrinter()

    static let logger: Logger = {
        var logger = Logger(label: "museolab.tests")
        logger.logLevel = .error
        return logger
    }()
}

/// The test suite's PostgreSQL: a throwaway cluster started once per test process
/// (or the server at `MUSEOLAB_TEST_DATABASE_URL`, as a superuser), and a fresh database per
/// test, copied from a template that is migrated and seeded once.
///
/// Connected as deployed: the schema belongs to `museolab_owner`, which runs the migrations,
/// and the domain, the servers and the CLI run as `museolab_server`, which owns nothing and
/// holds the rights of `museolab_app` only.
actor TestDatabases {
    static let shared = TestDatabases()

    /// Where a cluster of these databases lives: the suite's, or one a test keeps to itself
    /// (to stop and restart it).
    let root: URL
    /// Whether a commit survives a crash of the server (the suite's cluster trades that for speed).
    let durable: Bool

    init(root: URL = URL(fileURLWithPath: "/tmp/museolab-test-\(getpid())"), durable: Bool = false) {
        self.root = root
        self.durable = durable
    }

    /// The cluster, when these databases have their own (not `MUSEOLAB_TEST_DATABASE_URL`).
    private(set) var cluster: EmbeddedCluster?

    static let ownerRole = "museolab_owner"
    static let serviceRole = "museolab_server"

    private var admin: Task<PostgresClient.Configuration, any Error>?
    /// Prepared once, however many tests ask at the same time.
    private var template: Task<Void, any Error>?

    /// A configuration for a new, empty database (no schema), as its owner: to be migrated.
    func emptyDatabase() async throws -> PostgresClient.Configuration {
        try await create(template: nil)
    }

    /// A configuration for a new database with every migration and the seed data (2026 annex
    /// included), as the service's role.
    func seededDatabase() async throws -> PostgresClient.Configuration {
        let admin = try await adminConfiguration()
        if template == nil {
            template = Task { try await Self.prepareTemplate(admin) }
        }
        try await template!.value
        return Self.as(Self.serviceRole, try await create(template: "museolab_template"))
    }

    /// The same database, connected as another role.
    static func `as`(_ role: String, _ configuration: PostgresClient.Configuration) -> PostgresClient.Configuration {
        var configuration = configuration
        configuration.username = role
        return configuration
    }

    /// The same database, as the cluster's superuser: to do what nothing else may (bypass triggers).
    func superuser(_ configuration: PostgresClient.Configuration) async throws -> PostgresClient.Configuration {
        var admin = try await adminConfiguration()
        admin.database = configuration.database
        admin.options.maximumConnections = 2
        return admin
    }

    /// The DATABASE_URL of a configuration, for child processes (CLI, server).
    nonisolated func url(for configuration: PostgresClient.Configuration) -> String {
        if let socket = configuration.unixSocketPath {
            let folder = URL(fileURLWithPath: socket).deletingLastPathComponent().path
            return "postgres://\(configuration.username)@/\(configuration.database ?? "")?host=\(folder)"
        }
        let password = configuration.password.map { ":\($0)" } ?? ""
        return "postgres://\(configuration.username)\(password)@\(configuration.host ?? "localhost"):\(configuration.port ?? 5432)/\(configuration.database ?? "")?sslmode=disable"
    }

    // MARK: -

    /// A new database owned by the owner role; its configuration as that role.
    private func create(template: String?) async throws -> PostgresClient.Configuration {
        let admin = try await adminConfiguration()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresClient.withRunning(admin, logger: TestLog.logger) { client in
            let copy = template.map { " TEMPLATE \($0)" } ?? ""
            // The template's last connection (its migration) may not have ended on the server yet
            // ("source database is being accessed by other users", 55006): a busy machine waits for it.
            for attempt in 1... {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)\(copy) OWNER \(Self.ownerRole)"))
                    return
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 100 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        var configuration = Self.as(Self.ownerRole, admin)
        configuration.database = name
        configuration.options.maximumConnections = 8
        return configuration
    }

    private static func prepareTemplate(_ admin: PostgresClient.Configuration) async throws {
        try await PostgresClient.withRunning(admin, logger: TestLog.logger) { client in
            try await client.query("DROP DATABASE IF EXISTS museolab_template")
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE museolab_template OWNER \(ownerRole)"))
        }
        var template = Self.as(ownerRole, admin)
        template.database = "museolab_template"
        try await PostgresClient.withRunning(template, logger: TestLog.logger) { client in
            let lab = MuseoLab(client: client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, printer: TestLog.printer)
            try await lab.migrate(sqlFolder: ProjectFolders.sql)
            try await lab.seeder(sqlFolder: ProjectFolders.sql).seed()
        }
    }

    /// The cluster's superuser, with the roles provisioned: once, however many tests ask at the same time.
    private func adminConfiguration() async throws -> PostgresClient.Configuration {
        if admin == nil {
            let root = root
            let shared = self === Self.shared
            let durable = durable
            admin = Task { try await self.startCluster(root: root, external: shared, durable: durable) }
        }
        return try await admin!.value
    }

    private func keep(_ cluster: EmbeddedCluster) { self.cluster = cluster }

    /// - Parameters:
    ///   - external: whether `MUSEOLAB_TEST_DATABASE_URL` may name the server instead.
    ///   - durable: whether a commit must survive a crash of PostgreSQL.
    private func startCluster(root: URL, external: Bool, durable: Bool) async throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if external, let url = ProcessInfo.processInfo.environment["MUSEOLAB_TEST_DATABASE_URL"], !url.isEmpty {
            configuration = try DatabaseURL.configuration(url)
        } else {
            var cluster = EmbeddedCluster(root: root, installation: try PostgresInstallation.locate(), logger: TestLog.logger)
            // Throwaway data: durability is not worth its time here, unless a test crashes the server
            // (fsync and full pages matter only if the machine itself fails).
            // Room for the gate's tests with their servers and CLIs, and the slack of pools closing.
            cluster.extraSettings = ["fsync = off", "full_page_writes = off", "max_connections = 400"]
                + (durable ? [] : ["synchronous_commit = off"])
            let starting = cluster
            _ = try await Blocking.run { try starting.start() }
            ThrowawayCluster.register(cluster)
            keep(cluster)
            configuration = .init(unixSocketPath: cluster.socketPath, username: cluster.superuser, password: nil, database: cluster.database)
            configuration.tls = .disable
        }
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            try await ClusterRoles.provision(client, serviceRole: Self.serviceRole, ownerRole: Self.ownerRole)
        }
        return configuration
    }
}

/// Removes the test clusters when the test process exits.
enum ThrowawayCluster {
    private static let clusters = Mutex<[EmbeddedCluster]>([])

    static func register(_ cluster: EmbeddedCluster) {
        let first = clusters.withLock { list in
            list.append(cluster)
            return list.count == 1
        }
        if first {
            atexit { for cluster in ThrowawayCluster.clusters.withLock({ $0 }) { cluster.destroy() } }
        }
    }
}
