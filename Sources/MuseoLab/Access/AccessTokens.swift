import Foundation
import PostgresNIO

/// Personal API tokens: created with a label and an expiry, shown once, kept only as
/// a SHA-256 hash, revocable, with the time of last use.
public struct AccessTokens: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    /// Tokens without an explicit expiry last this long.
    public static let defaultLifetime: TimeInterval = 90 * 24 * 3600
    /// The longest lifetime a token may be given.
    public static let maximumLifetime: TimeInterval = 5 * 366 * 24 * 3600
    /// Last use is written at most this often per token, to keep requests read-only.
    static let lastUseResolution: TimeInterval = 60

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// Creates a token for `userId`: one's own, or anyone's for an administrator.
    ///
    /// A token created by an actor who authenticated with a token expires no later than that
    /// token, and is revoked with it: a stolen token cannot mint one that outlives it.
    public func create(for userId: UUID, label: String, expiresAt: Date?, by actor: Actor) async throws -> IssuedToken {
        guard actor.isUser(userId) || actor.role.allows(.manageOthersTokens) else {
            throw Problem.notFound("user")
        }
        let label = try Validate.text(label, field: "label", maxLength: 100)
        let now = now()
        var creator: (id: UUID, expiresAt: Date?)?
        if case .apiToken(let id, let expiry) = actor.credential { creator = (id, expiry) }
        let latest = [now.addingTimeInterval(Self.maximumLifetime), creator?.expiresAt].compactMap { $0 }.min()!
        let expiry = expiresAt ?? min(now.addingTimeInterval(Self.defaultLifetime), latest)
        guard expiry > now else { throw Problem.invalid("expiresAt", "must be in the future") }
        guard expiry <= latest else {
            if let creatorExpiry = creator?.expiresAt, creatorExpiry < now.addingTimeInterval(Self.maximumLifetime) {
                throw Problem.invalid(
                    "expiresAt", "a token created with another token cannot outlive it: that one expires on \(Self.format(creatorExpiry))")
            }
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
            if let creator {
                // Held until commit, so a revocation of the creator cannot pass this creation unseen.
                let revoked = try await session.first("SELECT revoked_at FROM api_tokens WHERE id = \(creator.id) FOR SHARE")?.decode(Date?.self)
                if revoked != nil {
                    throw Problem(.authenticationRequired, "the token this request was made with has just been revoked")
                }
            }
            let row = try await session.first(
                """
                INSERT INTO api_tokens (user_id, label, prefix, token_hash, expires_at, created_by_token_id)
                VALUES (\(userId), \(label), \(TokenSecret.prefix(secret)), \(TokenSecret.hash(secret)), \(expiry), \(creator?.id))
                RETURNING id, created_at
                """)
            let (id, createdAt) = try row!.decode((UUID, Date).self)
            let token = ApiToken(
                id: id, userId: userId, label: label, prefix: TokenSecret.prefix(secret), createdAt: createdAt,
                expiresAt: expiry, revokedAt: nil, lastUsedAt: nil, createdByTokenId: creator?.id)
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
                SELECT \(unescaped: Self.columns) FROM api_tokens WHERE user_id = \(userId) ORDER BY created_at, id
                """
            ).map(Self.token)
        }
    }

    /// Revokes a token: one's own, or anyone's for an administrator. Others' tokens are "not found".
    /// The tokens it created are revoked with it, and theirs (a trigger of the database).
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
                RETURNING \(unescaped: Self.columns)
                """)
            return try Self.token(updated!)
        }
    }

    /// Who presents this secret, from `client` (an address): refused with a reason when it is
    /// unknown, revoked, expired or its user disabled, and every refusal counts against the client
    /// in `throttle`. A client already held back is refused before the secret is looked at.
    public func authenticate(_ secret: String, from client: String, throttle: AuthenticationThrottle) async throws -> Actor {
        guard TokenSecret.isWellFormed(secret) else {
            try await throttle.check(client)
            try await throttle.recordFailure(client)
            throw Problem(.authenticationRequired, "the bearer token is not a MuséoLab token")
        }
        // One statement reads both the client's failures and the token, whichever exists.
        let row = try await database.read { session in
            try await session.first(
                """
                SELECT f.failures, now() AS now, t.id AS token_id, t.revoked_at, t.expires_at, t.last_used_at,
                       u.id AS user_id, u.email, u.role, u.organisation_id, u.disabled_at
                FROM (SELECT 1) AS one
                LEFT JOIN authentication_failures f ON f.client = \(client)
                LEFT JOIN api_tokens t ON t.token_hash = \(TokenSecret.hash(secret))
                LEFT JOIN users u ON u.id = t.user_id
                """)
        }!.makeRandomAccess()
        let now: Date = try row.value("now")
        if let wait = throttle.retryAfter(failures: try row.value("failures"), now: now) {
            throw throttle.heldBack(wait)
        }
        do {
            return try await actor(row, now: now)
        } catch let problem as Problem where problem.kind == .authenticationRequired {
            try await throttle.recordFailure(client)
            throw problem
        }
    }

    private func actor(_ row: PostgresRandomAccessRow, now: Date) async throws -> Actor {
        guard let tokenId: UUID = try row.value("token_id"), let userId: UUID = try row.value("user_id") else {
            throw Problem(.authenticationRequired, "unknown token")
        }
        if let revokedAt: Date = try row.value("revoked_at") {
            throw Problem(.authenticationRequired, "this token was revoked on \(Self.format(revokedAt))")
        }
        let expiresAt: Date? = try row.value("expires_at")
        if let expiresAt, expiresAt <= now {
            throw Problem(.authenticationRequired, "this token expired on \(Self.format(expiresAt))")
        }
        if try row.value("disabled_at", as: Date?.self) != nil {
            throw Problem(.authenticationRequired, "this account is disabled")
        }
        let role = try row.value("role", as: Role.self)
        let email: String = try row.value("email")
        let actor = Actor(
            userId: userId, organisationId: try row.value("organisation_id"), role: role, label: "user:\(email)",
            credential: .apiToken(id: tokenId, expiresAt: expiresAt))
        let lastUsedAt: Date? = try row.value("last_used_at")
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

    static let columns = "id, user_id, label, prefix, created_at, expires_at, revoked_at, last_used_at, created_by_token_id"

    static func token(_ row: PostgresRow) throws -> ApiToken {
        let row = row.makeRandomAccess()
        return ApiToken(
            id: try row.value("id"), userId: try row.value("user_id"), label: try row.value("label"), prefix: try row.value("prefix"),
            createdAt: try row.value("created_at"), expiresAt: try row.value("expires_at"), revokedAt: try row.value("revoked_at"),
            lastUsedAt: try row.value("last_used_at"), createdByTokenId: try row.value("created_by_token_id"))
    }

    static func format(_ date: Date) -> String {
        ParisTime.format(date)
    }
}
