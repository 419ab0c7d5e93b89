import Foundation

/// A Python script of the tests (a Playwright run, the CAS server) in the background, its
/// output in a file: a grandchild that outlives it (chromium, a server thread) cannot hold a
/// pipe open and leave the test waiting for an end of file that never comes.
final class BrowserRun: @unchecked Sendable {
    /// The longest a script may run before it is killed and its test fails.
    static let longest: Duration = .seconds(600)

    private let process = Process()
    private let output: URL

    private init() {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-browser-\(UUID().uuidString).log")
    }

    static func start(_ arguments: [String]) throws -> BrowserRun {
        let run = BrowserRun()
        _ = FileManager.default.createFile(atPath: run.output.path, contents: nil)
        run.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        run.process.arguments = ["python3"] + arguments
        let file = try FileHandle(forWritingTo: run.output)
        run.process.standardOutput = file
        run.process.standardError = file
        run.process.standardInput = FileHandle.nullDevice
        try run.process.run()
        return run
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: output)
    }

    var finished: Bool { !process.isRunning }

    /// What it printed so far.
    var printed: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Kills it (SIGKILL: a child may have inherited an ignored SIGTERM from the test process).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Waits for its end (killing it after `longest`): its exit status and what it printed.
    func result() async throws -> (Int32, String) {
        let deadline = ContinuousClock.now + Self.longest
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        guard !process.isRunning else {
            stop()
            throw Failure(description: "still running after \(Self.longest), killed:\n\(printed)")
        }
        return (process.terminationStatus, printed)
    }
}
