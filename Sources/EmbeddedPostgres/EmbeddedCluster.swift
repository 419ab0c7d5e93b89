#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// A private PostgreSQL cluster in a folder of its own: created on first use,
/// reachable only through a Unix socket inside that folder (TCP is off), and
/// run as the `postgres` system user when we are root, since `initdb` and
/// `pg_ctl` refuse to run as root.
public struct EmbeddedCluster: Sendable {
    /// The folder holding everything: `pgdata/`, `socket/`, `postgres.log`.
    public let root: URL
    public let installation: PostgresInstallation
    /// The cluster's superuser, and the database the service uses.
    public let superuser = "museolab"
    public let database = "museolab"
    /// Extra `postgresql.conf` lines written at creation (tests turn fsync off).
    public var extraSettings: [String] = []
    let logger: Logger

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(root: URL, installation: PostgresInstallation, logger: Logger = Logger(label: "museolab.embedded-postgres")) {
        self.root = root.standardizedFileURL
        self.installation = installation
        self.logger = logger
    }

    public var dataDirectory: URL { root.appendingPathComponent("pgdata") }
    public var logFile: URL { root.appendingPathComponent("postgres.log") }

    /// The socket folder; a short one under /tmp when the project path is too
    /// long for a Unix socket address (108 bytes).
    public var socketDirectory: URL {
        let local = root.appendingPathComponent("socket")
        if (local.path + "/.s.PGSQL.5432").utf8.count < 100 { return local }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in root.path.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return URL(fileURLWithPath: "/tmp/museolab-pg-\(String(hash, radix: 36))")
    }

    /// The socket file to connect to.
    public var socketPath: String { socketDirectory.path + "/.s.PGSQL.5432" }

