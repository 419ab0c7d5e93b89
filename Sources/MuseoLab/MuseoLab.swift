import Foundation
import Logging
import PostgresNIO

/// The MuséoLab domain: every business rule, over one PostgreSQL store.
/// The HTTP server and the admin CLI are thin front ends over this.
public struct MuseoLab: Sendable {
    public let database: Database

    public init(client: PostgresClient, logger: Logger) {
        self.database = Database(client: client, logger: logger)
    }

    public var inventory: Inventory { Inventory(database: database) }
    public var annexImporter: AnnexImporter { AnnexImporter(database: database) }
    public var organisations: Organisations { Organisations(database: database) }
    public var users: Users { Users(database: database) }
    public var tokens: AccessTokens { AccessTokens(database: database) }
    public var audit: AuditTrail { AuditTrail(database: database) }

    /// Applies the migrations of `sql/migrations`.
    @discardableResult
    public func migrate(sqlFolder: URL) async throws -> Migrator.Report {
        let migrator = try Migrator(folder: sqlFolder.appendingPathComponent("migrations"), logger: database.logger)
        return try await migrator.migrate(database.client)
    }

    /// Loads the reference data and the shipped annexes (`sql/seed`).
    public func seeder(sqlFolder: URL) -> Seeder {
        Seeder(database: database, folder: sqlFolder.appendingPathComponent("seed"))
    }
}
