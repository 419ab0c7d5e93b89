import Foundation
import Testing
@testable import MuseoLab

/// The ledger follows sessions in the same transaction; the balance is always its sum.
@Suite struct QuotaLedgerTests {
    @Test func eachStepOfASessionWritesItsEntry() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let year = day.year
            let member = t.people.member.actor, manager = t.people.manager.actor

            let session = try await t.lab.sessions.request(SessionRequest(purpose: "Maquette", period: Days.period(day, "10:00", "12:00")), by: member)
            #expect(try await t.balanceMatchesLedger(year: year).committedMinutes == 0, "a request commits nothing")

            _ = try await t.lab.sessions.confirm(session.id, by: manager)
            var balance = try await t.balanceMatchesLedger(year: year)
            #expect((balance.committedMinutes, balance.consumedMinutes) == (120, 0))
            #expect(balance.quotaMinutes == 400 * 60)

            _ = try await t.at(Days.at(day, "13:00")).sessions.complete(session.id, actual: Days.period(day, "10:00", "12:45"), by: manager)
            balance = try await t.balanceMatchesLedger(year: year)
            #expect((balance.committedMinutes, balance.consumedMinutes) == (0, 165), "the actual 2 h 45 replace the planned 2 h")
            #expect(balance.remainingMinutes == 24000 - 165)

