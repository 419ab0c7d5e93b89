import Foundation

/// The built server binary running in the background, its output in files: on the
/// embedded cluster of a data folder (the run command), or on a test database.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let output: URL
    let errors: URL

    /// On an embedded cluster in `dataFolder`, as the run command starts it.
    convenience init(dataFolder: URL) throws {
        try self.init(
            environment: ["MUSEOLAB_DATA_DIR": dataFolder.path], removing: ["DATABASE_URL"],
            files: dataFolder.deletingLastPathComponent().appendingPathComponent(dataFolder.lastPathComponent))
    }

    /// On the database at `databaseURL`.
    convenience init(databaseURL: String, environment: [String: String] = [:]) throws {
        try self.init(
            environment: environment.merging(["DATABASE_URL": databaseURL]) { $1 }, removing: [],
            files: FileManager.default.temporaryDirectory.appendingPathComponent("museolab-server-\(UUID().uuidString.prefix(8))"))
    }

    private init(environment extra: [String: String], removing: [String], files: URL) throws {
        output = URL(fileURLWithPath: files.path + ".out")
        errors = URL(fileURLWithPath: files.path + ".err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: ProjectFolders.server)
        var environment = ProcessInfo.processInfo.environment
        for name in removing { environment.removeValue(forKey: name) }
        environment["MUSEOLAB_SQL_DIR"] = ProjectFolders.sql.path
        environment["PORT"] = "0"
        environment["LOG_FORMAT"] = "json"
        // A few connections each: several servers and tests share the suite's cluster.
        environment["DATABASE_POOL_SIZE"] = "6"
        environment.merge(TestLog.connectionWaitEnvironment) { $1 }
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: output)
        try? FileManager.default.removeItem(at: errors)
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
        throw DidNotStart(log: logged)
    }

    /// Sends a signal and waits (up to 30 s) for the process to end; its exit status.
    func stop(_ signal: Int32) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        for _ in 0..<300 where process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard !process.isRunning else {
            // Did not stop: say so (Foundation traps on the status of a running process).
            kill(process.processIdentifier, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }

    struct DidNotStart: Error, CustomStringConvertible {
        var log: String
        var description: String { "the server did not start:\n\(log)" }
    }
}
