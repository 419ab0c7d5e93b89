import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MuseoLab
import MuseoLabHTTP
import MuseoLabRuntime
import MuseoLabWeb
import PostgresNIO

/// The HTTP server: its configuration (one place, `ServerConfiguration`), the database
/// (DATABASE_URL or the embedded cluster), migrations and seed data, then serve until SIGTERM/SIGINT.
@main
struct MuseoLabServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "museolab-server",
        abstract: "Serve MuséoLab: the web pages at /, the HTTP API at /v1 and the outbox's deliveries, over PostgreSQL.",
        discussion: ServerConfiguration.help)

    @Option(help: "The address to listen on (HOST).") var host: String?
    @Option(help: "The port, 0 for any free one (PORT).") var port: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration(environment: environment, host: host, port: port)
        } catch {
            Self.bootstrapLogging(level: .info, format: .json)
            Logger(label: "museolab.server").critical("bad configuration", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        let service = configuration.service
        Self.bootstrapLogging(level: service.logLevel, format: service.logFormat)
        let logger = Logger(label: "museolab.server")

        let location: DatabaseLocation
        do {
            location = try await DatabaseLocation.open(service.database, logger: logger)
        } catch {
            logger.critical("no database", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("database", metadata: ["where": "\(location.summary)"])
        var settings = configuration.http
        // The embedded run is a developer's machine, where a local reverse proxy may stand in
        // front; a deployment trusts only the proxies it names.
        if !configuration.proxiesGiven, location.cluster != nil {
            settings.trustedProxies = ["127.0.0.1", "::1"]
        }

        var poolLogger = logger
        poolLogger.logLevel = max(service.logLevel, .error)
        var database = location.configuration
        database.options.maximumConnections = settings.databasePoolSize
        // A connection released to the pool schedules its keep-alive timer (a task and a Dispatch
        // timer at every release), which a local socket does not need: no middlebox can drop it
        // silently. (Its idle-timeout timer stays: a pool kept at its full size, which would
        // need none, trips a precondition of PostgresNIO 1.33's pool when the database comes
        // back after a crash, found by DatabaseOutageTests.)
        if database.unixSocketPath != nil { database.options.keepAliveBehavior = nil }
        let client = PostgresClient(configuration: database, backgroundLogger: poolLogger)
        let printer = FacturXPrinter(python: service.python)
        switch await printer.check() {
        case .success(let versions):
            logger.info("PDF printer", metadata: ["tools": "\(versions)"])
        case .failure(let problem):
            // Everything else works; issuing is refused, saying why, until the tools are installed.
            logger.critical("no PDF printer: documents cannot be issued until WeasyPrint and factur-x are installed (README, Deploying)",
                            metadata: ["problem": "\(problem.detail)"])
        }
        let lab = MuseoLab(client: client, logger: logger, connectionWait: location.settings.connectionWait, printer: printer)

        let outbox = Outbox(database: lab.database, baseDelay: service.outboxRetry)
        // Delivery starts once `prepare` has migrated the database (the stream ends then).
        let (prepared, preparedContinuation) = AsyncStream.makeStream(of: Void.self)
        let dispatcher = OutboxDispatcher(
            outbox: outbox, transports: OutboxDispatcher.transports(smtp: service.smtp), interval: service.outboxInterval, logger: logger,
            reminders: lab.reminders(hoursBefore: service.reminderHours, digestHour: service.staffDigestHour),
            ready: { for await _ in prepared {} })
        if service.smtp == nil {
            logger.notice("no SMTP relay configured (SMTP_HOST): e-mails wait in the outbox; sign-in links are written to standard error")
        }

        var failed = false
        let served = settings
        var webSettings = configuration.web
        webSettings.trustedProxies = settings.trustedProxies
        do {
            let web = try await WebFrontEnd(lab: lab, settings: webSettings, logger: logger)
            var app = try buildApplication(
                lab: lab, settings: served, logger: logger, services: [client, dispatcher], frontEnds: { web.register(on: $0) })
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
        if failed { throw ExitCode(1) }
    }

    /// Whatever any part of the process logs goes through the redaction first.
    static func bootstrapLogging(level: Logger.Level, format: ServiceConfiguration.LogFormat) {
        LoggingSystem.bootstrap { label -> any LogHandler in
            guard format == .text else { return RedactingLogHandler(JSONLogHandler(label: label, level: level)) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return RedactingLogHandler(handler)
        }
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
}
