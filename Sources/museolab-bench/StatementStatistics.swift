import Foundation
import MuseoLab
import PostgresNIO

/// Where PostgreSQL spends its time on a benchmarked path: pg_stat_statements, loaded by
/// `BenchDatabase.with(statementStatistics: true)`, reset before a run and read after it.
enum StatementStatistics {
    static func reset(_ lab: MuseoLab) async throws {
        try await lab.database.write(as: .system("bench"), action: "bench.statistics") { session in
            try await session.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            _ = try await session.first("SELECT pg_stat_statements_reset()::text")
        }
    }

    /// The statements of the run, most expensive first: calls and milliseconds per operation.
    static func print(_ lab: MuseoLab, per operations: Int, of name: String, top: Int = 20) async throws {
        let rows = try await lab.database.read { session in
            try await session.rows(
                """
                SELECT calls, total_plan_time, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g')
                FROM pg_stat_statements
                WHERE query NOT LIKE '%pg_stat_statements%'
                ORDER BY total_plan_time + total_exec_time DESC
                LIMIT \(top)
                """
            ).map { try $0.decode((Int64, Double, Double, String).self) }
        }
        let total = rows.reduce(0) { $0 + $1.1 + $1.2 }
        let count = Double(max(operations, 1))
        say(String(format: "  PostgreSQL per %@ (top %d statements: %.3f ms planning + executing):", name, rows.count, total / count))
        for (calls, plan, exec, query) in rows {
            say(String(format: "    %5.2f calls  plan %.3f ms  exec %.3f ms  %@",
                       Double(calls) / count, plan / count, exec / count, String(query.prefix(110))))
        }
    }
}
