import Foundation

/// Who a presented token makes the caller, over what was read of it: refused with a reason when
/// it is unknown, revoked, expired or its user disabled.
enum TokenRules {
    struct Presented: Sendable {
        struct Token: Sendable {
            var id: UUID
            var revokedAt: Date?
            var expiresAt: Date?
            var lastUsedAt: Date?
            var userId: UUID
            var email: String
            var role: Role
            var organisationId: UUID
            var disabledAt: Date?
        }

        /// The client's recent failed authentications.
        var failures: [Date]?
        /// The database's clock, which the failures and the token's dates were written by.
        var now: Date
        /// The token of that secret and its user, if any.
        var token: Token?
    }

    /// The actor, and whether the token's last use is to be written (at most once per `resolution`).
    static func actor(_ presented: Presented, resolution: TimeInterval) throws -> (actor: Actor, touch: Bool) {
        guard let token = presented.token else { throw Problem(.authenticationRequired, "unknown token") }
        if let revokedAt = token.revokedAt {
            throw Problem(.authenticationRequired, "this token was revoked on \(ParisTime.format(revokedAt))")
        }
        if let expiresAt = token.expiresAt, expiresAt <= presented.now {
            throw Problem(.authenticationRequired, "this token expired on \(ParisTime.format(expiresAt))")
        }
        guard token.disabledAt == nil else { throw Problem(.authenticationRequired, "this account is disabled") }
        let actor = Actor(
            userId: token.userId, organisationId: token.organisationId, role: token.role, label: "user:\(token.email)",
            credential: .apiToken(id: token.id, expiresAt: token.expiresAt))
        return (actor, token.lastUsedAt.map { presented.now.timeIntervalSince($0) >= resolution } ?? true)
    }
}
