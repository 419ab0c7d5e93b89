import Foundation

/// Finds the project's `sql/` folder (migrations and seed data) at run time:
/// `MUSEOLAB_SQL_DIR`, else the nearest `sql/` above the working folder or the
/// executable (a checkout), else `/usr/share/museolab/sql` (an installation).
public enum SQLFiles {
    public struct NotFound: Error, CustomStringConvertible {
        public var description: String {
            "cannot find the sql/ folder (migrations and seed data): run from the project, or set MUSEOLAB_SQL_DIR"
        }
    }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        try locate(configured: environment["MUSEOLAB_SQL_DIR"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// - Parameter configured: the folder the configuration names, if it does.
    public static func locate(configured: String?) throws -> URL {
        if let configured { return URL(fileURLWithPath: configured) }
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent(),
        ]
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("sql")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("migrations").path) {
                    return candidate
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        let installed = URL(fileURLWithPath: "/usr/share/museolab/sql")
        if FileManager.default.fileExists(atPath: installed.appendingPathComponent("migrations").path) {
            return installed
        }
        throw NotFound()
    }
}
