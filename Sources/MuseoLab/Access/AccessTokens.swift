import Foundation
import PostgresNIO

/// Personal API tokens: created with a label and an expiry, shown once, kept only as
/// a SHA-256 hash, revocable, with the time of last use.
public struct AccessTokens: Sendable {
    let database: Database

    /// Tokens without an explicit expiry last this long.
    public static let defaultLifetime: TimeInterval = 90 * 24 * 3600
    /// The longest lifetime a token may be given.
    public static let maximumLifetime: TimeInterval = 5 * 366 * 24 * 3600
    /// Last use is written at most this often per token, to keep requests read-only.
    static let lastUseResolution: TimeInterval = 60

    public init(database: Database) {
        self.database = database
    }

    /// Creates a token for `userId`: one's own, or anyone's for an administrator.
    public func create(for userId: UUID, label: String, expiresAt: Date?, by actor: Actor) async throws -> IssuedToken {
        guard actor.isUser(userId) || actor.role.allows(.manageOthersTokens) else {
            throw Problem.notFound("user")
        }
        let label = try Validate.text(label, field: "label", maxLength: 100)
        let now = Date()
        let expiry = expiresAt ?? now.addingTimeInterval(Self.defaultLifetime)
        guard expiry > now else { throw Problem.invalid("expiresAt", "must be in the future") }
        guard expiry <= now.addingTimeInterval(Self.maximumLifetime) else {
            throw Problem.invalid("expiresAt", "a token may last at most 5 years")
        }
        let secret = TokenSecret.generate()
        return try await database.write(as: actor, action: "token.create") { session in
            guard let owner = try await session.first("SELECT disabled_at FROM users WHERE id = \(userId)") else {
                throw Problem.notFound("user")
            }
            if try owner.decode(Date?.self) != nil {
                throw Problem.conflict("the user is disabled: no token can be created for them")
            }
            let row = try await session.first(
                """
                INSERT INTO api_tokens (user_id, label, prefix, token_hash, expires_at)
                VALUES (\(userId), \(label), \(TokenSecret.prefix(secret)), \(TokenSecret.hash(secret)), \(expiry))
                RETURNING id, created_at
                """)
            let (id, createdAt) = try row!.decode((UUID, Date).self)
            let token = ApiToken(
                id: id, userId: userId, label: label, prefix: TokenSecret.prefix(secret), createdAt: createdAt,
                expiresAt: expiry, revokedAt: nil, lastUsedAt: nil)
            return IssuedToken(token: token, secret: secret)
        }
    }

    public func list(for userId: UUID, by actor: Actor) async throws -> [ApiToken] {
        guard actor.isUser(userId) || actor.role.allows(.manageOthersTokens) else {
            throw Problem.notFound("user")
        }
        return try await database.read { session in
            try await session.rows(
                """
                SELECT id, user_id, label, prefix, created_at, expires_at, revoked_at, last_used_at
                FROM api_tokens WHERE user_id = \(userId) ORDER BY created_at, id
                """
            ).map(Self.token)
        }
    }

    /// Revokes a token: one's own, or anyone's for an administrator. Others' tokens are "not found".
    public func revoke(_ tokenId: UUID, reason: String?, by actor: Actor) async throws -> ApiToken {
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "token.revoke") { session in
            guard let row = try await session.first("SELECT user_id, revoked_at FROM api_tokens WHERE id = \(tokenId) FOR UPDATE")
            else { throw Problem.notFound("token") }
            let (owner, revokedAt) = try row.decode((UUID, Date?).self)
            guard actor.isUser(owner) || actor.role.allows(.manageOthersTokens) else { throw Problem.notFound("token") }
            guard revokedAt == nil else { throw Problem.conflict("this token is already revoked") }
            let updated = try await session.first(
                """
                UPDATE api_tokens SET revoked_at = now(), revoked_reason = \(reason) WHERE id = \(tokenId)
                RETURNING id, user_id, label, prefix, created_at, expires_at, revoked_at, last_used_at
                """)
            return try Self.token(updated!)
        }
    }

    /// Who presents this secret: refused with a reason when it is unknown, revoked, expired or its user disabled.
    public func authenticate(_ secret: String) async throws -> Actor {
        guard TokenSecret.isWellFormed(secret) else {
            throw Problem(.authenticationRequired, "the bearer token is not a MuséoLab token")
        }
        let hash = TokenSecret.hash(secret)
        let row = try await database.read { session in
            try await session.first(
                """
                SELECT t.id, t.revoked_at, t.expires_at, t.last_used_at, now(),
                       u.id, u.email, u.role, u.organisation_id, u.disabled_at
                FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(hash)
                """)
        }
        guard let row else { throw Problem(.authenticationRequired, "unknown token") }
        let (tokenId, revokedAt, expiresAt, lastUsedAt, now, userId, email, role, organisationId, disabledAt) =
            try row.decode((UUID, Date?, Date?, Date?, Date, UUID, String, String, UUID, Date?).self)
        if let revokedAt {
            throw Problem(.authenticationRequired, "this token was revoked on \(Self.format(revokedAt))")
        }
        if let expiresAt, expiresAt <= now {
            throw Problem(.authenticationRequired, "this token expired on \(Self.format(expiresAt))")
        }
        if disabledAt != nil {
            throw Problem(.authenticationRequired, "this account is disabled")
        }
        guard let role = Role(rawValue: role) else { throw Problem(.authenticationRequired, "unknown role") }
        let actor = Actor(userId: userId, organisationId: organisationId, role: role, label: "user:\(email)")
        if lastUsedAt.map({ now.timeIntervalSince($0) >= Self.lastUseResolution }) ?? true {
            // Only last_used_at changes: the audit trigger ignores such updates.
            try await database.write(as: actor, action: "token.use") { session in
                try await session.execute(
                    """
                    UPDATE api_tokens SET last_used_at = now()
                    WHERE id = \(tokenId) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                    """)
            }
        }
        return actor
    }

    static func token(_ row: PostgresRow) throws -> ApiToken {
        let (id, userId, label, prefix, createdAt, expiresAt, revokedAt, lastUsedAt) =
            try row.decode((UUID, UUID, String, String, Date, Date?, Date?, Date?).self)
        return ApiToken(
            id: id, userId: userId, label: label, prefix: prefix, createdAt: createdAt, expiresAt: expiresAt,
            revokedAt: revokedAt, lastUsedAt: lastUsedAt)
    }

    static func format(_ date: Date) -> String {
        ParisTime.format(date)
    }
}
