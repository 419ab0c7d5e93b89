import Foundation
import Hummingbird
import Logging
import MuseoLab
import MuseoLabHTTP
import MuseoLabRuntime
import PostgresNIO

/// The HTTP server: configuration from the environment, the database (DATABASE_URL or
/// the embedded cluster), migrations and seed data, then serve until SIGTERM/SIGINT.
@main
enum MuseoLabServer {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let level = Logger.Level.fromEnvironment(.info)
        let textLogs = environment["LOG_FORMAT"] == "text"
        // Whatever any part of the process logs goes through the redaction first.
        LoggingSystem.bootstrap { label -> any LogHandler in
            guard textLogs else { return RedactingLogHandler(JSONLogHandler(label: label, level: level)) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return RedactingLogHandler(handler)
        }
        let logger = Logger(label: "museolab.server")

        var settings: ServerSettings
        do {
            settings = try Self.settings(environment)
        } catch {
            logger.critical("bad configuration", metadata: ["error": "\(error)"])
            exit(2)
        }

        let location: DatabaseLocation
        do {
            location = try await DatabaseLocation.open(logger: logger)
        } catch let error as DatabaseSettings.Invalid {
            logger.critical("bad configuration", metadata: ["error": "\(error)"])
            exit(2)
        } catch {
            logger.critical("no database", metadata: ["error": "\(error)"])
            exit(1)
        }
        logger.info("database", metadata: ["where": "\(location.summary)"])
        // The embedded run is a developer's machine, where a local reverse proxy may stand in
        // front; a deployment trusts only the proxies it names.
        if environment["TRUSTED_PROXIES"] == nil, location.cluster != nil {
            settings.trustedProxies = ["127.0.0.1", "::1"]
        }

        var poolLogger = logger
        poolLogger.logLevel = max(level, .error)
        var configuration = location.configuration
        configuration.options.maximumConnections = settings.databasePoolSize
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        let lab = MuseoLab(client: client, logger: logger, connectionWait: location.settings.connectionWait)

        let outbox = Outbox(database: lab.database, baseDelay: .seconds(Int(environment["OUTBOX_RETRY_SECONDS"] ?? "") ?? 30))
        // Delivery starts once `prepare` has migrated the database (the stream ends then).
        let (prepared, preparedContinuation) = AsyncStream.makeStream(of: Void.self)
        let dispatcher = OutboxDispatcher(
            outbox: outbox, transports: OutboxDispatcher.transports(environment: environment),
            interval: .milliseconds(Int(environment["OUTBOX_INTERVAL_MS"] ?? "") ?? 2000), logger: logger,
            ready: { for await _ in prepared {} })
        if environment["SMTP_HOST"]?.isEmpty ?? true {
            logger.notice("no SMTP relay configured (SMTP_HOST): e-mail alerts wait in the outbox")
        }

        var failed = false
        let served = settings
        do {
            var app = try buildApplication(lab: lab, settings: served, logger: logger, services: [client, dispatcher])
            app.beforeServerStarts {
                try await Self.prepare(lab, location: location, settings: served, logger: logger)
                preparedContinuation.finish()
            }
            try await app.runService()
        } catch {
            logger.critical("server stopped on an error", metadata: ["error": "\(String(reflecting: error))"])
            failed = true
        }
        // The server owns the embedded cluster: stop it with the service.
        location.close(stopClusterAlways: true, logger: logger)
        logger.info("stopped")
        if failed { exit(1) }
    }

    /// Migrations, reference data, the shipped annexes and the first administrator, as the
    /// schema's owner; then a look at the role the service itself runs as.
    static func prepare(_ lab: MuseoLab, location: DatabaseLocation, settings: ServerSettings, logger: Logger) async throws {
        // A token is printed only where a person reads the output (a terminal, the embedded run):
        // a service's output goes to a log, and secrets never do.
        let printable = location.cluster != nil || isatty(STDOUT_FILENO) != 0
        let administrator = try await location.asOwner(logger: logger) { owner in
            let migrated = try await owner.migrate(sqlFolder: location.sqlFolder)
            logger.info("migrations", metadata: ["applied": "\(migrated.applied.count)", "before": "\(migrated.alreadyApplied)"])
            let seeder = owner.seeder(sqlFolder: location.sqlFolder)
            try await seeder.seed()
            return try await seeder.ensureAdministrator(issuingToken: printable)
        }
        let role = try await lab.database.role()
        if role.holdsTooMuch {
            logger.warning(
                "the server's database role holds more than it needs: it could disable the triggers that protect issued invoices",
                metadata: [
                    "role": "\(role.name)", "superuser": "\(role.isSuperuser)", "owned_tables": "\(role.ownedTables)",
                    "fix": "connect as a role that owns nothing, member of museolab_app (DATABASE_URL), and migrate as the owner (DATABASE_OWNER_URL): see the README, Deploying",
                ])
        }
        if let administrator, administrator.token == nil {
            logger.notice(
                "first administrator created; make their API token with the CLI (it is not printed where the output is a log)",
                metadata: ["administrator": "\(administrator.email)", "command": "museolab tokens create --user \(administrator.email)"])
        }
        if let issued = administrator?.token {
            let url = "http://\(settings.host):\(settings.port)"
            FileHandle.standardOutput.write(Data(
                """

                ==========================================================================
                 MuséoLab: first administrator \(Seeder.administratorEmail)
                 API token, shown this once (keep it safe; `museolab tokens create` makes others):

                   \(issued.secret)

                 Try: curl -H "Authorization: Bearer \(issued.secret)" \(url)/v1/machines
                ==========================================================================


                """.utf8))
        }
        logger.info("serving", metadata: ["url": "http://\(settings.host):\(settings.port)"])
    }

    struct BadSetting: Error, CustomStringConvertible {
        var description: String
    }

    static func settings(_ environment: [String: String]) throws -> ServerSettings {
        var settings = ServerSettings()
        if let host = environment["HOST"], !host.isEmpty { settings.host = host }
        if let port = environment["PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else { throw BadSetting(description: "PORT must be 0-65535, not \(port)") }
            settings.port = value
        }
        if let proxies = environment["TRUSTED_PROXIES"] {
            settings.trustedProxies = Set(proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if let limit = environment["AUTH_FAILURE_LIMIT"], !limit.isEmpty {
            guard let value = Int(limit), (1...AuthenticationThrottle.keptFailures).contains(value) else {
                throw BadSetting(description: "AUTH_FAILURE_LIMIT must be from 1 to \(AuthenticationThrottle.keptFailures), not \(limit)")
            }
            settings.authenticationFailureLimit = value
        }
        if let window = environment["AUTH_FAILURE_WINDOW_SECONDS"], !window.isEmpty {
            guard let value = Int(window), value >= 1 else { throw BadSetting(description: "AUTH_FAILURE_WINDOW_SECONDS must be 1 or more, not \(window)") }
            settings.authenticationFailureWindow = .seconds(value)
        }
        if let token = environment["METRICS_TOKEN"], !token.isEmpty { settings.metricsToken = token }
        if let size = environment["DATABASE_POOL_SIZE"], !size.isEmpty {
            guard let value = Int(size), value >= 1 else { throw BadSetting(description: "DATABASE_POOL_SIZE must be 1 or more, not \(size)") }
            settings.databasePoolSize = value
        }
        return settings
    }
}
