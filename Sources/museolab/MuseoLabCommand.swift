import ArgumentParser
import Foundation
import Logging
import MuseoLab
import MuseoLabRuntime
import PostgresNIO

/// The admin CLI: a thin front end over the MuséoLab domain.
@main
struct MuseoLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "museolab",
        abstract: "Administer the MuséoLab booking, quota and billing service.",
        discussion: """
            Uses the PostgreSQL server named by DATABASE_URL, or else the embedded cluster in the
            project's .museolab/ folder (MUSEOLAB_DATA_DIR), started for the command if needed.
            `migrate` and `seed` connect as the schema's owner (DATABASE_OWNER_URL, else DATABASE_URL).
            """,
        subcommands: [
            Migrate.self, Seed.self, InventoryCommand.self, MachinesCommand.self, SessionsCommand.self, CalendarCommand.self,
            AuthorisationsCommand.self, TrainingsCommand.self, SeriesCommand.self, WaitingListCommand.self, RoomsCommand.self, QuotaCommand.self, AlertsCommand.self, OverageCommand.self, AgreementsCommand.self, OutboxCommand.self,
            TariffsCommand.self, BillingCommand.self, InvoicesCommand.self, ExportCommand.self,
            OrganisationsCommand.self, UsersCommand.self, TokensCommand.self, AuditCommand.self,
        ]
    )
}

/// Opens the database, runs `body` with the domain, and turns refusals into a clear message.
enum CommandRunner {
    /// The configuration every process reads (`ServiceConfiguration`); a bad value stops the
    /// command, naming the variable (exit status 2, as the server).
    static func configuration() throws -> ServiceConfiguration {
        do {
            return try ServiceConfiguration(environment: ProcessInfo.processInfo.environment, logLevel: .warning)
        } catch {
            FileHandle.standardError.write(Data("error: bad configuration: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    static func logger(_ configuration: ServiceConfiguration) -> Logger {
        var logger = Logger(label: "museolab.cli") { RedactingLogHandler(StreamLogHandler.standardError(label: $0)) }
        logger.logLevel = configuration.logLevel
        return logger
    }

    /// Who the audit log names for commands run here: `cli:user@host`.
    static var actor: Actor {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
        return .commandLine("\(user)@\(ProcessInfo.processInfo.hostName)")
    }

    /// - Parameter asOwner: connect as the schema's owner (migrations, seed data) rather than as the service.
    static func run(
        requireCurrentSchema: Bool = true, asOwner: Bool = false,
        _ body: @escaping @Sendable (MuseoLab, DatabaseLocation) async throws -> Void
    ) async throws {
        let configuration = try Self.configuration()
        let logger = Self.logger(configuration)
        let location: DatabaseLocation
        do {
            location = try await DatabaseLocation.open(configuration.database, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(3)
        }
        defer { location.close(logger: logger) }
        do {
            let connection = asOwner ? location.ownerConfiguration : location.configuration
            try await PostgresClient.withRunning(connection, logger: logger) { client in
                let lab = MuseoLab(
                    client: client, logger: logger, connectionWait: location.settings.connectionWait,
                    printer: FacturXPrinter(python: configuration.python))
                if requireCurrentSchema {
                    let migrator = try Migrator(folder: location.sqlFolder.appendingPathComponent("migrations"), logger: logger)
                    let pending = try await migrator.pending(client)
                    guard pending.isEmpty else {
                        throw Problem(.conflict, "the database is not migrated (\(pending.count) migration(s) pending): run `museolab migrate`")
                    }
                }
                try await body(lab, location)
            }
        } catch let problem as Problem {
            FileHandle.standardError.write(Data("error: \(problem.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch let error as Migrator.Failure {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("error: \(String(reflecting: error))\n".utf8))
            throw ExitCode(3)
        }
    }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
