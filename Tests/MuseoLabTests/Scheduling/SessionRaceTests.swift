import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Two moves of one session at once: whatever lands first, the other sees it, and the quota
/// ledger follows what really happened.
@Suite struct SessionRaceTests {
    /// A confirmation and a maintenance window that cancels the session, arranged to overlap:
    /// the confirmation holds the session and waits to write the ledger, while the maintenance
    /// comes to cancel it. The maintenance must then cancel the confirmed session and release
    /// its commitment; neither may fail, and no commitment may be left behind.
    @Test func aConfirmationRacingAMaintenanceCancellationLeavesNoCommitment() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.thursday, weeksAhead: 2)
            let printer = try await t.machine("12548")
            let requested = try await t.lab.sessions.request(
                SessionRequest(purpose: "Prototype", period: Days.period(day, "10:00", "12:00"), machineIds: [printer.id]), by: t.people.member.actor)
            let year = day.year
            let manager = t.people.manager.actor
            let lab = t.lab

            // A third connection holds the quota's lock of this agreement's year, as a concurrent
            // ledger entry would: the confirmation, having locked its session, waits there.
            let outcome = try await t.lab.database.read { holder in
                try await holder.execute("BEGIN" as PostgresQuery)
                try await holder.execute("SELECT pg_advisory_xact_lock(hashtext('quota'), hashtext(\(TestLab.agreement.text + String(year))))")
                let confirmation = Task { try await lab.sessions.confirm(requested.id, by: manager) }
                try await Self.waitForBlocked(1, holder)
                let maintenance = Task {
                    try await lab.maintenance.add(
                        machineId: printer.id, period: Days.period(day, "09:00", "13:00"), reason: "buse bouchée", cancelConflicting: true, by: manager)
                }
                // The maintenance waits too (for the session), then the quota's lock is let go.
                try await Self.waitForBlocked(2, holder)
                try await holder.execute("COMMIT" as PostgresQuery)
                return (await confirmation.result, await maintenance.result)
            }

            let confirmed = try outcome.0.get()
            #expect(confirmed.status == .confirmed)
            let window = try outcome.1.get()
            #expect(window.cancelledSessionIds == [requested.id])
            let after = try await t.lab.sessions.get(requested.id, by: manager)
            #expect(after.status == .cancelled)
            #expect(after.events.map(\.to) == [.requested, .confirmed, .cancelled])
            // The commitment the confirmation made is released by the cancellation.
            let entries = try await t.lab.quota.ledger(TestLab.agreement, year: year, by: manager).filter { $0.sessionId == requested.id }
            #expect(entries.map(\.committedMinutes).reduce(0, +) == 0, "\(entries.map { ($0.kind, $0.committedMinutes) })")
            #expect(entries.map(\.kind) == [.commitment, .release])
            #expect(try await t.balanceMatchesLedger(year: year).committedMinutes == 0)
        }
    }

    /// Waits until `count` other backends wait for a lock.
    static func waitForBlocked(_ count: Int, _ session: SQLSession) async throws {
        for _ in 0..<300 {
            let waiting = try await session.first("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")!
                .decode(Int64.self)
            if waiting >= count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(count) transactions never came to wait")
    }
}
