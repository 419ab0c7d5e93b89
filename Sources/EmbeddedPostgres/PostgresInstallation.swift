import Foundation

/// Where the PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) live.
public struct PostgresInstallation: Sendable {
    public var binDirectory: String

    public var initdb: String { "\(binDirectory)/initdb" }
    public var pgCtl: String { "\(binDirectory)/pg_ctl" }
    public var createdb: String { "\(binDirectory)/createdb" }

    public struct NotFound: Error, CustomStringConvertible {
        public var description: String {
            "PostgreSQL server programs not found (initdb, pg_ctl). Install them with "
                + "`apt-get install -y postgresql`, or set MUSEOLAB_PG_BINDIR to their folder."
        }
    }

    /// Finds the newest installed server: `MUSEOLAB_PG_BINDIR`, then Debian's
    /// `/usr/lib/postgresql/<version>/bin`, then `pg_config --bindir`, then the `PATH`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresInstallation {
        try locate(configured: environment["MUSEOLAB_PG_BINDIR"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// - Parameter configured: the folder the configuration names, if it does.
    public static func locate(configured: String?) throws -> PostgresInstallation {
        if let configured {
            let installation = PostgresInstallation(binDirectory: configured)
            guard installation.isComplete else { throw NotFound() }
            return installation
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { Int($0) }
            .sorted(by: >)
        for version in versions {
            let installation = PostgresInstallation(binDirectory: "\(debianRoot)/\(version)/bin")
            if installation.isComplete { return installation }
        }
        if let pgConfig = ChildProcess.which("pg_config"),
            let result = try? ChildProcess.run(pgConfig, ["--bindir"]), result.succeeded
        {
            let installation = PostgresInstallation(
                binDirectory: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            if installation.isComplete { return installation }
        }
        if let initdb = ChildProcess.which("initdb") {
            let resolved = URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
            let installation = PostgresInstallation(binDirectory: resolved)
            if installation.isComplete { return installation }
        }
        throw NotFound()
    }

    var isComplete: Bool {
        [initdb, pgCtl, createdb].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
