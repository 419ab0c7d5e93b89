import Foundation
import PostgresNIO

/// A user's authorisation (training) to use a machine, or every machine of a category.
public struct MachineAuthorisation: Sendable, Equatable, Codable {
    public var id: UUID
    public var userId: UUID
    public var machineId: UUID?
    public var category: String?
    public var grantedOn: CalendarDate
    public var expiresOn: CalendarDate?
    public var grantedBy: String
    public var note: String?
    public var revokedAt: Date?
    public var revocationReason: String?

    public func isValid(on date: CalendarDate) -> Bool {
        revokedAt == nil && grantedOn <= date && (expiresOn.map { date <= $0 } ?? true)
    }
}

/// Granting and revoking authorisations; managers decide, members see their own.
public struct MachineAuthorisations: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func list(userId: UUID?, by actor: Actor) async throws -> [MachineAuthorisation] {
        let userId = actor.role.allows(.manageAuthorisations) ? userId : actor.userId
        return try await database.read { session in
            try await session.rows(
                """
                SELECT id, user_id, machine_id, category, granted_on::text AS granted_on, expires_on::text AS expires_on, granted_by, note, revoked_at, revocation_reason
                FROM machine_authorisations WHERE \(userId)::uuid IS NULL OR user_id = \(userId)
                ORDER BY created_at, id
                """
            ).map(Self.authorisation)
        }
    }

    /// Grants an authorisation for one machine or a category, from a date, with an optional expiry.
    public func grant(
        to userId: UUID, machineId: UUID?, category: String?, grantedOn: CalendarDate?, expiresOn: CalendarDate?, note: String?,
        by actor: Actor
    ) async throws -> MachineAuthorisation {
        try actor.require(.manageAuthorisations, "grant machine authorisations")
        guard (machineId == nil) != (category == nil) else {
            throw Problem.invalid("machineId", "give either a machine or a category, not both nor neither")
        }
        let category = try category.map { try Validate.slug($0, field: "category") }
        let grantedOn = grantedOn ?? ParisClock.date(of: now())
        if let expiresOn, expiresOn < grantedOn {
            throw Problem(.endNotAfterStart, "an authorisation expires on or after the day it is granted", field: "expiresOn")
        }
        let note = try Validate.optionalText(note, field: "note", maxLength: 500)
        return try await database.write(as: actor, action: "authorisation.grant") { session in
            guard try await session.first("SELECT 1 FROM users WHERE id = \(userId)") != nil else {
                throw Problem.invalid("userId", "no user has the id \(userId)")
            }
            if let machineId, try await session.first("SELECT 1 FROM machines WHERE id = \(machineId)") == nil {
                throw Problem.invalid("machineId", "no machine has the id \(machineId)")
            }
            let row = try await session.first(
                """
                INSERT INTO machine_authorisations (user_id, machine_id, category, granted_on, expires_on, granted_by, note)
                VALUES (\(userId), \(machineId), \(category), \(grantedOn.description)::date, \(expiresOn?.description)::date,
                        \(actor.label), \(note))
                RETURNING id, user_id, machine_id, category, granted_on::text AS granted_on, expires_on::text AS expires_on, granted_by, note, revoked_at, revocation_reason
                """)
            return try Self.authorisation(row!)
        }
    }

    public func revoke(_ id: UUID, reason: String?, by actor: Actor) async throws -> MachineAuthorisation {
        try actor.require(.manageAuthorisations, "revoke machine authorisations")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "authorisation.revoke") { session in
            let row = try await session.first(
                """
                UPDATE machine_authorisations SET revoked_at = now(), revoked_by = \(actor.label), revocation_reason = \(reason)
                WHERE id = \(id) AND revoked_at IS NULL
                RETURNING id, user_id, machine_id, category, granted_on::text AS granted_on, expires_on::text AS expires_on, granted_by, note, revoked_at, revocation_reason
                """)
            guard let row else {
                guard try await session.first("SELECT 1 FROM machine_authorisations WHERE id = \(id)") != nil else {
                    throw Problem.notFound("authorisation")
                }
                throw Problem.conflict("this authorisation is already revoked")
            }
            return try Self.authorisation(row)
        }
    }

    static func authorisation(_ row: PostgresRow) throws -> MachineAuthorisation {
        let r = row.makeRandomAccess()
        return MachineAuthorisation(
            id: try r.value("id"), userId: try r.value("user_id"), machineId: try r.value("machine_id"), category: try r.value("category"),
            grantedOn: try r.date("granted_on"), expiresOn: try r.value("expires_on", as: String?.self).flatMap(CalendarDate.init),
            grantedBy: try r.value("granted_by"), note: try r.value("note"), revokedAt: try r.value("revoked_at"),
            revocationReason: try r.value("revocation_reason"))
    }
}
