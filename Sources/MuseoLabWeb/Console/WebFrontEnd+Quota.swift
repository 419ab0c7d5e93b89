import Foundation
import Hummingbird
import MuseoLab

/// The quota of the university's agreement, for the manager: its chart, its figures, its
/// alerts and its overage, and the usage report.
extension WebFrontEnd {
    func registerQuota<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/quota") { request, _ in
            try await staffPage(.console, request) { visitor in
                try await quotaPage(visitor, year: request.uri.queryParameters.get("annee"), grouping: request.uri.queryParameters.get("par"),
                                    notice: request.uri.queryParameters.get("fait").flatMap(QuotaTexts.done), refusal: nil)
            }
        }
        router.get("/gestion/quota/rapport.csv") { request, _ in
            try await staffResponse(.console, request) { visitor in
                let agreement = try await lab.agreements.find(nil, by: visitor.actor)
                let year = try Self.year(request.uri.queryParameters.get("annee"), lab.now())
                let grouping = UsageGrouping(rawValue: request.uri.queryParameters.get("par") ?? "month") ?? .month
                let lines = try await lab.quota.report(agreement.id, year: year, by: grouping, actor: visitor.actor)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                        .contentDisposition: "attachment; filename=\"quota-\(agreement.reference)-\(year)-\(grouping.rawValue).csv\"",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: UsageCSV.render(lines, grouping: grouping))))
            }
        }
        router.post("/gestion/quota/alertes/:id/acquitter") { request, context in
            try await staffForm(.console, request) { visitor, _ in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                let alert = try await lab.alerts.acknowledge(id, by: visitor.actor)
                return redirect("/gestion/quota?annee=\(alert.year)&fait=acquittee")
            }
        }
        for (segment, bill) in [("facturer", true), ("renoncer", false)] {
            router.post("/gestion/quota/depassements/:id/\(segment)") { request, context in
                try await staffForm(.console, request) { visitor, form in
                    guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                    do {
                        let item = try await lab.overage.decide(id, bill: bill, reason: form["motif"] ?? "", by: visitor.actor)
                        return redirect("/gestion/quota?annee=\(item.year)&fait=\(segment)")
                    } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError && problem.kind != .notFound {
                        return try page(
                            try await quotaPage(visitor, year: nil, grouping: nil, notice: nil,
                                                refusal: FieldRefusal(field: id.uuidString.lowercased(), said: QuotaTexts.decisionRefusal(problem))),
                            status: .unprocessableContent)
                    }
                }
            }
        }
    }

    /// A year asked for (`annee`), or this one; one the domain would refuse is refused here too, as a 404 page.
    static func year(_ asked: String?, _ now: Date) throws -> Int {
        guard let asked else { return ParisClock.date(of: now).year }
        guard let year = Int(asked), CalendarDate.supportedYears.contains(year) else { throw Problem.notFound("year") }
        return year
    }

    func quotaPage(_ visitor: Visitor, year asked: String?, grouping asking: String?, notice: String?, refusal: FieldRefusal?) async throws -> QuotaPage {
        let now = lab.now()
        let year = try Self.year(asked, now)
        let grouping = UsageGrouping(rawValue: asking ?? "month") ?? .month
        let agreement = try await lab.agreements.find(nil, by: visitor.actor)
        let status = try await lab.quota.status(agreement.id, year: year, by: visitor.actor)
        let ledger = try await lab.quota.ledger(agreement.id, year: year, by: visitor.actor)
        let overage = try await lab.overage.list(agreementId: agreement.id, year: year, status: nil, by: visitor.actor)
        let report = try await lab.quota.report(agreement.id, year: year, by: grouping, actor: visitor.actor)
        let balance = status.balance
        let chart = BurnDownChart(
            QuotaBurnDown.of(ledger, year: year, quotaMinutes: balance.quotaMinutes), thresholds: agreement.alertThresholds,
            today: ParisClock.date(of: now), forecast: status.forecast?.runsOutOn)
        return QuotaPage(
            title: "Quota \(year) – \(agreement.title)", nav: visitor.nav(.quota), csrf: visitor.csrf, notice: notice,
            year: year, previousHref: "/gestion/quota?annee=\(year - 1)", nextHref: "/gestion/quota?annee=\(year + 1)",
            chart: chart,
            figures: [
                .init(label: "Quota de l'année", value: French.hours(minutes: balance.quotaMinutes)),
                .init(label: "Consommé", value: "\(French.hours(minutes: balance.consumedMinutes)) (\(French.percent(balance.percentConsumed)))"),
                .init(label: "Engagé (séances confirmées à venir)", value: French.hours(minutes: balance.committedMinutes)),
                .init(label: "Consommé et engagé", value: "\(French.hours(minutes: balance.consumedMinutes + balance.committedMinutes)) (\(French.percent(balance.percentProjected)))"),
                .init(label: "Reste", value: French.hours(minutes: balance.remainingMinutes)),
                .init(label: "Reste une fois l’engagé consommé", value: French.hours(minutes: balance.projectedRemainingMinutes)),
            ] + (balance.projectedOverQuotaMinutes > 0 ? [
                .init(label: balance.overQuotaMinutes > 0 ? "Au-delà du quota" : "Au-delà du quota, une fois l’engagé consommé",
                      value: French.hours(minutes: balance.overQuotaMinutes > 0 ? balance.overQuotaMinutes : balance.projectedOverQuotaMinutes)),
            ] : []) + [
                .init(label: "Dépassement en attente de décision", value: French.hours(minutes: status.pendingOverageMinutes)),
            ],
            forecast: status.forecast.map { QuotaTexts.forecast($0) },
            alerts: status.alerts.map { alert in
                QuotaPage.Alert(
                    label: alert.kind == .projected ? "Projection : le quota sera dépassé" : "Seuil de \(alert.threshold) % atteint",
                    firedAt: French.dateTime(alert.firedAt),
                    delivery: "\(alert.deliveriesDone) envoi(s) sur \(alert.deliveriesQueued + alert.deliveriesDone)",
                    acknowledged: alert.acknowledgedAt.map { "Acquittée le \(French.dateTime($0)) par \(alert.acknowledgedBy ?? "—")" },
                    acknowledgeAction: alert.acknowledgedAt == nil ? "/gestion/quota/alertes/\(alert.id.uuidString.lowercased())/acquitter" : nil)
            },
            overage: overage.map { item in
                let id = item.id.uuidString.lowercased()
                return QuotaPage.OverageRow(
                    id: id, session: item.sessionReference ?? "—", date: French.day(item.serviceDate), hours: French.hours(minutes: item.minutes),
                    status: QuotaTexts.overageStatus(item.status), decision: item.decisionReason,
                    billAction: item.status == .pending ? "/gestion/quota/depassements/\(id)/facturer" : nil,
                    waiveAction: item.status == .pending ? "/gestion/quota/depassements/\(id)/renoncer" : nil,
                    error: refusal?.field == id ? refusal?.said : nil)
            },
            groupings: UsageGrouping.allCases.map { option in
                QuotaPage.Grouping(value: option.rawValue, label: QuotaTexts.grouping(option), selected: option == grouping)
            },
            groupingLabel: QuotaTexts.grouping(grouping),
            report: report.map { line in
                QuotaPage.ReportLine(
                    label: QuotaTexts.reportLabel(line, grouping), consumed: French.hours(minutes: line.consumedMinutes), committed: French.hours(minutes: line.committedMinutes),
                    sessions: line.sessions)
            },
            csvHref: "/gestion/quota/rapport.csv?annee=\(year)&par=\(grouping.rawValue)")
    }
}