            let entries = try await t.lab.quota.ledger(TestLab.agreement, year: year, by: manager)
            #expect(entries.map(\.kind) == [.commitment, .consumption])
            #expect(entries.map(\.sessionReference) == [session.reference, session.reference])
            #expect(entries[1].committedMinutes == -120 && entries[1].consumedMinutes == 165)
        }
    }

    @Test func cancellationsAndNoShowsFollowThePolicy() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.wednesday, weeksAhead: 2)
            let year = day.year
            let member = t.people.member.actor, manager = t.people.manager.actor
            func confirmed(_ start: String, _ end: String) async throws -> SupportSession {
                let session = try await t.lab.sessions.request(SessionRequest(purpose: "x", period: Days.period(day, start, end)), by: member)
                return try await t.lab.sessions.confirm(session.id, by: manager)
            }
            let early = try await confirmed("09:00", "10:00")
            let late = try await confirmed("10:00", "11:00")
            let absent = try await confirmed("11:00", "12:00")
            let absentNotCounted = try await confirmed("14:00", "15:00")
            let lateNotCounted = try await confirmed("15:00", "16:00")
            #expect(try await t.balanceMatchesLedger(year: year).committedMinutes == 300)

            _ = try await t.lab.sessions.cancel(early.id, reason: "plans changed", by: member)
            _ = try await t.at(Days.at(day.adding(days: -1), "12:00")).sessions.cancel(late.id, reason: "ill", by: member)
            _ = try await t.at(Days.at(day, "11:30")).sessions.noShow(absent.id, by: manager)
            var balance = try await t.balanceMatchesLedger(year: year)
            #expect((balance.committedMinutes, balance.consumedMinutes) == (120, 120), "the late cancellation and the no-show count (default policy)")

            // The agreement's policy can say otherwise.
            _ = try await t.lab.agreements.updatePolicy(TestLab.agreement, lateCancellationsCount: false, noShowsCount: false, alertThresholds: nil, by: manager)
            _ = try await t.at(Days.at(day, "14:30")).sessions.noShow(absentNotCounted.id, by: manager)
            _ = try await t.at(Days.at(day, "09:00")).sessions.cancel(lateNotCounted.id, reason: "ill", by: member)
            balance = try await t.balanceMatchesLedger(year: year)
            #expect((balance.committedMinutes, balance.consumedMinutes) == (0, 120))

            let kinds = try await t.lab.quota.ledger(TestLab.agreement, year: year, by: manager).map(\.kind)
            #expect(kinds.filter { $0 == .release }.count == 3)
            #expect(kinds.contains(.lateCancellation) && kinds.contains(.noShow))
        }
    }

    @Test func onlySupervisedSessionsChargedToTheAgreementCount() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let museum = try await t.lab.organisations.create(NewOrganisation(name: "Musée", tariffCategory: "public_body"), by: t.people.admin.actor)
            let curator = try await t.lab.users.add(
                NewUser(email: "c@musee.fr", displayName: "C", organisationId: museum.id, role: .member), by: t.people.admin.actor)
            let day = Days.next(.thursday)
            let session = try await t.lab.sessions.request(
                SessionRequest(requesterId: curator.id, purpose: "x", period: Days.period(day, "10:00", "11:00")), by: t.people.manager.actor)
            #expect(session.agreementId == nil)
            _ = try await t.lab.sessions.confirm(session.id, by: t.people.manager.actor)
            #expect(try await t.balanceMatchesLedger(year: day.year).committedMinutes == 0)
        }
    }

    @Test func adjustmentsNeedAReasonAndTheLedgerCannotBeRewritten() async throws {
        try await TestLab.with { t in
            let year = ParisClock.date(of: Date()).year
            await #expect(throws: Problem.self) {
                try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 60, reason: "  ", by: t.people.manager.actor)
            }
            await #expect(throws: Problem.self) {
                try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 60, reason: "x", by: t.people.member.actor)
            }
            await #expect(throws: Problem.self) {
                try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: -60, reason: "below zero", by: t.people.manager.actor)
            }
            let balance = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 90, reason: "atelier hors plateforme", by: t.people.manager.actor)
            #expect(balance.consumedMinutes == 90)
            // Refused by the triggers, even to the schema's owner (CASCADE, so that the foreign keys
            // pointing at the ledger do not refuse first).
            // The year's balance follows its ledger only, by the ledger's trigger.
            for statement in [
                "UPDATE quota_ledger SET consumed_minutes = 0", "DELETE FROM quota_ledger", "TRUNCATE quota_ledger CASCADE",
                "UPDATE quota_year_balances SET consumed_minutes = 0", "DELETE FROM quota_year_balances", "TRUNCATE quota_year_balances",
                "INSERT INTO quota_year_balances VALUES ('\(TestLab.agreement)', \(year + 1), 0, 0, 1)",
            ] {
                await #expect(throws: Problem.self, "\(statement)") { try await t.rawSQL(statement) }
            }
            #expect(try await t.balanceMatchesLedger(year: year).consumedMinutes == 90)
        }
    }

    @Test func anAmendmentChangesTheQuotaFromItsDate() async throws {
        try await TestLab.with { t in
            let year = ParisClock.date(of: Date()).year
            #expect(try await t.lab.quota.status(TestLab.agreement, year: year, by: t.people.manager.actor).balance.quotaMinutes == 24000)
            let today = ParisClock.date(of: Date())
            let amended = try await t.lab.agreements.amend(
                TestLab.agreement, effectiveFrom: today, label: "Avenant n° 1", supportQuotaHours: 450, roomAllowances: ["atrium": 3],
                by: t.people.manager.actor)
            #expect(amended.terms.count == 2)
            #expect(amended.terms.last?.roomAllowances == ["atrium": 3, "event": 1, "meeting": 4])
            #expect(try await t.lab.quota.status(TestLab.agreement, year: year, by: t.people.manager.actor).balance.quotaMinutes == 27000)
            // A past year keeps the quota in force at its end.
            if year > 2026 {
                #expect(try await t.lab.quota.status(TestLab.agreement, year: 2026, by: t.people.manager.actor).balance.quotaMinutes == 24000)
            }
            await #expect(throws: Problem.self) {
                try await t.lab.agreements.amend(TestLab.agreement, effectiveFrom: CalendarDate("2031-01-01")!, label: "hors convention",
                                                 supportQuotaHours: 10, roomAllowances: [:], by: t.people.manager.actor)
            }
        }
    }

    @Test func overageBeyondTheQuotaAwaitsADecision() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.friday)
            let manager = t.people.manager.actor
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: day.year, minutes: 24000 - 30, reason: "reprise de l'historique", by: manager)
            let session = try await t.lab.sessions.request(SessionRequest(purpose: "x", period: Days.period(day, "10:00", "12:00")), by: t.people.member.actor)

            let preview = try await t.lab.quota.preview(session.id, by: t.people.member.actor)
            #expect(preview.chargedToAgreement)
            #expect((preview.minutes, preview.remainingBeforeMinutes, preview.remainingAfterMinutes, preview.overQuotaMinutes) == (120, 30, -90, 90))

            _ = try await t.lab.sessions.confirm(session.id, by: manager)
            _ = try await t.at(Days.at(day, "12:30")).sessions.complete(session.id, actual: Days.period(day, "10:00", "12:00"), by: manager)
            let items = try await t.lab.overage.list(agreementId: TestLab.agreement, year: day.year, status: .pending, by: manager)
            #expect(items.map(\.minutes) == [90])
            #expect(items.first?.sessionId == session.id)
            #expect(items.first?.serviceDate == day)

            await #expect(throws: Problem.self) { try await t.lab.overage.decide(items[0].id, bill: true, reason: "", by: manager) }
            let billed = try await t.lab.overage.decide(items[0].id, bill: true, reason: "au-delà du quota 2026", by: manager)
            #expect(billed.status == .billed)
            await #expect(throws: Problem.self) { try await t.lab.overage.decide(items[0].id, bill: false, reason: "changed my mind", by: manager) }
        }
    }
}
