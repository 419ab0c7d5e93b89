import Foundation
import PostgresNIO

/// Reads a libpq-style connection URL: `postgres://user:password@host:5432/db?sslmode=disable`,
/// or a Unix socket folder with `?host=/path/to/socket/dir` (and no host in the authority).
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let username = components.user.flatMap { $0.removingPercentEncoding } ?? query["user"] ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding } ?? query["password"]
        var database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = database.removingPercentEncoding ?? database
        if database.isEmpty { database = query["dbname"] ?? username }

        let socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            let port = components.port ?? Int(query["port"] ?? "") ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw Invalid(description: "DATABASE_URL has no host (use ?host=/socket/folder for a Unix socket)")
            }
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
            case let other: throw Invalid(description: "DATABASE_URL: unsupported sslmode \(other)")
            }
            configuration = .init(host: host, port: components.port ?? 5432, username: username, password: password, database: database, tls: tls)
        }
        return configuration
    }
}
