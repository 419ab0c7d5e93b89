import Foundation
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

extension APIImplementation {
    func listAgreements(_ input: Operations.ListAgreements.Input) async throws -> Operations.ListAgreements.Output {
        .ok(.init(body: .json(.init(items: try await lab.agreements.list(by: try actor).map(Components.Schemas.Agreement.init)))))
    }

    func getAgreement(_ input: Operations.GetAgreement.Input) async throws -> Operations.GetAgreement.Output {
        .ok(.init(body: .json(.init(try await lab.agreements.get(input.path.agreementId.uuid, by: try actor)))))
    }

    func amendAgreement(_ input: Operations.AmendAgreement.Input) async throws -> Operations.AmendAgreement.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard let effectiveFrom = try Identifier.date(body.effectiveFrom, "effectiveFrom") else { throw Problem.invalid("effectiveFrom", "is required") }
        let agreement = try await lab.agreements.amend(
            input.path.agreementId.uuid, effectiveFrom: effectiveFrom, label: body.label,
            supportQuotaHours: body.supportQuotaHours, roomAllowances: body.roomAllowances?.additionalProperties ?? [:], by: try actor)
        return .created(.init(body: .json(.init(agreement))))
    }

    func updateAgreementPolicy(_ input: Operations.UpdateAgreementPolicy.Input) async throws -> Operations.UpdateAgreementPolicy.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard body.lateCancellationsCount != nil || body.noShowsCount != nil || body.alertThresholds != nil else {
            throw Problem(.invalidField, "nothing to change: give at least one field")
        }
        let agreement = try await lab.agreements.updatePolicy(
            input.path.agreementId.uuid, lateCancellationsCount: body.lateCancellationsCount,
            noShowsCount: body.noShowsCount, alertThresholds: body.alertThresholds, by: try actor)
        return .ok(.init(body: .json(.init(agreement))))
    }

    func getQuotaStatus(_ input: Operations.GetQuotaStatus.Input) async throws -> Operations.GetQuotaStatus.Output {
        let status = try await lab.quota.status(input.path.agreementId.uuid, year: input.query.year, by: try actor)
        return .ok(.init(body: .json(.init(
            balance: .init(status.balance),
            forecast: try status.forecast.map {
                .init(method: try $0.method.bridged(), runsOutOn: $0.runsOutOn?.description,
                      recentRateMinutesPerDay: $0.recentRateMinutesPerDay, explanation: $0.explanation)
            },
            alerts: try status.alerts.map(Components.Schemas.QuotaAlert.init), pendingOverageMinutes: status.pendingOverageMinutes))))
    }

    func getQuotaLedger(_ input: Operations.GetQuotaLedger.Input) async throws -> Operations.GetQuotaLedger.Output {
        let entries = try await lab.quota.ledger(
            input.path.agreementId.uuid, year: input.query.year, after: input.query.after,
            limit: input.query.limit ?? 1000, by: try actor)
        return .ok(.init(body: .json(.init(items: try entries.map {
            .init(id: $0.id, year: $0.year, kind: try $0.kind.bridged(), sessionId: $0.sessionId?.resourceId,
                  sessionReference: $0.sessionReference, committedMinutes: $0.committedMinutes, consumedMinutes: $0.consumedMinutes,
                  reason: $0.reason, actor: $0.actor, recordedAt: $0.recordedAt)
        }))))
    }

    func adjustQuota(_ input: Operations.AdjustQuota.Input) async throws -> Operations.AdjustQuota.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let balance = try await lab.quota.adjust(
            input.path.agreementId.uuid, year: body.year, minutes: body.minutes, reason: body.reason, by: try actor)
        return .created(.init(body: .json(.init(balance))))
    }

    func getQuotaReport(_ input: Operations.GetQuotaReport.Input) async throws -> Operations.GetQuotaReport.Output {
        let grouping = try input.query.by.bridged(UsageGrouping.self)
        let lines = try await lab.quota.report(
            input.path.agreementId.uuid, year: input.query.year, by: grouping, actor: try actor)
        if input.query.format == .csv {
            return .ok(.init(body: .csv(HTTPBody(UsageCSV.render(lines, grouping: grouping)))))
        }
        return .ok(.init(body: .json(.init(year: input.query.year, by: grouping.rawValue, items: lines.map {
            .init(key: $0.key, label: $0.label, consumedMinutes: $0.consumedMinutes, committedMinutes: $0.committedMinutes, sessions: $0.sessions)
        }))))
    }

    // MARK: - Alerts and recipients

    func listAlertRecipients(_ input: Operations.ListAlertRecipients.Input) async throws -> Operations.ListAlertRecipients.Output {
        let list = try await lab.alerts.recipients(input.path.agreementId.uuid, by: try actor)
        return .ok(.init(body: .json(.init(items: try list.map(Components.Schemas.AlertRecipient.init)))))
    }

    func addAlertRecipient(_ input: Operations.AddAlertRecipient.Input) async throws -> Operations.AddAlertRecipient.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let recipient = try await lab.alerts.addRecipient(
            input.path.agreementId.uuid, channel: try body.channel.bridged(AlertRecipient.Channel.self),
            address: body.address, by: try actor)
        return .created(.init(body: .json(try .init(recipient))))
    }

    func removeAlertRecipient(_ input: Operations.RemoveAlertRecipient.Input) async throws -> Operations.RemoveAlertRecipient.Output {
        try await lab.alerts.removeRecipient(input.path.recipientId.uuid, by: try actor)
        return .noContent(.init())
    }

    func listAlerts(_ input: Operations.ListAlerts.Input) async throws -> Operations.ListAlerts.Output {
        let alerts = try await lab.alerts.list(
            agreementId: input.query.agreementId?.uuid, year: input.query.year,
            unacknowledgedOnly: input.query.unacknowledged ?? false, by: try actor)
        return .ok(.init(body: .json(.init(items: try alerts.map(Components.Schemas.QuotaAlert.init)))))
    }

    func acknowledgeAlert(_ input: Operations.AcknowledgeAlert.Input) async throws -> Operations.AcknowledgeAlert.Output {
        .ok(.init(body: .json(try .init(try await lab.alerts.acknowledge(input.path.alertId.uuid, by: try actor)))))
    }

    // MARK: - Overage and preview

    func listOverage(_ input: Operations.ListOverage.Input) async throws -> Operations.ListOverage.Output {
        let items = try await lab.overage.list(
            agreementId: input.query.agreementId?.uuid, year: input.query.year,
            status: input.query.status.map { try $0.bridged(OverageItem.Status.self) }, by: try actor)
        return .ok(.init(body: .json(.init(items: try items.map(Components.Schemas.OverageItem.init)))))
    }

    func billOverage(_ input: Operations.BillOverage.Input) async throws -> Operations.BillOverage.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let item = try await lab.overage.decide(input.path.itemId.uuid, bill: true, reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(item))))
    }

    func waiveOverage(_ input: Operations.WaiveOverage.Input) async throws -> Operations.WaiveOverage.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let item = try await lab.overage.decide(input.path.itemId.uuid, bill: false, reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(item))))
    }

    func previewSessionQuota(_ input: Operations.PreviewSessionQuota.Input) async throws -> Operations.PreviewSessionQuota.Output {
        let preview = try await lab.quota.preview(input.path.sessionId.uuid, by: try actor)
        return .ok(.init(body: .json(.init(
            sessionId: preview.sessionId.resourceId, chargedToAgreement: preview.chargedToAgreement, minutes: preview.minutes,
            remainingBeforeMinutes: preview.remainingBeforeMinutes, remainingAfterMinutes: preview.remainingAfterMinutes,
            overQuotaMinutes: preview.overQuotaMinutes, estimatedCostCents: preview.estimatedCostCents))))
    }
}

