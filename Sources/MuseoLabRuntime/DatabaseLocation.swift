import EmbeddedPostgres
import Foundation
import Logging
import MuseoLab
import PostgresNIO

/// Where the service's database is, and as whom to connect: the server named by
/// `DATABASE_URL`, or else the embedded cluster in the project's data folder (`.museolab/`,
/// or `MUSEOLAB_DATA_DIR`), created on first use.
///
/// Two roles: the schema's owner runs the migrations and loads the seed data
/// (`DATABASE_OWNER_URL`, else `DATABASE_URL`); the service runs as a role that owns nothing
/// and holds only the rights of `museolab_app` (`DATABASE_URL`). The embedded cluster
/// provisions both itself: its superuser owns the schema, `museolab_server` serves.
public struct DatabaseLocation: Sendable {
    /// The service's connection, with the statement timeout of the settings.
    public let configuration: PostgresClient.Configuration
    /// The owner's connection: migrations, seed data.
    public let ownerConfiguration: PostgresClient.Configuration
    public let settings: DatabaseSettings
    /// The embedded cluster, when there is no `DATABASE_URL`.
    public let cluster: EmbeddedCluster?
    /// Whether opening the location started the cluster (and closing it should stop it).
    public let startedCluster: Bool
    /// The `sql/` folder: migrations and seed data.
    public let sqlFolder: URL

    /// The login role the service uses on the embedded cluster.
    public static let embeddedServiceRole = "museolab_server"

    /// Resolves the location from the environment, starting the embedded cluster if it is needed
    /// (and giving it the service's role).
    public static func open(
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) async throws -> DatabaseLocation {
        try await open(try DatabaseConfiguration(environment: environment), logger: logger)
    }

    /// Resolves the location the configuration names, starting the embedded cluster if it is
    /// needed (and giving it the service's role).
    public static func open(_ database: DatabaseConfiguration, logger: Logger) async throws -> DatabaseLocation {
        let settings = database.settings
        let sqlFolder = try SQLFiles.locate(configured: database.sqlDirectory)
        if let url = database.url {
            let service = try DatabaseURL.configuration(url)
            let owner = try database.ownerURL.map(DatabaseURL.configuration) ?? service
            return DatabaseLocation(
                configuration: settings.applied(to: service), ownerConfiguration: owner, settings: settings, cluster: nil,
                startedCluster: false, sqlFolder: sqlFolder)
        }
        let dataFolder = database.dataDirectory.map { URL(fileURLWithPath: $0) } ?? defaultDataFolder(sqlFolder: sqlFolder)
        let cluster = EmbeddedCluster(
            root: dataFolder, installation: try PostgresInstallation.locate(configured: database.postgresBinDirectory), logger: logger)
        let started = try cluster.start()
        var owner = PostgresClient.Configuration(
            unixSocketPath: cluster.socketPath, username: cluster.superuser, password: nil, database: cluster.database)
        owner.tls = .disable
        do {
            try await PostgresClient.withRunning(owner, logger: logger) { client in
                try await ClusterRoles.provision(client, serviceRole: embeddedServiceRole)
            }
        } catch {
            if started { try? cluster.stop() }
            throw error
        }
        var service = owner
        service.username = embeddedServiceRole
        return DatabaseLocation(
            configuration: settings.applied(to: service), ownerConfiguration: owner, settings: settings, cluster: cluster,
            startedCluster: started, sqlFolder: sqlFolder)
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

    /// Runs `body` with the domain connected as the schema's owner (migrations, seed data).
    public func asOwner<Result: Sendable>(logger: Logger, _ body: @Sendable (MuseoLab) async throws -> Result) async throws -> Result {
        try await PostgresClient.withRunning(ownerConfiguration, logger: logger) { client in
            try await body(MuseoLab(client: client, logger: logger, connectionWait: settings.connectionWait))
        }
    }

    /// A human description, for logs: never the password.
    public var summary: String {
        if let cluster { return "embedded PostgreSQL in \(cluster.root.path), as \(configuration.username)" }
        if let socket = configuration.unixSocketPath { return "PostgreSQL at \(socket), as \(configuration.username)" }
        return "PostgreSQL at \(configuration.host ?? "?"):\(configuration.port ?? 5432)/\(configuration.database ?? ""), as \(configuration.username)"
    }
}

/// How the service waits on its database: `DATABASE_CONNECTION_WAIT_MS` for a pooled
/// connection, `DATABASE_STATEMENT_TIMEOUT_MS` for a statement (PostgreSQL cancels it).
public struct DatabaseSettings: Sendable, Equatable {
    public var connectionWait: Duration = Database.defaultConnectionWait
    /// `nil`: no limit.
    public var statementTimeout: Duration? = .seconds(15)

    public init() {}

    init(_ reader: SettingsReader) throws {
        connectionWait = .milliseconds(try reader.integer("DATABASE_CONNECTION_WAIT_MS", default: 2000, in: 1...600_000, "a number of milliseconds"))
        let timeout = try reader.integer("DATABASE_STATEMENT_TIMEOUT_MS", default: 15_000, in: 0...3_600_000, "a number of milliseconds (0: no limit)")
        statementTimeout = timeout == 0 ? nil : .milliseconds(timeout)
    }

    /// The service's connections: the statement timeout is a startup parameter, so it holds for
    /// every statement of every connection of the pool without a round trip.
    func applied(to configuration: PostgresClient.Configuration) -> PostgresClient.Configuration {
        var configuration = configuration
        if let statementTimeout {
            let milliseconds = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
            configuration.options.additionalStartupParameters.append(("statement_timeout", "\(milliseconds)"))
        }
        return configuration
    }
}

/// The roles a cluster of our own needs (the embedded one, the tests' one), made by its superuser:
/// the group role the migrations grant the service's rights to, and a login role in it.
public enum ClusterRoles {
    public static func provision(_ client: PostgresClient, serviceRole: String, ownerRole: String? = nil) async throws {
        func create(_ role: String, _ options: String) -> PostgresQuery {
            PostgresQuery(unsafeSQL: """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(role)') THEN CREATE ROLE \(role) \(options); END IF;
                END $$
                """)
        }
        try await client.query(create(Migrator.serviceGroupRole, "NOLOGIN"))
        try await client.query(create(serviceRole, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE \(Migrator.serviceGroupRole)"))
        if let ownerRole {
            try await client.query(create(ownerRole, "LOGIN NOSUPERUSER CREATEDB NOCREATEROLE"))
        }
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
