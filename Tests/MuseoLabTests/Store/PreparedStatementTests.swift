import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Statements written in the code run as prepared statements of their connection: once per
/// text and parameter types, and never poisoned by a failed first preparation.
@Suite struct PreparedStatementTests {
    /// One pooled connection, so every call below meets the same prepared statements.
    static func withOneConnection(_ body: @Sendable (Database) async throws -> Void) async throws {
        var configuration = try await TestDatabases.shared.emptyDatabase()
        configuration.options.maximumConnections = 1
        configuration.options.minimumConnections = 0
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            try await body(Database(client: client, logger: TestLog.logger))
        }
    }

    @Test func aNullFirstDoesNotDecideTheTypeOfLaterValues() async throws {
        try await Self.withOneConnection { database in
            try await database.read { session in
                // PostgreSQL infers `date` for a NULL cast to date; the text sent later must still be read as text.
                for day in [nil, "2026-11-22", nil, "2027-01-04"] as [String?] {
                    let echoed = try await session.first("SELECT \(day)::date::text")!.decode(String?.self)
                    #expect(echoed == day)
                }
                let prepared = try await session.first(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::date::text'")!.decode(Int64.self)
                #expect(prepared == 2, "one prepared statement for a NULL, one for a text, each reused")
            }
        }
    }

    @Test func aStatementFirstSentInAnAbortedTransactionWorksAfterwards() async throws {
        try await Self.withOneConnection { database in
            let marker = UUID().uuidString
            try await database.read { session in
                try await session.execute("BEGIN" as PostgresQuery)
                await #expect(throws: PSQLError.self) { try await session.execute("SELECT 1 / 0") }
                let refused = await #expect(throws: PSQLError.self) { try await session.first("SELECT \(marker) || ' after'") }
                #expect(refused?.serverInfo?[.sqlState] == "25P02")
                try? await session.execute("ROLLBACK" as PostgresQuery)
            }
            let answer = try await database.read { session in
                try await session.first("SELECT \(marker) || ' after'")!.decode(String.self)
            }
            #expect(answer == "\(marker) after")
        }
    }
}
