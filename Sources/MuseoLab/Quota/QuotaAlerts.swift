import Foundation
import PostgresNIO

/// An alert: consumption reached a threshold of the quota, or consumption plus
/// commitments is projected to exceed it. Each fires once per agreement and year.
public struct QuotaAlert: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case threshold, projected
    }

    public var id: UUID
    public var agreementId: UUID
    public var year: Int
    public var kind: Kind
    /// The percentage of the quota (100 for `projected`).
    public var threshold: Int
    public var firedAt: Date
    public var quotaMinutes: Int
    public var consumedMinutes: Int
    public var committedMinutes: Int
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?
    /// How many deliveries are queued, and how many went out.
    public var deliveriesQueued: Int
    public var deliveriesDone: Int
}

/// Where alerts go.
public struct AlertRecipient: Sendable, Equatable, Codable {
    public enum Channel: String, Sendable, Codable, CaseIterable {
        case email, webhook
    }

    public var id: UUID
    public var agreementId: UUID
    public var channel: Channel
    public var address: String
}

/// Raising, listing and acknowledging quota alerts, and their recipients.
public struct QuotaAlerts: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(agreementId: UUID?, year: Int?, unacknowledgedOnly: Bool = false, by actor: Actor) async throws -> [QuotaAlert] {
        try actor.require(.viewQuota, "see quota alerts")
        return try await database.read { session in
            try await session.run(AlertStore.Listed(agreementId: agreementId, year: year, unacknowledgedOnly: unacknowledgedOnly))
        }
    }

    public func acknowledge(_ id: UUID, by actor: Actor) async throws -> QuotaAlert {
        try actor.require(.manageQuota, "acknowledge alerts")
        return try await database.write(as: actor, action: "alert.acknowledge") { session in
            let acknowledged = try await session.run(AlertStore.Acknowledged(id: id, by: actor.label))
            guard let alert = try await session.run(AlertStore.One(id: id)).first else { throw Problem.notFound("alert") }
            guard !acknowledged.isEmpty else { throw Problem.conflict("this alert is already acknowledged") }
            return alert
        }
    }

    // MARK: - Recipients

    public func recipients(_ agreementId: UUID, by actor: Actor) async throws -> [AlertRecipient] {
        try actor.require(.viewQuota, "see alert recipients")
        return try await database.read { session in
            try await Self.recipients(agreementId, session)
        }
    }

    public func addRecipient(_ agreementId: UUID, channel: AlertRecipient.Channel, address: String, by actor: Actor) async throws -> AlertRecipient {
        try actor.require(.manageQuota, "change alert recipients")
        let address = try Self.validate(address, channel: channel)
        return try await database.write(as: actor, action: "alert.recipient.add") { session in
            guard try await session.exists(AgreementStore.AgreementExists(id: agreementId)) else { throw Problem.notFound("agreement") }
            if try await session.run(AlertStore.RecipientTaken(agreementId: agreementId, channel: channel, address: address)).first == true {
                throw Problem(.duplicate, "\(address) already receives this agreement's alerts", field: "address")
            }
            let id = try await session.run(AlertStore.RecipientAdded(agreementId: agreementId, channel: channel, address: address))[0]
            return AlertRecipient(id: id, agreementId: agreementId, channel: channel, address: address)
        }
    }

    public func removeRecipient(_ id: UUID, by actor: Actor) async throws {
        try actor.require(.manageQuota, "change alert recipients")
        try await database.write(as: actor, action: "alert.recipient.remove") { session in
            guard try await !session.run(AlertStore.RecipientRemoved(id: id)).isEmpty else { throw Problem.notFound("alert recipient") }
        }
    }

    static func validate(_ address: String, channel: AlertRecipient.Channel) throws -> String {
        switch channel {
        case .email:
            return try Validate.email(address, field: "address")
        case .webhook:
            let trimmed = address.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, trimmed.count <= 500 else {
                throw Problem.invalid("address", "a webhook is an http(s) URL")
            }
            return trimmed
        }
    }

    // MARK: - Raising

    /// The alerts a balance calls for that have not fired yet this year (`kind:threshold` in
    /// `fired`): each threshold reached by what is consumed, and the forecast beyond the quota.
    static func due(_ balance: QuotaBalance, thresholds: [Int], fired: Set<String>) -> [(kind: QuotaAlert.Kind, threshold: Int)] {
        var due: [(kind: QuotaAlert.Kind, threshold: Int)] = thresholds.sorted()
            .filter { balance.consumedMinutes * 100 >= $0 * balance.quotaMinutes && (balance.consumedMinutes > 0 || balance.quotaMinutes == 0) }
            .map { (.threshold, $0) }
        if balance.consumedMinutes + balance.committedMinutes > balance.quotaMinutes { due.append((.projected, 100)) }
        return due.filter { !fired.contains("\($0.kind.rawValue):\($0.threshold)") }
    }

    /// Fires the alerts due and queues their deliveries. The unique constraint makes each fire
    /// once, even if two transactions ever raced past the quota's lock.
    static func raise(_ due: [(kind: QuotaAlert.Kind, threshold: Int)], balance: QuotaBalance, ledgerEntry: Int64, _ session: SQLSession) async throws {
        for (kind, threshold) in due {
            guard let id = try await session.run(AlertStore.Raised(balance: balance, kind: kind, threshold: threshold, ledgerEntry: ledgerEntry)).first
            else { continue }
            try await queue(id, kind: kind, threshold: threshold, balance: balance, session)
        }
    }

    /// One outbox message per recipient, in the alert's transaction, worded by `QuotaAlertMessage`.
    static func queue(_ alertId: UUID, kind: QuotaAlert.Kind, threshold: Int, balance: QuotaBalance, _ session: SQLSession) async throws {
        guard let (reference, title) = try await session.run(AlertStore.AgreementNamed(id: balance.agreementId)).first else {
            throw Problem.notFound("agreement")
        }
        let message = try QuotaAlertMessage(
            alertId: alertId, kind: kind, threshold: threshold, balance: balance, agreementReference: reference, agreementTitle: title)
        for recipient in try await recipients(balance.agreementId, session) {
            try await Outbox.enqueue(
                topic: "alert:\(alertId.uuidString.lowercased())", channel: recipient.channel, recipient: recipient.address,
                subject: message.subject, body: message.body, payload: message.payload, session)
        }
    }

    static func recipients(_ agreementId: UUID, _ session: SQLSession) async throws -> [AlertRecipient] {
        try await session.run(AlertStore.Recipients(agreementId: agreementId))
    }

    /// What an alert is read with (from `quota_alerts a`), with its deliveries.
    static let columns = """
        a.id, a.agreement_id, a.year, a.kind, a.threshold, a.fired_at, a.quota_minutes, a.consumed_minutes,
        a.committed_minutes, a.acknowledged_at, a.acknowledged_by,
        (SELECT count(*) FROM outbox_messages m WHERE m.topic = 'alert:' || a.id) AS queued,
        (SELECT count(*) FROM outbox_messages m WHERE m.topic = 'alert:' || a.id AND m.delivered_at IS NOT NULL) AS delivered
        """

    static func alert(_ r: PostgresRandomAccessRow) throws -> QuotaAlert {
        QuotaAlert(
            id: try r.value("id"), agreementId: try r.value("agreement_id"), year: Int(try r.value("year", as: Int32.self)),
            kind: try r.value("kind", as: QuotaAlert.Kind.self), threshold: Int(try r.value("threshold", as: Int16.self)),
            firedAt: try r.value("fired_at"), quotaMinutes: Int(try r.value("quota_minutes", as: Int32.self)),
            consumedMinutes: Int(try r.value("consumed_minutes", as: Int32.self)), committedMinutes: Int(try r.value("committed_minutes", as: Int32.self)),
            acknowledgedAt: try r.value("acknowledged_at"), acknowledgedBy: try r.value("acknowledged_by"),
            deliveriesQueued: Int(try r.value("queued", as: Int64.self)), deliveriesDone: Int(try r.value("delivered", as: Int64.self)))
    }
}
