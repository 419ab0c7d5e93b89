import Foundation
import MuseoLabRuntime
import Testing
@testable import MuseoLab

/// Alerts fire once each per agreement and year, even when changes race, and reach
/// their recipients through the outbox, retried until delivered, never twice.
@Suite struct QuotaAlertTests {
    @Test func thresholdsFireOnceEach() async throws {
        try await TestLab.with { t in
            let year = ParisClock.date(of: Date()).year
            let manager = t.people.manager.actor
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 17_999, reason: "a", by: manager)
            #expect(try await t.lab.alerts.list(agreementId: TestLab.agreement, year: year, by: manager).isEmpty, "74,99 %")
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 1, reason: "b", by: manager)
            #expect(try await t.lab.alerts.list(agreementId: TestLab.agreement, year: year, by: manager).map(\.threshold) == [75])
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 60, reason: "c", by: manager)
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 6000, reason: "d", by: manager)
            let alerts = try await t.lab.alerts.list(agreementId: TestLab.agreement, year: year, by: manager)
            #expect(alerts.map(\.threshold).sorted() == [75, 90, 100, 100])
            #expect(alerts.filter { $0.kind == .projected }.count == 1)
            #expect(alerts.allSatisfy { $0.deliveriesQueued == 1 }, "one message each, to museolab@univ-artois.fr")

            let acknowledged = try await t.lab.alerts.acknowledge(alerts[0].id, by: manager)
            #expect(acknowledged.acknowledgedBy == "user:manager@tests.museolab")
            await #expect(throws: Problem.self) { try await t.lab.alerts.acknowledge(alerts[0].id, by: manager) }
            await #expect(throws: Problem.self) { try await t.lab.alerts.acknowledge(alerts[1].id, by: t.people.member.actor) }
        }
    }

    @Test func twoParallelConfirmationsCrossingTheQuotaRaiseOneAlert() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let manager = t.people.manager.actor
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: day.year, minutes: 24000 - 100, reason: "historique", by: manager)
            let first = try await t.lab.sessions.request(SessionRequest(purpose: "a", period: Days.period(day, "10:00", "11:00")), by: t.people.member.actor)
            let second = try await t.lab.sessions.request(SessionRequest(purpose: "b", period: Days.period(day, "14:00", "15:00")), by: t.people.otherMember.actor)
            // Either alone stays within the quota (23 960 of 24 000); together they pass it.
            async let a = t.lab.sessions.confirm(first.id, by: manager)
            async let b = t.lab.sessions.confirm(second.id, by: manager)
            _ = try await (a, b)
            let projected = try await t.lab.alerts.list(agreementId: TestLab.agreement, year: day.year, by: manager).filter { $0.kind == .projected }
            #expect(projected.count == 1)
            #expect(projected.first?.committedMinutes == 120)

            // Completed together, they cross 100 % of consumption: one alert again.
            let after = t.at(Days.at(day, "16:00"))
            async let c = after.sessions.complete(first.id, actual: Days.period(day, "10:00", "11:00"), by: manager)
            async let d = after.sessions.complete(second.id, actual: Days.period(day, "14:00", "15:00"), by: manager)
            _ = try await (c, d)
            let hundred = try await t.lab.alerts.list(agreementId: TestLab.agreement, year: day.year, by: manager)
                .filter { $0.kind == .threshold && $0.threshold == 100 }
            #expect(hundred.count == 1)
            #expect(hundred.first?.consumedMinutes == 24_020)
            #expect(try await t.lab.overage.list(agreementId: TestLab.agreement, year: day.year, status: nil, by: manager).map(\.minutes) == [20])
            #expect(try await t.balanceMatchesLedger(year: day.year).consumedMinutes == 24_020)
        }
    }

    @Test func deliveriesReachTheSMTPRelayAndTheWebhook() async throws {
        try await TestLab.with { t in
            try await WebhookReceiver.with { receiver, url in
                let sink = try SMTPSink()
                defer { sink.stop() }
                let year = ParisClock.date(of: Date()).year
                let manager = t.people.manager.actor
                _ = try await t.lab.alerts.addRecipient(TestLab.agreement, channel: .webhook, address: url, by: manager)
                _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 18_000, reason: "historique", by: manager)

                let outbox = Outbox(database: t.lab.database, baseDelay: .milliseconds(10))
                let transports: [AlertRecipient.Channel: any MessageTransport] = [
                    .email: SMTPTransport(host: "127.0.0.1", port: sink.port, from: "museolab@louvrelensvallee.test"), .webhook: WebhookTransport(),
                ]
                let result = try await outbox.deliverDue(transports: transports)
                #expect(result.delivered == 2)

                #expect(sink.messages.count == 1)
                let mail = try #require(sink.messages.first)
                #expect(mail.to == ["museolab@univ-artois.fr"])
                #expect(mail.body.contains("Le seuil de 75 % du quota d'accompagnement est atteint."))
                #expect(mail.body.contains("Consommé : 300,00 h (75,0 %)"))
                #expect(mail.header("Message-ID")?.hasPrefix("<outbox-") == true)
                let calls = await receiver.calls
                #expect(calls.count == 1)
                #expect(calls.first?.json["threshold"] as? Int == 75)
                #expect(calls.first?.json["consumedMinutes"] as? Int == 18_000)

                // Nothing is sent twice.
                #expect(try await outbox.deliverDue(transports: transports).delivered == 0)
                #expect(sink.messages.count == 1)
                let alert = try await t.lab.alerts.list(agreementId: TestLab.agreement, year: year, by: manager)[0]
                #expect((alert.deliveriesQueued, alert.deliveriesDone) == (2, 2))
            }
        }
    }

    @Test func failedDeliveriesAreRetriedWithBackoffAndNeverLost() async throws {
        try await TestLab.with { t in
            try await WebhookReceiver.with(failFirst: 2) { receiver, url in
                let year = ParisClock.date(of: Date()).year
                let manager = t.people.manager.actor
                _ = try await t.lab.alerts.addRecipient(TestLab.agreement, channel: .webhook, address: url, by: manager)
                _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 18_000, reason: "historique", by: manager)
                let outbox = Outbox(database: t.lab.database, baseDelay: .seconds(30))
                /// Time passes: the messages waiting for their next attempt are due now.
                func later() async throws {
                    try await t.lab.database.write(as: .system("tests"), action: "tests.clock") { session in
                        try await session.execute("UPDATE outbox_messages SET next_attempt_at = now() WHERE delivered_at IS NULL")
                    }
                }

                // No SMTP relay configured yet, and the webhook failing: both wait, with their error.
                // The retry is due 30 s after the attempt, wherever in this pass the attempt was made (a
                // busy machine can take seconds between the attempt and the reading below).
                let attempted = Date()
                let first = try await outbox.deliverDue(transports: [.webhook: WebhookTransport()])
                let attemptsEnded = Date()
                #expect((first.delivered, first.failed) == (0, 2))
                var messages = try await outbox.messages(by: manager)
                #expect(messages.allSatisfy { $0.deliveredAt == nil && $0.attempts == 1 && $0.lastError != nil })
                #expect(messages.contains { $0.lastError?.contains("no email transport") == true })
                #expect(messages.allSatisfy {
                    (attempted.addingTimeInterval(29)...attemptsEnded.addingTimeInterval(31)).contains($0.nextAttemptAt)
                }, "retried in 30 s")
                #expect(try await outbox.deliverDue(transports: [.webhook: WebhookTransport()]) == (0, 0), "not before")

                // The second failure waits twice as long.
                try await later()
                let retried = Date()
                #expect(try await outbox.deliverDue(transports: [.webhook: WebhookTransport()]).failed == 2)
                let retriesEnded = Date()
                messages = try await outbox.messages(by: manager)
                #expect(messages.allSatisfy {
                    $0.attempts == 2 && (retried.addingTimeInterval(59)...retriesEnded.addingTimeInterval(61)).contains($0.nextAttemptAt)
                }, "then in 60 s")

                // The relay comes up and the webhook accepts: delivered, once each.
                let sink = try SMTPSink()
                defer { sink.stop() }
                try await later()
                let transports: [AlertRecipient.Channel: any MessageTransport] = [
                    .email: SMTPTransport(host: "127.0.0.1", port: sink.port, from: "museolab@test"), .webhook: WebhookTransport(),
                ]
                #expect(try await outbox.deliverDue(transports: transports) == (2, 0))
                messages = try await outbox.messages(by: manager)
                #expect(messages.allSatisfy { $0.deliveredAt != nil && $0.attempts == 3 })
                #expect(await receiver.refused == 2)
                let calls = await receiver.calls
                #expect(calls.count == 1)
                #expect(calls.first?.idempotencyKey == "outbox-\(try #require(messages.first { $0.channel == .webhook }).id)")
                #expect(sink.messages.count == 1)
                try await later()
                #expect(try await outbox.deliverDue(transports: transports) == (0, 0), "nothing sent twice")
            }
        }
    }

    @Test func concurrentDispatchersNeverSendTwice() async throws {
        try await TestLab.with { t in
            try await WebhookReceiver.with { receiver, url in
                let year = ParisClock.date(of: Date()).year
                let manager = t.people.manager.actor
                _ = try await t.lab.alerts.removeRecipient(UUID(uuidString: "6f0b8d2e-0007-4000-8000-000000000001")!, by: manager)
                for index in 0..<5 {
                    _ = try await t.lab.alerts.addRecipient(TestLab.agreement, channel: .webhook, address: "\(url)?n=\(index)", by: manager)
                }
                _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: 24_001, reason: "historique", by: manager)
                let outbox = Outbox(database: t.lab.database)
                let queued = try await outbox.messages(by: manager).count
                #expect(queued == 20, "4 alerts × 5 recipients")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask { _ = try await outbox.deliverDue(limit: 100, transports: [.webhook: WebhookTransport()]) }
                    }
                    try await group.waitForAll()
                }
                let calls = await receiver.calls
                #expect(calls.count == 20)
                #expect(Set(calls.compactMap(\.idempotencyKey)).count == 20)
            }
        }
    }
}