    /// The system user that owns and runs the cluster: ourselves, or `postgres` when we are root.
    var serviceUser: (name: String, uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else { return nil }
        return ("postgres", entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    // MARK: - Life cycle

    /// Creates the cluster if needed and starts it if it is not running.
    /// - Returns: whether this call started the server (so the caller should stop it).
    @discardableResult
    public func start() throws -> Bool {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try FolderLock(root.appendingPathComponent(".lock").path)
        defer { lock.release() }

        if !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
            try initialise()
        }
        try prepareSocketDirectory()
        if try isRunning() { return false }

        let options = "-k '\(socketDirectory.path.replacingOccurrences(of: "'", with: "'\\''"))'"
        let result = try pgCtl(["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path, "-o", options])
        guard result.succeeded else {
            if try isRunning() { return false }  // another process started it meanwhile
            throw Failure(description: "PostgreSQL did not start: \(result.output)\n\(tailOfLog())")
        }
        logger.info("embedded PostgreSQL started", metadata: ["data": "\(dataDirectory.path)"])
        return true
    }

    /// Stops the server, letting sessions end first (fast mode: transactions roll back).
    public func stop() throws {
        guard try isRunning() else { return }
        let result = try pgCtl(["stop", "-w", "-t", "60", "-m", "fast", "-D", dataDirectory.path])
        guard result.succeeded else {
            throw Failure(description: "PostgreSQL did not stop: \(result.output)")
        }
        logger.info("embedded PostgreSQL stopped", metadata: ["data": "\(dataDirectory.path)"])
    }

    /// Stops at once, as a crash would: every connection is cut, the next start recovers from the
    /// write-ahead log (for tests of what a lost database does to the service).
    public func crash() throws {
        let result = try pgCtl(["stop", "-w", "-t", "30", "-m", "immediate", "-D", dataDirectory.path])
        guard result.succeeded else {
            throw Failure(description: "PostgreSQL did not stop: \(result.output)")
        }
    }

    /// Stops at once and removes the folder: for throwaway test clusters.
    public func destroy() {
        _ = try? pgCtl(["stop", "-w", "-t", "30", "-m", "immediate", "-D", dataDirectory.path])
        try? FileManager.default.removeItem(at: root)
        if socketDirectory.path.hasPrefix("/tmp/museolab-pg-") {
            try? FileManager.default.removeItem(at: socketDirectory)
        }
    }

    public func isRunning() throws -> Bool {
        // pg_ctl status: 0 running, 3 not running, 4 no data folder.
        try pgCtl(["status", "-D", dataDirectory.path]).status == 0
    }

    // MARK: - Creation

    private func initialise() throws {
        logger.info("creating embedded PostgreSQL cluster", metadata: ["data": "\(dataDirectory.path)"])
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try giveToServiceUser(dataDirectory, mode: 0o700)
        if let user = serviceUser, let test = ChildProcess.which("test"),
            try !asServiceUser(test, ["-w", dataDirectory.path]).succeeded
        {
            throw Failure(description: "the \(user.name) user cannot reach \(dataDirectory.path) (a parent folder is closed to it): "
                + "set MUSEOLAB_DATA_DIR to a folder it can reach")
        }
        let result = try asServiceUser(installation.initdb, [
            "-D", dataDirectory.path, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions",
        ])
        guard result.succeeded else {
            throw Failure(description: "initdb failed: \(result.output)")
        }
        // Only the socket in our own folder: no TCP port to clash with or expose.
        let settings = ["listen_addresses = ''", "max_connections = 200", "timezone = 'UTC'"] + extraSettings
        let configuration = dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: configuration)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n# MuséoLab embedded cluster\n" + settings.joined(separator: "\n") + "\n").utf8))
        try handle.close()

        try prepareSocketDirectory()
        let options = "-k '\(socketDirectory.path.replacingOccurrences(of: "'", with: "'\\''"))'"
        let started = try pgCtl(["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path, "-o", options])
        guard started.succeeded else {
            throw Failure(description: "PostgreSQL did not start: \(started.output)\n\(tailOfLog())")
        }
        let created = try asServiceUser(installation.createdb, [
            "-h", socketDirectory.path, "-U", superuser, database,
        ])
        _ = try? pgCtl(["stop", "-w", "-m", "fast", "-D", dataDirectory.path])
        guard created.succeeded else {
            throw Failure(description: "createdb failed: \(created.output)")
        }
    }

    private func prepareSocketDirectory() throws {
        try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        try giveToServiceUser(socketDirectory, mode: 0o700)
        // The log file is written by the server process.
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        try giveToServiceUser(logFile, mode: 0o600)
    }

    private func giveToServiceUser(_ url: URL, mode: mode_t) throws {
        if let user = serviceUser {
            guard chown(url.path, user.uid, user.gid) == 0 else {
                throw Failure(description: "cannot give \(url.path) to \(user.name): \(String(cString: strerror(errno)))")
            }
        } else if geteuid() == 0 {
            throw Failure(description: "running as root, but there is no `postgres` system user to run PostgreSQL "
                + "(install PostgreSQL with apt-get, which creates it)")
        }
        chmod(url.path, mode)
    }

    // MARK: - Running the programs

    private func pgCtl(_ arguments: [String]) throws -> ChildProcess.Result {
        try asServiceUser(installation.pgCtl, arguments)
    }

    private func asServiceUser(_ program: String, _ arguments: [String]) throws -> ChildProcess.Result {
        if let user = serviceUser {
            if let runuser = ChildProcess.which("runuser") ?? (access("/sbin/runuser", X_OK) == 0 ? "/sbin/runuser" : nil) {
                return try ChildProcess.run(runuser, ["-u", user.name, "--", program] + arguments)
            }
            if let setpriv = ChildProcess.which("setpriv") {
                return try ChildProcess.run(setpriv, ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--init-groups", program] + arguments)
            }
            throw Failure(description: "running as root, but neither runuser nor setpriv is available to run PostgreSQL as postgres")
        }
        return try ChildProcess.run(program, arguments)
    }

    private func tailOfLog() -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}

/// An exclusive `flock` on a file, so two processes never create or start the same cluster at once.
struct FolderLock {
    let descriptor: Int32

    init(_ path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw EmbeddedCluster.Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw EmbeddedCluster.Failure(description: "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
