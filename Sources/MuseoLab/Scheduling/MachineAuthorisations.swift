import Foundation

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

    /// Whether it lets its holder use `machine` on `date`: the machine itself, or its category.
    public func covers(_ machine: Machine, on date: CalendarDate) -> Bool {
        isValid(on: date) && (machineId == machine.id || (category != nil && category == machine.category))
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
            try await session.run(AuthorisationStore.Listed(userId: userId))
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
            guard try await session.exists(PeopleStore.UserExists(id: userId)) else {
                throw Problem.invalid("userId", "no user has the id \(userId)")
            }
            if let machineId, try await !session.exists(InventoryStore.MachineExists(id: machineId)) {
                throw Problem.invalid("machineId", "no machine has the id \(machineId)")
            }
            return try await session.run(AuthorisationStore.Granted(
                userId: userId, machineId: machineId, category: category, grantedOn: grantedOn, expiresOn: expiresOn, grantedBy: actor.label,
                note: note))[0]
        }
    }

    public func revoke(_ id: UUID, reason: String?, by actor: Actor) async throws -> MachineAuthorisation {
        try actor.require(.manageAuthorisations, "revoke machine authorisations")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "authorisation.revoke") { session in
            guard let revoked = try await session.run(AuthorisationStore.Revoked(id: id, revokedBy: actor.label, reason: reason)).first else {
                guard try await session.exists(AuthorisationStore.Exists(id: id)) else { throw Problem.notFound("authorisation") }
                throw Problem.conflict("this authorisation is already revoked")
            }
            return revoked
        }
    }
}
