import ArgumentParser
import Foundation
import MuseoLab
import PostgresNIO

/// How long the quota status and the usage reports take for a year of many ledger entries.
struct QuotaBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota", abstract: "Time the quota status and reports over a year of ledger entries (100,000 by default).")

    @Option(help: "Ledger entries to load (two per completed session).") var entries = 100_000
    @Option(help: "Runs of each measured operation.") var runs = 30

    func run() async throws {
        let entries = self.entries, runs = self.runs
        try await BenchDatabase.with { lab, _ in
            let agreement = UUID(uuidString: "6f0b8d2e-0003-4000-8000-000000000001")!
            let year = 2027
            let sessions = entries / 2
            let loadStart = ContinuousClock.now
            try await lab.database.write(as: .system("bench"), action: "bench.load") { session in
                // 10 components, 200 members, then completed sessions through 2027 on the annex machines.
                try await session.execute(
                    """
                    INSERT INTO organisation_components (organisation_id, kind, name)
                    SELECT '6f0b8d2e-0001-4000-8000-000000000001', 'ufr', 'Composante ' || n FROM generate_series(1, 10) n
                    """)
                try await session.execute(
                    """
                    INSERT INTO users (email, display_name, organisation_id, component_id, role)
                    SELECT 'member' || n || '@univ-artois.fr', 'Member ' || n, '6f0b8d2e-0001-4000-8000-000000000001',
                           (SELECT id FROM organisation_components WHERE name = 'Composante ' || (n % 10 + 1)), 'member'
                    FROM generate_series(1, 200) n
                    """)
                try await session.execute(
                    """
                    INSERT INTO support_sessions (supervised, requester_user_id, organisation_id, agreement_id, purpose, participants, period,
                                                  status, actual_period)
                    SELECT false, u.id, '6f0b8d2e-0001-4000-8000-000000000001', \(agreement), 'bench', 1,
                           tstzrange(t, t + interval '2 hours', '[)'), 'completed', tstzrange(t, t + interval '2 hours', '[)')
                    FROM generate_series(1, \(sessions)) n
                    CROSS JOIN LATERAL (SELECT timestamptz '2027-01-01 08:00+01' + (n % 365) * interval '1 day' + (n % 5) * interval '2 hours' AS t) times
                    JOIN LATERAL (SELECT id FROM users WHERE email = 'member' || (n % 200 + 1) || '@univ-artois.fr') u ON true
                    """)
                try await session.execute(
                    """
                    INSERT INTO machine_occupations (machine_id, period, session_id, active)
                    SELECT m.id, s.period, s.id, false
                    FROM (SELECT id, period, row_number() OVER () AS n FROM support_sessions WHERE purpose = 'bench') s
                    JOIN LATERAL (SELECT id FROM machines ORDER BY position OFFSET (s.n % 27) LIMIT 1) m ON true
                    """)
                try await session.execute(
                    """
                    INSERT INTO quota_ledger (agreement_id, year, kind, session_id, committed_minutes, consumed_minutes, actor)
                    SELECT \(agreement), \(year), kind.kind, s.id, kind.committed, kind.consumed, 'system:bench'
                    FROM support_sessions s
                    CROSS JOIN (VALUES ('commitment', 120, 0), ('consumption', -120, 120)) AS kind (kind, committed, consumed)
                    WHERE s.purpose = 'bench'
                    """)
                try await session.execute("ANALYZE")
            }
            let loaded = ContinuousClock.now - loadStart
            let count = try await lab.database.read { session in
                try await session.first("SELECT count(*) FROM quota_ledger WHERE year = \(year)")!.decode(Int64.self)
            }
            print("Quota benchmark: \(count) ledger entries for \(year), \(sessions) sessions (loaded in \(loaded))")

            var status = Timings()
            for _ in 0..<runs {
                try await status.measure { _ = try await lab.quota.status(agreement, year: year, by: .system("bench")) }
            }
            print("status (balance, forecast, alerts)   \(status.summary)")
            for grouping in UsageGrouping.allCases {
                var report = Timings()
                for _ in 0..<runs {
                    try await report.measure { _ = try await lab.quota.report(agreement, year: year, by: grouping, actor: .system("bench")) }
                }
                print("report by \(grouping.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0))  \(report.summary)")
            }
            var ledger = Timings()
            for _ in 0..<runs {
                try await ledger.measure { _ = try await lab.quota.ledger(agreement, year: year, after: Int64(count / 2), limit: 1000, by: .system("bench")) }
            }
            print("ledger, a page of 1000 lines         \(ledger.summary)")
            if let memory = Memory.residentMiB() { print(String(format: "peak memory of the benchmark process: %.1f MiB", memory)) }
        }
    }
}
