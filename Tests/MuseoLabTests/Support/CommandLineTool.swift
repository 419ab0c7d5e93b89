import EmbeddedPostgres
import Foundation

/// Runs the built `museolab` CLI against a test database, as an operator would.
enum CommandLineTool {
    struct Run {
        let status: Int32
        let output: String

        var json: Any? { try? JSONSerialization.jsonObject(with: Data(output.utf8)) }
    }

    static func run(_ arguments: [String], databaseURL: String, environment extra: [String: String] = [:]) async throws -> Run {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["DATABASE_URL"] = databaseURL
        environment.merge(TestLog.connectionWaitEnvironment) { $1 }
        environment["MUSEOLAB_SQL_DIR"] = ProjectFolders.sql.path
        let result = try await ChildProcess.run(ProjectFolders.cli, arguments, environment: environment)
        return Run(status: result.status, output: result.output)
    }
}
