import Foundation
import MuseoLabRuntime
import Testing
@testable import MuseoLab

/// A year scripted through the HTTP API: sessions confirmed, completed, cancelled late
/// and early, a no-show, an amendment. At each step the status is the sum of the
/// ledger; the alerts fire once each at the right moment and reach the SMTP relay and
/// the webhook; overage items appear with their hours; the CLI shows the same figures.
@Suite struct QuotaScenarioTests {
    @Test func aScriptedYear() async throws {
        try await TestLab.withServer { t, server in
            try await WebhookReceiver.with { receiver, webhookURL in
                let sink = try SMTPSink()
                defer { sink.stop() }
                try await t.managerAvailableOnWeekdays()
                let http = HTTPClient(server)
                let manager = t.people.manager.token, member = t.people.member.token
                let agreement = "/v1/agreements/\(TestLab.agreement.text)"
                let tuesday = Days.next(.tuesday, weeksAhead: 2), wednesday = tuesday.adding(days: 1), thursday = tuesday.adding(days: 2)
                let year = tuesday.year

                func status() async throws -> [String: Any] {
                    let answer = try await http.get("\(agreement)/quota?year=\(year)", token: manager)
                    #expect(answer.status == 200)
                    let balance = answer.json["balance"] as? [String: Any] ?? [:]
                    // The status is the ledger's sum, line by line.
                    let ledger = try await http.get("\(agreement)/quota/ledger?year=\(year)", token: manager).items
                    #expect(balance["consumedMinutes"] as? Int == ledger.compactMap { $0["consumedMinutes"] as? Int }.reduce(0, +))
                    #expect(balance["committedMinutes"] as? Int == ledger.compactMap { $0["committedMinutes"] as? Int }.reduce(0, +))
                    return balance
                }
                func alerts() async throws -> [String] {
                    try await http.get("/v1/alerts?agreementId=\(TestLab.agreement.text)&year=\(year)", token: manager).items
                        .map { ($0["kind"] as? String == "projected" ? "projected" : "\($0["threshold"] as? Int ?? 0)") }.sorted()
                }
                func book(_ day: CalendarDate, _ start: String, _ end: String, as token: String = "") async throws -> String {
                    let answer = try await http.send("POST", "/v1/sessions", token: token.isEmpty ? member : token, json: [
                        "purpose": "Exposition", "start": Days.iso(Days.at(day, start)), "end": Days.iso(Days.at(day, end)),
                    ])
                    #expect(answer.status == 201, "\(answer.text)")
                    return answer.json["id"] as? String ?? ""
                }
                func at(_ moment: Date, _ body: @Sendable (HTTPClient) async throws -> Void) async throws {
                    try await TestServer.with(t.at(moment)) { later in try await body(HTTPClient(later)) }
                }

                // Recipients: the agreement's address (seeded) and a webhook. An amendment sets a 10-hour quota from today.
                #expect(try await http.send("POST", "\(agreement)/alert-recipients", token: manager, json: ["channel": "webhook", "address": webhookURL]).status == 201)
                let amended = try await http.send("POST", "\(agreement)/amendments", token: manager, json: [
                    "effectiveFrom": ParisClock.date(of: Date()).description, "label": "Avenant n° 1 : 10 h", "supportQuotaHours": 10,
                ])
                #expect(amended.status == 201, "\(amended.text)")
                #expect(try await status()["quotaMinutes"] as? Int == 600)

                // Three sessions confirmed, a fourth previewed then confirmed: projected to exceed.
                let s1 = try await book(tuesday, "09:00", "12:00"), s2 = try await book(tuesday, "14:00", "17:00")
                let s3 = try await book(wednesday, "09:00", "12:00"), s4 = try await book(wednesday, "14:00", "16:00")
                for id in [s1, s2, s3] { #expect(try await http.send("POST", "/v1/sessions/\(id)/confirm", token: manager).status == 200) }
                #expect(try await status()["committedMinutes"] as? Int == 540)
                #expect(try await alerts().isEmpty)
                let preview = try await http.get("/v1/sessions/\(s4)/quota-preview", token: member)
                #expect(preview.json["minutes"] as? Int == 120)
                #expect(preview.json["remainingBeforeMinutes"] as? Int == 60)
                #expect(preview.json["remainingAfterMinutes"] as? Int == -60)
                #expect(preview.json["overQuotaMinutes"] as? Int == 60)
                _ = try await http.send("POST", "/v1/sessions/\(s4)/confirm", token: manager)
                #expect(try await alerts() == ["projected"])

                // s2 cancelled early: released. s3 cancelled the day before: late, counted.
                _ = try await http.send("POST", "/v1/sessions/\(s2)/cancel", token: member, json: ["reason": "jury déplacé"])
                try await at(Days.at(tuesday, "18:00")) { later in
                    let late = try await later.send("POST", "/v1/sessions/\(s3)/cancel", token: member, json: ["reason": "malade"])
                    #expect(late.json["lateCancellation"] as? Bool == true)
                }
                var balance = try await status()
                #expect((balance["consumedMinutes"] as? Int, balance["committedMinutes"] as? Int) == (180, 300))

                // s1 completed with its actual times (3 h 30); s4 a no-show: 85 %, the 75 % alert.
                try await at(Days.at(tuesday, "13:00")) { later in
                    let done = try await later.send("POST", "/v1/sessions/\(s1)/complete", token: manager, json: [
                        "actualStart": Days.iso(Days.at(tuesday, "09:00")), "actualEnd": Days.iso(Days.at(tuesday, "12:30")),
                    ])
                    #expect(done.json["actualDurationMinutes"] as? Int == 210)
                }
                #expect(try await alerts() == ["projected"], "65 %: no threshold yet")
                try await at(Days.at(wednesday, "14:30")) { later in
                    let noShow = try await later.send("POST", "/v1/sessions/\(s4)/no-show", token: manager)
                    #expect(noShow.status == 200)
                }
                balance = try await status()
                #expect((balance["consumedMinutes"] as? Int, balance["committedMinutes"] as? Int) == (510, 0))
                #expect(balance["percentConsumed"] as? Double == 85)
                #expect(try await alerts() == ["75", "projected"])

                // A last session takes the year past the quota: 90 % and 100 % fire, 30 min of overage appear.
                let s5 = try await book(thursday, "10:00", "12:00", as: t.people.otherMember.token)
                _ = try await http.send("POST", "/v1/sessions/\(s5)/confirm", token: manager)
                try await at(Days.at(thursday, "12:30")) { later in
                    _ = try await later.send("POST", "/v1/sessions/\(s5)/complete", token: manager, json: [
                        "actualStart": Days.iso(Days.at(thursday, "10:00")), "actualEnd": Days.iso(Days.at(thursday, "12:00")),
                    ])
                }
                balance = try await status()
                #expect(balance["consumedMinutes"] as? Int == 630)
                #expect(balance["overQuotaMinutes"] as? Int == 30)
                #expect(try await alerts() == ["100", "75", "90", "projected"])
                let overage = try await http.get("/v1/overage?agreementId=\(TestLab.agreement.text)&year=\(year)", token: manager).items
                #expect(overage.map { $0["minutes"] as? Int } == [30])
                #expect(overage.first?["sessionId"] as? String == s5)
                #expect(try await http.send(
                    "POST", "/v1/overage/\(overage.first?["id"] as? String ?? "")/waive", token: manager, json: ["reason": "geste commercial"]
                ).json["status"] as? String == "waived")

                // A manual correction, explained; the balance still is the ledger's sum.
                let adjusted = try await http.send("POST", "\(agreement)/quota/adjustments", token: manager, json: [
                    "year": year, "minutes": -30, "reason": "séance du jeudi commencée en retard",
                ])
                #expect(adjusted.status == 201)
                #expect(try await status()["consumedMinutes"] as? Int == 600)
                #expect(try await alerts().count == 4, "each alert once, nothing new")

                // Every alert reaches the relay and the webhook, once.
                let outbox = Outbox(database: t.lab.database, baseDelay: .milliseconds(10))
                let delivered = try await outbox.deliverDue(limit: 100, transports: [
                    .email: SMTPTransport(host: "127.0.0.1", port: sink.port, from: "museolab@test"), .webhook: WebhookTransport(),
                ])
                #expect(delivered.delivered == 8)
                #expect(sink.messages.count == 4)
                #expect(sink.messages.allSatisfy { $0.to == ["museolab@univ-artois.fr"] })
                let calls = await receiver.calls
                #expect(calls.count == 4)
                #expect(Set(calls.compactMap { $0.json["threshold"] as? Int }) == [75, 90, 100])

                // The reports and the CLI tell the same story.
                let byMonth = try await http.get("\(agreement)/quota/report?year=\(year)&by=month", token: manager)
                #expect(byMonth.items.compactMap { $0["consumedMinutes"] as? Int }.reduce(0, +) == 600)
                let byUser = try await http.get("\(agreement)/quota/report?year=\(year)&by=user", token: manager).items
                #expect(byUser.first { $0["label"] as? String == "bruno@univ-artois.fr" }?["consumedMinutes"] as? Int == 120)
                let csv = try await http.get("\(agreement)/quota/report?year=\(year)&by=user&format=csv", token: manager)
                #expect(csv.contentType.hasPrefix("text/csv"))
                #expect(csv.text.hasPrefix("\u{FEFF}user;libellé;heures consommées;heures engagées;séances"))
                #expect(csv.text.contains("bruno@univ-artois.fr;2,00;0,00;1"))

                let cli = try await CommandLineTool.run(["quota", "status", "--year", "\(year)"], databaseURL: t.databaseURL)
                #expect(cli.status == 0, "\(cli.output)")
                #expect(cli.output.contains("quota       10,00 h"))
                #expect(cli.output.contains("consumed    10,00 h"))
                #expect(cli.output.contains("100.0 % consumed"))
                let ledger = try await CommandLineTool.run(["quota", "ledger", "--year", "\(year)"], databaseURL: t.databaseURL)
                #expect(ledger.output.contains("late_cancellation") && ledger.output.contains("no_show") && ledger.output.contains("adjustment"))
                let report = try await CommandLineTool.run(["quota", "report", "--year", "\(year)", "--by", "component", "--csv"], databaseURL: t.databaseURL)
                #expect(report.output.contains("none;(sans composante);10,50;0,00;5"), "sessions of members without a component")
                #expect(report.output.contains("adjustments;Ajustements;-0,50;0,00;0"), "the correction on its own line")
                let cliAlerts = try await CommandLineTool.run(["alerts", "--year", "\(year)"], databaseURL: t.databaseURL)
                #expect(cliAlerts.output.contains("100 % reached") && cliAlerts.output.contains("2/2"))
            }
        }
    }

    @Test func theForecastSaysWhenTheQuotaRunsOut() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.monday, weeksAhead: 2)
            let manager = t.people.manager.actor
            let today = ParisClock.date(of: Date())
            _ = try await t.lab.agreements.amend(TestLab.agreement, effectiveFrom: today, label: "petit quota", supportQuotaHours: 5, roomAllowances: [:], by: manager)
            // The confirmed sessions ahead use it up on their own.
            for (start, end) in [("09:00", "12:00"), ("13:00", "16:00")] {
                let session = try await t.lab.sessions.request(SessionRequest(purpose: "x", period: Days.period(day, start, end)), by: t.people.member.actor)
                _ = try await t.lab.sessions.confirm(session.id, by: manager)
            }
            let status = try await t.lab.quota.status(TestLab.agreement, year: day.year, by: manager)
            let forecast = try #require(status.forecast)
            #expect(forecast.method == .committed)
            #expect(forecast.runsOutOn == day)
            // Members do not see the quota; the university's contact person does.
            await #expect(throws: Problem.self) { try await t.lab.quota.status(TestLab.agreement, year: day.year, by: t.people.member.actor) }
            _ = try await t.lab.users.update(t.people.member.user.id, UserChanges(organisationContact: true), by: t.people.admin.actor)
            #expect(try await t.lab.quota.status(TestLab.agreement, year: day.year, by: t.people.member.actor).balance.quotaMinutes == 300)
        }
    }
}