extension Components.Schemas.Agreement {
    init(_ agreement: Agreement) {
        self.init(
            id: agreement.id.resourceId, reference: agreement.reference, title: agreement.title,
            customerOrganisationId: agreement.customerOrganisationId.resourceId, providerOrganisationId: agreement.providerOrganisationId.resourceId,
            startsOn: agreement.startsOn.description, endsOn: agreement.endsOn.description, contactEmail: agreement.contactEmail,
            lateCancellationsCount: agreement.lateCancellationsCount, noShowsCount: agreement.noShowsCount,
            alertThresholds: agreement.alertThresholds,
            terms: agreement.terms.map {
                .init(id: $0.id.resourceId, effectiveFrom: $0.effectiveFrom.description, label: $0.label, supportQuotaHours: $0.supportQuotaHours,
                      roomAllowances: .init(additionalProperties: $0.roomAllowances))
            })
    }
}

extension Components.Schemas.QuotaBalance {
    init(_ balance: QuotaBalance) {
        self.init(
            agreementId: balance.agreementId.resourceId, year: balance.year, quotaMinutes: balance.quotaMinutes,
            consumedMinutes: balance.consumedMinutes, committedMinutes: balance.committedMinutes, remainingMinutes: balance.remainingMinutes,
            projectedRemainingMinutes: balance.projectedRemainingMinutes, overQuotaMinutes: balance.overQuotaMinutes,
            projectedOverQuotaMinutes: balance.projectedOverQuotaMinutes,
            percentConsumed: balance.percentConsumed, percentProjected: balance.percentProjected)
    }
}

extension Components.Schemas.QuotaAlert {
    init(_ alert: QuotaAlert) throws {
        self.init(
            id: alert.id.resourceId, agreementId: alert.agreementId.resourceId, year: alert.year, kind: try alert.kind.bridged(),
            threshold: alert.threshold, firedAt: alert.firedAt, quotaMinutes: alert.quotaMinutes, consumedMinutes: alert.consumedMinutes,
            committedMinutes: alert.committedMinutes, acknowledgedAt: alert.acknowledgedAt, acknowledgedBy: alert.acknowledgedBy,
            deliveriesQueued: alert.deliveriesQueued, deliveriesDone: alert.deliveriesDone)
    }
}

extension Components.Schemas.AlertRecipient {
    init(_ recipient: AlertRecipient) throws {
        self.init(id: recipient.id.resourceId, agreementId: recipient.agreementId.resourceId, channel: try recipient.channel.bridged(), address: recipient.address)
    }
}

extension Components.Schemas.OverageItem {
    init(_ item: OverageItem) throws {
        self.init(
            id: item.id.resourceId, agreementId: item.agreementId.resourceId, year: item.year, sessionId: item.sessionId?.resourceId,
            sessionReference: item.sessionReference, minutes: item.minutes, serviceDate: item.serviceDate.description,
            status: try item.status.bridged(), decidedAt: item.decidedAt, decidedBy: item.decidedBy,
            decisionReason: item.decisionReason)
    }
}
