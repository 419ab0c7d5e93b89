import Foundation
import Logging
import MuseoLab

/// A setting that does not hold, said the same way for every variable: which, what it must be,
/// what it was.
public struct BadSetting: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var expected: String
    public var value: String

    public init(variable: String, expected: String, value: String) {
        self.variable = variable
        self.expected = expected
        self.value = value
    }

    public var description: String { "\(variable) must be \(expected), not \"\(value)\"" }
}

/// Reads environment variables, each checked the same way.
public struct SettingsReader: Sendable {
    public let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The variable's text; an empty one counts as unset.
    public func text(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>, _ unit: String) throws -> Int {
        guard let text = text(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw BadSetting(variable: name, expected: "\(unit) from \(range.lowerBound) to \(range.upperBound)", value: text)
        }
        return value
    }

    public func choice<Value>(_ name: String, default fallback: Value, _ choices: [String: Value]) throws -> Value {
        guard let text = text(name) else { return fallback }
        guard let value = choices[text] else {
            throw BadSetting(variable: name, expected: "one of \(choices.keys.sorted().joined(separator: ", "))", value: text)
        }
        return value
    }

    /// A comma-separated list; `nil` when the variable is not set at all.
    public func list(_ name: String) -> [String]? {
        guard let text = environment[name] else { return nil }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// What every process of the service reads from its environment (the server and the CLI alike),
/// parsed and checked here, in one place: the logs, the database and its roles, the outbox.
/// The server adds its HTTP settings (`ServerConfiguration`).
public struct ServiceConfiguration: Sendable {
    public enum LogFormat: String, Sendable { case json, text }

    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var database: DatabaseConfiguration
    /// How often the server delivers the outbox, and the first retry delay (doubled each time).
    public var outboxInterval: Duration
    public var outboxRetry: Duration
    /// How long before a confirmed session its requester is reminded, and from what hour (Paris)
    /// the staff get the digest of their day.
    public var reminderHours: Int
    public var staffDigestHour: Int
    /// The SMTP relay of e-mails; without one they wait in the outbox.
    public var smtp: SMTPSettings?
    /// The Python that prints invoices (WeasyPrint, factur-x).
    public var python: String

    public struct SMTPSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var from: String
    }

    /// The variables, for `--help` and the README: name, default, meaning.
    public static let variables: [(name: String, fallback: String, meaning: String)] = [
        ("DATABASE_URL", "the embedded cluster", "the service's connection, as a role that owns nothing"),
        ("DATABASE_OWNER_URL", "DATABASE_URL", "the schema owner's connection: migrations, seed data"),
        ("DATABASE_CONNECTION_WAIT_MS", "2000", "longest wait for a database connection (then 503)"),
        ("DATABASE_STATEMENT_TIMEOUT_MS", "15000", "longest statement (0: no limit)"),
        ("MUSEOLAB_DATA_DIR", ".museolab/", "the embedded cluster's folder"),
        ("MUSEOLAB_SQL_DIR", "sql/ of the checkout", "migrations and seed data"),
        ("MUSEOLAB_PG_BINDIR", "newest /usr/lib/postgresql/*/bin", "initdb and pg_ctl"),
        ("LOG_LEVEL", "info", "trace, debug, info, notice, warning, error, critical"),
        ("LOG_FORMAT", "json", "json or text"),
        ("OUTBOX_INTERVAL_MS", "2000", "how often the outbox is delivered"),
        ("OUTBOX_RETRY_SECONDS", "30", "first retry of a failed delivery, doubled each time"),
        ("REMINDER_HOURS", "24", "how many hours before a confirmed session its requester is reminded"),
        ("STAFF_DIGEST_HOUR", "7", "from what hour (Europe/Paris) the staff get the digest of their day"),
        ("SMTP_HOST", "none", "the SMTP relay of e-mails"),
        ("SMTP_PORT", "25", "its port"),
        ("SMTP_FROM", "museolab@localhost", "the sender of e-mails"),
        ("MUSEOLAB_PYTHON", "python3", "the Python with WeasyPrint and factur-x, which prints the PDF of each document issued"),
    ]

    /// - Parameter logLevel: the level when `LOG_LEVEL` is not set.
    public init(environment: [String: String], logLevel fallback: Logger.Level = .info) throws {
        let reader = SettingsReader(environment)
        logLevel = try reader.choice(
            "LOG_LEVEL", default: fallback, Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ($0.rawValue, $0) }))
        logFormat = try reader.choice("LOG_FORMAT", default: .json, ["json": .json, "text": .text])
        database = try DatabaseConfiguration(reader)
        outboxInterval = .milliseconds(try reader.integer("OUTBOX_INTERVAL_MS", default: 2000, in: 10...3_600_000, "a number of milliseconds"))
        outboxRetry = .seconds(try reader.integer("OUTBOX_RETRY_SECONDS", default: 30, in: 1...86_400, "a number of seconds"))
        reminderHours = try reader.integer("REMINDER_HOURS", default: 24, in: 1...168, "a number of hours")
        staffDigestHour = try reader.integer("STAFF_DIGEST_HOUR", default: 7, in: 0...23, "an hour")
        python = reader.text("MUSEOLAB_PYTHON") ?? "python3"
        if let host = reader.text("SMTP_HOST") {
            smtp = SMTPSettings(
                host: host, port: try reader.integer("SMTP_PORT", default: 25, in: 1...65_535, "a port"),
                from: reader.text("SMTP_FROM") ?? "museolab@localhost")
        }
    }
}

/// Where the database is and as whom to connect, as the environment says (`DatabaseLocation`
/// opens it).
public struct DatabaseConfiguration: Sendable {
    public var url: String?
    public var ownerURL: String?
    public var dataDirectory: String?
    public var sqlDirectory: String?
    public var postgresBinDirectory: String?
    public var settings: DatabaseSettings

    public init(environment: [String: String]) throws {
        try self.init(SettingsReader(environment))
    }

    init(_ reader: SettingsReader) throws {
        url = reader.text("DATABASE_URL")
        ownerURL = reader.text("DATABASE_OWNER_URL")
        dataDirectory = reader.text("MUSEOLAB_DATA_DIR")
        sqlDirectory = reader.text("MUSEOLAB_SQL_DIR")
        postgresBinDirectory = reader.text("MUSEOLAB_PG_BINDIR")
        settings = try DatabaseSettings(reader)
    }
}
