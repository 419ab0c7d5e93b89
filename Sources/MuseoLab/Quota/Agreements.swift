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
            let ids = try await session.rows("SELECT id FROM agreements ORDER BY starts_on, reference").map { try $0.decode(UUID.self) }
            var agreements: [Agreement] = []
            for id in ids {
                let agreement = try await Self.load(id, session)
                if try await Quota.mayView(agreement.id, actor, session) { agreements.append(agreement) }
            }
            return agreements
        }
    }

    public func get(_ id: UUID, by actor: Actor) async throws -> Agreement {
        try await database.read { session in
            guard try await session.first("SELECT 1 FROM agreements WHERE id = \(id)") != nil,
                try await Quota.mayView(id, actor, session)
            else { throw Problem.notFound("agreement") }
            return try await Self.load(id, session)
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
            guard let row = try await session.first("SELECT starts_on::text, ends_on::text FROM agreements WHERE id = \(id) FOR UPDATE") else {
                throw Problem.notFound("agreement")
            }
            let (starts, ends) = try row.decode((String, String).self)
            let (startsOn, endsOn) = (try CalendarDate.reading(starts, column: "starts_on"), try CalendarDate.reading(ends, column: "ends_on"))
            guard effectiveFrom >= startsOn, effectiveFrom <= endsOn else {
                throw Problem.invalid("effectiveFrom", "an amendment takes effect within the agreement (\(starts) to \(ends))")
            }
            let current = try await Self.load(id, session)
            guard !current.terms.contains(where: { $0.effectiveFrom == effectiveFrom }) else {
                throw Problem(.duplicate, "terms already take effect on \(effectiveFrom)", field: "effectiveFrom")
            }
            let previous = current.terms.last { $0.effectiveFrom < effectiveFrom } ?? current.terms.first!
            for room in roomAllowances.keys where previous.roomAllowances[room] == nil {
                guard try await session.first("SELECT 1 FROM rooms WHERE code = \(room)") != nil else {
                    throw Problem.invalid("roomAllowances", "no room has the code \(room)")
                }
            }
            let terms = try await session.first(
                """
                INSERT INTO agreement_terms (agreement_id, effective_from, label, support_quota_hours)
                VALUES (\(id), \(effectiveFrom.description)::date, \(label), \(supportQuotaHours ?? previous.supportQuotaHours))
                RETURNING id
                """)!.decode(UUID.self)
            for (room, count) in previous.roomAllowances.merging(roomAllowances, uniquingKeysWith: { _, new in new }) {
                try await session.execute(
                    """
                    INSERT INTO agreement_room_allowances (terms_id, room_id, free_bookings_per_year)
                    SELECT \(terms), id, \(count) FROM rooms WHERE code = \(room)
                    """)
            }
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
            guard try await session.first(
                """
                UPDATE agreements SET
                    late_cancellations_count = coalesce(\(lateCancellationsCount), late_cancellations_count),
                    no_shows_count = coalesce(\(noShowsCount), no_shows_count),
                    alert_thresholds = coalesce(\(alertThresholds?.sorted().map(Int16.init))::smallint[], alert_thresholds)
                WHERE id = \(id) RETURNING id
                """) != nil
            else { throw Problem.notFound("agreement") }
            return try await Self.load(id, session)
        }
    }

    static func load(_ id: UUID, _ session: SQLSession) async throws -> Agreement {
        let row = try await session.first(
            """
            SELECT reference, title, customer_organisation_id, provider_organisation_id, starts_on::text AS starts_on, ends_on::text AS ends_on,
                   contact_email, late_cancellations_count, no_shows_count, alert_thresholds
            FROM agreements WHERE id = \(id)
            """)!.makeRandomAccess()
        let (reference, title, customer, provider): (String, String, UUID, UUID) = (
            try row.value("reference"), try row.value("title"), try row.value("customer_organisation_id"), try row.value("provider_organisation_id"))
        let (starts, ends, contact): (String, String, String?) = (try row.value("starts_on"), try row.value("ends_on"), try row.value("contact_email"))
        let (late, noShows, thresholds): (Bool, Bool, [Int16]) = (
            try row.value("late_cancellations_count"), try row.value("no_shows_count"), try row.value("alert_thresholds"))
        var allowances: [UUID: [String: Int]] = [:]
        for row in try await session.rows(
            """
            SELECT a.terms_id, r.code, a.free_bookings_per_year FROM agreement_room_allowances a
            JOIN agreement_terms t ON t.id = a.terms_id JOIN rooms r ON r.id = a.room_id WHERE t.agreement_id = \(id)
            """)
        {
            let (termsId, room, count) = try row.decode((UUID, String, Int32).self)
            allowances[termsId, default: [:]][room] = Int(count)
        }
        let terms = try await session.rows(
            "SELECT id, effective_from::text, label, support_quota_hours FROM agreement_terms WHERE agreement_id = \(id) ORDER BY effective_from"
        ).map { row -> Agreement.Terms in
            let (termsId, from, label, hours) = try row.decode((UUID, String, String, Int32).self)
            return .init(id: termsId, effectiveFrom: try CalendarDate.reading(from, column: "effective_from"), label: label, supportQuotaHours: Int(hours), roomAllowances: allowances[termsId] ?? [:])
        }
        return Agreement(
            id: id, reference: reference, title: title, customerOrganisationId: customer, providerOrganisationId: provider,
            startsOn: try CalendarDate.reading(starts, column: "starts_on"), endsOn: try CalendarDate.reading(ends, column: "ends_on"), contactEmail: contact, lateCancellationsCount: late,
            noShowsCount: noShows, alertThresholds: thresholds.map(Int.init), terms: terms)
    }
}
