import EmbeddedPostgres
import Foundation
import Logging
import MuseoLab
import PostgresNIO

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
    static let logger: Logger = {
        var logger = Logger(label: "museolab.tests")
        logger.logLevel = .error
        return logger
    }()
}

/// The test suite's PostgreSQL: a throwaway cluster started once per test process
/// (or the server at `MUSEOLAB_TEST_DATABASE_URL`), and a fresh database per test,
/// copied from a template that is migrated and seeded once.
actor TestDatabases {
    static let shared = TestDatabases()

    private var admin: PostgresClient.Configuration?
    /// Prepared once, however many tests ask at the same time.
    private var template: Task<Void, any Error>?
    private var cluster: EmbeddedCluster?

    /// A configuration for a new, empty database (no schema).
    func emptyDatabase() async throws -> PostgresClient.Configuration {
        try await create(template: nil)
    }

    /// A configuration for a new database with every migration and the seed data (2026 annex included).
    func seededDatabase() async throws -> PostgresClient.Configuration {
        let admin = try adminConfiguration()
        if template == nil {
            template = Task { try await Self.prepareTemplate(admin) }
        }
        try await template!.value
        return try await create(template: "museolab_template")
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

    private func create(template: String?) async throws -> PostgresClient.Configuration {
        let admin = try adminConfiguration()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresClient.withRunning(admin, logger: TestLog.logger) { client in
            if let template {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"))
            } else {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            }
        }
        var configuration = admin
        configuration.database = name
        configuration.options.maximumConnections = 8
        return configuration
    }

    private static func prepareTemplate(_ admin: PostgresClient.Configuration) async throws {
        try await PostgresClient.withRunning(admin, logger: TestLog.logger) { client in
            try await client.query("DROP DATABASE IF EXISTS museolab_template")
            try await client.query("CREATE DATABASE museolab_template")
        }
        var template = admin
        template.database = "museolab_template"
        try await PostgresClient.withRunning(template, logger: TestLog.logger) { client in
            let lab = MuseoLab(client: client, logger: TestLog.logger)
            try await lab.migrate(sqlFolder: ProjectFolders.sql)
            try await lab.seeder(sqlFolder: ProjectFolders.sql).seed()
        }
    }

    private func adminConfiguration() throws -> PostgresClient.Configuration {
        if let admin { return admin }
        var configuration: PostgresClient.Configuration
        if let url = ProcessInfo.processInfo.environment["MUSEOLAB_TEST_DATABASE_URL"], !url.isEmpty {
            configuration = try DatabaseURL.configuration(url)
        } else {
            let root = URL(fileURLWithPath: "/tmp/museolab-test-\(getpid())")
            var cluster = EmbeddedCluster(root: root, installation: try PostgresInstallation.locate(), logger: TestLog.logger)
            // Throwaway data: durability is not worth its time here.
            cluster.extraSettings = ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
            try cluster.start()
            ThrowawayCluster.register(cluster)
            self.cluster = cluster
            configuration = .init(unixSocketPath: cluster.socketPath, username: cluster.superuser, password: nil, database: cluster.database)
            configuration.tls = .disable
        }
        admin = configuration
        return configuration
    }
}

/// Removes the test cluster when the test process exits.
enum ThrowawayCluster {
    nonisolated(unsafe) private static var cluster: EmbeddedCluster?

    static func register(_ cluster: EmbeddedCluster) {
        self.cluster = cluster
        atexit { ThrowawayCluster.cluster?.destroy() }
    }
}
