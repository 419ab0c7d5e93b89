#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs a program to completion with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process.waitUntilExit()` can hang on `pg_ctl start`, whose daemon
/// inherits the pipes Foundation sets up; here the child's output goes to a file
/// and nothing but that file and `/dev/null` is handed over.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var succeeded: Bool { status == 0 }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public var program: String
        public var errno: Int32
        public var description: String {
            "cannot start \(program): \(String(cString: strerror(errno)))"
        }
    }

    /// Runs `program` with `arguments`; standard output and error are captured together.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("museolab-child-\(getpid())-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = environment ?? ProcessInfo.processInfo.environment
        env["LC_ALL"] = env["LC_ALL"] ?? "C"
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        // The calling thread may block signals (event-loop threads do); a child inherits that
        // mask, and a program timed by SIGALRM (pgbench -T) would then never stop.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let spawned = argv.withUnsafeBufferPointer { args in
            envp.withUnsafeBufferPointer { envs in
                posix_spawnp(&pid, program, &actions, &attributes, args.baseAddress!, envs.baseAddress!)
            }
        }
        guard spawned == 0 else { throw LaunchError(program: program, errno: spawned) }

        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw LaunchError(program: program, errno: errno) }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitCode, output: output)
    }

    /// Runs a program to completion, awaited: its wait blocks a thread of its own, not one of
    /// Swift's cooperative pool (two on two cores, which a blocked wait would stall).
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Swift.Result { try run(program, arguments, environment: environment) as Result }) }
        }
    }

    /// Whether a program can be found on the `PATH`.
    public static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
