import Foundation
import PostgresNIO

/// The partnership agreement and its amendments (avenants): quota, room allowances,
/// the cancellation policy, and the alert thresholds.
public struct Agreement: Sendable, Equatable, Codable {
    public struct Terms: Sendable, Equatable, Codable {
        public var id: UUID
        public var effectiveFrom: CalendarDate
        public var label: String
        public var supportQuotaHours: Int
        /// Free bookings a year, by room code.
        public var roomAllowances: [String: Int]
    }

    public var id: UUID
    public var reference: String
    public var title: String
    public var customerOrganisationId: UUID
    public var providerOrganisationId: UUID
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var contactEmail: String?
    public var lateCancellationsCount: Bool
    public var noShowsCount: Bool
    public var alertThresholds: [Int]
    /// The initial terms, then each amendment, by effective date.
    public var terms: [Terms]
}

public struct Agreements: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// The agreement named by its id or reference; without a name, the one in force today (or,
    /// between two, the first of those the actor may see).
    public func find(_ reference: String?, by actor: Actor) async throws -> Agreement {
        let all = try await list(by: actor)
        if let reference {
            guard let match = all.first(where: { $0.id.uuidString.lowercased() == reference.lowercased() || $0.reference.lowercased() == reference.lowercased() })
            else { throw Problem.notFound("agreement \(reference)") }
            return match
        }
        let today = ParisClock.date(of: now())
        guard let current = all.first(where: { $0.startsOn <= today && today <= $0.endsOn }) ?? all.first else { throw Problem.notFound("agreement") }
        return current
    }

    public func list(by actor: Actor) async throws -> [Agreement] {
        try await database.read { session in
            let all = try await AgreementStore.agreements(nil, session)
            if actor.role.allows(.viewQuota) { return all }
            guard let userId = actor.userId else { return [] }
            let visible = Set(try await session.run(AgreementStore.ContactOf(userId: userId)))
            return all.filter { visible.contains($0.id) }
        }
    }

    public func get(_ id: UUID, by actor: Actor) async throws -> Agreement {
        try await database.read { session in
            guard let agreement = try await AgreementStore.agreements([id], session).first, try await Quota.mayView(id, actor, session)
            else { throw Problem.notFound("agreement") }
            return agreement
        }
    }

    /// Records an amendment: new terms from a date. What is not given carries over from the terms before it.
    public func amend(
        _ id: UUID, effectiveFrom: CalendarDate, label: String, supportQuotaHours: Int?, roomAllowances: [String: Int], by actor: Actor
    ) async throws -> Agreement {
        try actor.require(.manageQuota, "amend agreements")
        let label = try Validate.text(label, field: "label", maxLength: 200)
        if let hours = supportQuotaHours, !(0...8784).contains(hours) {
            throw Problem.invalid("supportQuotaHours", "must be between 0 and 8784 hours a year")
        }
        for (room, count) in roomAllowances where !(0...366).contains(count) {
            throw Problem.invalid("roomAllowances.\(room)", "must be between 0 and 366 free bookings a year")
        }
        return try await database.write(as: actor, action: "agreement.amend") { session in
            guard let (startsOn, endsOn) = try await session.run(AgreementStore.Locked(id: id)).first else {
                throw Problem.notFound("agreement")
            }
            guard effectiveFrom >= startsOn, effectiveFrom <= endsOn else {
                throw Problem.invalid("effectiveFrom", "an amendment takes effect within the agreement (\(startsOn) to \(endsOn))")
            }
            let current = try await Self.load(id, session)
            guard !current.terms.contains(where: { $0.effectiveFrom == effectiveFrom }) else {
                throw Problem(.duplicate, "terms already take effect on \(effectiveFrom)", field: "effectiveFrom")
            }
            let previous = current.terms.last { $0.effectiveFrom < effectiveFrom } ?? current.terms.first!
            let new = roomAllowances.keys.filter { previous.roomAllowances[$0] == nil }.sorted()
            let known = Set(new.isEmpty ? [] : try await session.run(AgreementStore.RoomsCoded(codes: new)))
            if let unknown = new.first(where: { !known.contains($0) }) {
                throw Problem.invalid("roomAllowances", "no room has the code \(unknown)")
            }
            let terms = try await session.run(AgreementStore.TermsAdded(
                agreementId: id, effectiveFrom: effectiveFrom, label: label, supportQuotaHours: supportQuotaHours ?? previous.supportQuotaHours))[0]
            let allowances = previous.roomAllowances.merging(roomAllowances, uniquingKeysWith: { _, new in new })
            if !allowances.isEmpty { _ = try await session.run(AgreementStore.AllowancesAdded(termsId: terms, allowances: allowances)) }
            return try await Self.load(id, session)
        }
    }

    /// The cancellation policy and the alert thresholds.
    public func updatePolicy(
        _ id: UUID, lateCancellationsCount: Bool?, noShowsCount: Bool?, alertThresholds: [Int]?, by actor: Actor
    ) async throws -> Agreement {
        try actor.require(.manageQuota, "change the agreement's policy")
        if let thresholds = alertThresholds {
            guard (1...10).contains(thresholds.count), thresholds.allSatisfy({ (1...1000).contains($0) }), Set(thresholds).count == thresholds.count else {
                throw Problem.invalid("alertThresholds", "1 to 10 different percentages between 1 and 1000")
            }
        }
        return try await database.write(as: actor, action: "agreement.policy") { session in
            guard try await !session.run(AgreementStore.PolicyChanged(
                id: id, lateCancellationsCount: lateCancellationsCount, noShowsCount: noShowsCount, alertThresholds: alertThresholds)).isEmpty
            else { throw Problem.notFound("agreement") }
            return try await Self.load(id, session)
        }
    }

    static func load(_ id: UUID, _ session: SQLSession) async throws -> Agreement {
        guard let agreement = try await AgreementStore.agreements([id], session).first else { throw Problem.notFound("agreement") }
        return agreement
    }
}
