import EmbeddedPostgres
import Foundation
import Testing
@testable import MuseoLabRuntime

/// One configuration root: every variable parsed and checked in one place, a bad one stopping
/// the server (and the CLI) the same way, naming it; `--help` says what there is.
@Suite struct ConfigurationTests {
    @Test func everyBadVariableIsNamed() throws {
        for (variable, value) in [
            ("LOG_LEVEL", "loud"), ("LOG_FORMAT", "xml"), ("OUTBOX_INTERVAL_MS", "soon"), ("OUTBOX_RETRY_SECONDS", "0"),
            ("SMTP_PORT", "99999"), ("DATABASE_CONNECTION_WAIT_MS", "-1"), ("DATABASE_STATEMENT_TIMEOUT_MS", "forever"),
        ] {
            var environment = ["SMTP_HOST": "localhost"]
            environment[variable] = value
            let refusal = #expect(throws: BadSetting.self, "\(variable)") { try ServiceConfiguration(environment: environment) }
            #expect(refusal?.variable == variable)
            #expect(refusal?.description.hasPrefix("\(variable) must be ") == true && refusal?.description.hasSuffix("not \"\(value)\"") == true)
        }
        let defaults = try ServiceConfiguration(environment: [:])
        #expect(defaults.logLevel == .info && defaults.logFormat == .json && defaults.smtp == nil)
        #expect(defaults.outboxInterval == .seconds(2) && defaults.outboxRetry == .seconds(30))
        #expect(defaults.database.settings == DatabaseSettings() && defaults.database.url == nil)
        let given = try ServiceConfiguration(environment: [
            "SMTP_HOST": "relay", "SMTP_PORT": "2525", "DATABASE_STATEMENT_TIMEOUT_MS": "0", "DATABASE_URL": "postgres://x@h/db", "DATABASE_OWNER_URL": "",
        ])
        #expect(given.smtp == .init(host: "relay", port: 2525, from: "museolab@localhost"))
        #expect(given.database.settings.statementTimeout == nil && given.database.url == "postgres://x@h/db" && given.database.ownerURL == nil)
    }

    @Test func theServerStopsOnABadVariableAndSaysWhichOne() async throws {
        for (variable, value) in [("PORT", "99999"), ("OUTBOX_INTERVAL_MS", "soon"), ("AUTH_FAILURE_LIMIT", "0"), ("LOG_LEVEL", "loud")] {
            var environment = ProcessInfo.processInfo.environment
            environment[variable] = value
            environment["DATABASE_URL"] = "postgres://nobody@/nowhere?host=/nonexistent"
            let run = try await ChildProcess.run(ProjectFolders.server, [], environment: environment)
            #expect(run.status == 2, "\(variable): \(run.output)")
            #expect(run.output.contains("bad configuration") && run.output.contains("\(variable) must be"), "\(run.output)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_STATEMENT_TIMEOUT_MS"] = "forever"
        let cli = try await ChildProcess.run(ProjectFolders.cli, ["inventory", "list"], environment: environment)
        #expect(cli.status == 2 && cli.output.contains("error: bad configuration: DATABASE_STATEMENT_TIMEOUT_MS must be"), "\(cli.output)")
    }

    @Test func theServerHasHelp() async throws {
        let help = try await ChildProcess.run(ProjectFolders.server, ["--help"])
        #expect(help.status == 0, "\(help.output)")
        for expected in ["--host", "--port", "DATABASE_URL", "DATABASE_OWNER_URL", "TRUSTED_PROXIES", "OUTBOX_INTERVAL_MS", "SMTP_HOST", "METRICS_TOKEN"] {
            #expect(help.output.contains(expected), "\(expected) in:\n\(help.output)")
        }
    }
}
