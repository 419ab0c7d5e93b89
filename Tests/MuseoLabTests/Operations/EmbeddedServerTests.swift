import EmbeddedPostgres
import Foundation
import Testing

/// The run command's promise, with the real server binary: without DATABASE_URL it
/// creates a private cluster, migrates and seeds it, prints an admin token once,
/// serves, stops the cluster when it stops, and reuses everything next time.
@Suite struct EmbeddedServerTests {
    /// The server binary running in the background, its output in files.
    final class RunningServer: @unchecked Sendable {
        let process = Process()
        let output: URL
        let errors: URL

        init(dataFolder: URL) throws {
            output = dataFolder.deletingLastPathComponent().appendingPathComponent("\(dataFolder.lastPathComponent).out")
            errors = dataFolder.deletingLastPathComponent().appendingPathComponent("\(dataFolder.lastPathComponent).err")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: ProjectFolders.server)
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "DATABASE_URL")
            environment["MUSEOLAB_DATA_DIR"] = dataFolder.path
            environment["MUSEOLAB_SQL_DIR"] = ProjectFolders.sql.path
            environment["PORT"] = "0"
            environment["LOG_FORMAT"] = "json"
            process.environment = environment
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var printed: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        var logged: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

        /// Waits for the "listening" log line and returns the port.
        func port() async throws -> Int {
            for _ in 0..<600 {
                if let range = logged.range(of: "listening on 127.0.0.1:") {
                    let digits = logged[range.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits) { return port }
                }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ServerDidNotStart(log: logged)
        }

        func stop(_ signal: Int32) async throws -> Int32 {
            kill(process.processIdentifier, signal)
            for _ in 0..<300 where process.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            return process.terminationStatus
        }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        var log: String
        var description: String { "the server did not start:\n\(log)" }
    }

    @Test func firstRunCreatesSeedsAndStopsTheCluster() async throws {
        let folder = URL(fileURLWithPath: "/tmp/museolab-e2e-\(UUID().uuidString.prefix(8))")
        let cluster = EmbeddedCluster(root: folder, installation: try PostgresInstallation.locate())
        defer {
            cluster.destroy()
            try? FileManager.default.removeItem(atPath: folder.path + ".out")
            try? FileManager.default.removeItem(atPath: folder.path + ".err")
        }

        // First run: creates the cluster, prints the administrator's token once.
        let first = try RunningServer(dataFolder: folder)
        let port = try await first.port()
        let http = HTTPClient(base: "http://127.0.0.1:\(port)")
        #expect(try await http.get("/health").status == 200)
        let token = try #require(first.printed.firstMatch(of: /mlab_[A-Za-z0-9_-]{43}/).map { String($0.output) })
        let machines = try await http.get("/v1/machines", token: token)
        #expect(machines.status == 200)
        #expect(machines.items.count == 27)
        #expect(first.logged.contains("\"request_id\""), "structured logs carry the request id")
        #expect(try cluster.isRunning())
        #expect(try await first.stop(SIGTERM) == 0)
        #expect(try !cluster.isRunning(), "the embedded cluster stops with the service")

        // Second run: the same cluster and data, no new token.
        let second = try RunningServer(dataFolder: folder)
        let again = HTTPClient(base: "http://127.0.0.1:\(try await second.port())")
        #expect(try await again.get("/v1/machines", token: token).items.count == 27)
        #expect(second.printed.firstMatch(of: /mlab_/) == nil, "the token is printed once only")
        #expect(try await second.stop(SIGINT) == 0)
        #expect(try !cluster.isRunning())
    }
}
