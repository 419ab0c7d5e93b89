import EmbeddedPostgres
import Foundation
import Logging
import MuseoLab
import PostgresNIO

/// Where the service's database is: the server named by `DATABASE_URL`, or else the
/// embedded cluster in the project's data folder (`.museolab/`, or `MUSEOLAB_DATA_DIR`),
/// created on first use.
public struct DatabaseLocation: Sendable {
    public let configuration: PostgresClient.Configuration
    /// The embedded cluster, when there is no `DATABASE_URL`.
    public let cluster: EmbeddedCluster?
    /// Whether opening the location started the cluster (and closing it should stop it).
    public let startedCluster: Bool
    /// The `sql/` folder: migrations and seed data.
    public let sqlFolder: URL

    /// Resolves the location from the environment, starting the embedded cluster if it is needed.
    public static func open(
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws -> DatabaseLocation {
        let sqlFolder = try SQLFiles.locate(environment: environment)
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return DatabaseLocation(
                configuration: try DatabaseURL.configuration(url), cluster: nil, startedCluster: false, sqlFolder: sqlFolder)
        }
        let dataFolder = environment["MUSEOLAB_DATA_DIR"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? defaultDataFolder(sqlFolder: sqlFolder)
        let cluster = EmbeddedCluster(root: dataFolder, installation: try PostgresInstallation.locate(environment: environment), logger: logger)
        let started = try cluster.start()
        var configuration = PostgresClient.Configuration(
            unixSocketPath: cluster.socketPath, username: cluster.superuser, password: nil, database: cluster.database)
        configuration.tls = .disable
        return DatabaseLocation(configuration: configuration, cluster: cluster, startedCluster: started, sqlFolder: sqlFolder)
    }

    /// The project's `.museolab/` folder (beside `sql/`), or `/var/lib/museolab` for an installed service.
    static func defaultDataFolder(sqlFolder: URL) -> URL {
        if sqlFolder.path.hasPrefix("/usr/share/") { return URL(fileURLWithPath: "/var/lib/museolab") }
        return sqlFolder.deletingLastPathComponent().appendingPathComponent(".museolab")
    }

    /// Stops the embedded cluster if opening started it, or if `always` (the server owns it).
    public func close(stopClusterAlways always: Bool = false, logger: Logger) {
        guard let cluster, startedCluster || always else { return }
        do {
            try cluster.stop()
        } catch {
            logger.error("could not stop the embedded PostgreSQL", metadata: ["error": "\(error)"])
        }
    }

    /// A human description, for logs: never the password.
    public var summary: String {
        if let cluster { return "embedded PostgreSQL in \(cluster.root.path)" }
        if let socket = configuration.unixSocketPath { return "PostgreSQL at \(socket)" }
        return "PostgreSQL at \(configuration.host ?? "?"):\(configuration.port ?? 5432)/\(configuration.database ?? "")"
    }
}

extension PostgresClient {
    /// Runs `body` with a client that is serving queries (its `run()` in a child task).
    public static func withRunning<Result: Sendable>(
        _ configuration: PostgresClient.Configuration, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        // The pool's own chatter (a lease waiting for run() to start) is noise; its errors are not.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
