import Foundation

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
            guard let disabled = try await session.run(AccessStore.Owner(userId: userId)).first else {
                throw Problem.notFound("user")
            }
            if disabled {
                throw Problem.conflict("the user is disabled: no token can be created for them")
            }
            if let creator {
                // Held until commit, so a revocation of the creator cannot pass this creation unseen.
                if try await session.run(AccessStore.CreatorRevoked(id: creator.id)).first == true {
                    throw Problem(.authenticationRequired, "the token this request was made with has just been revoked")
                }
            }
            let (id, createdAt) = try await session.run(AccessStore.Issued(
                userId: userId, label: label, prefix: TokenSecret.prefix(secret), hash: TokenSecret.hash(secret), expiresAt: expiry,
                createdByTokenId: creator?.id))[0]
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
            try await session.run(AccessStore.Tokens(userId: userId))
        }
    }

    /// Revokes a token: one's own, or anyone's for an administrator. Others' tokens are "not found".
    /// The tokens it created are revoked with it, and theirs (a trigger of the database).
    public func revoke(_ tokenId: UUID, reason: String?, by actor: Actor) async throws -> ApiToken {
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "token.revoke") { session in
            guard let (owner, revoked) = try await session.run(AccessStore.Locked(id: tokenId)).first else { throw Problem.notFound("token") }
            guard actor.isUser(owner) || actor.role.allows(.manageOthersTokens) else { throw Problem.notFound("token") }
            guard !revoked else { throw Problem.conflict("this token is already revoked") }
            return try await session.run(AccessStore.Revoked(id: tokenId, reason: reason))[0]
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
        let presented = try await database.read { session in
            try await session.run(AccessStore.Presented(client: client, hash: TokenSecret.hash(secret)))[0]
        }
        if let wait = throttle.retryAfter(failures: presented.failures, now: presented.now) {
            throw throttle.heldBack(wait)
        }
        let (actor, touch): (Actor, Bool)
        do {
            (actor, touch) = try TokenRules.actor(presented, resolution: Self.lastUseResolution)
        } catch let problem as Problem where problem.kind == .authenticationRequired {
            try await throttle.recordFailure(client)
            throw problem
        }
        if touch, case .apiToken(let tokenId, _) = actor.credential {
            try await database.write(as: actor, action: "token.use") { session in
                _ = try await session.run(AccessStore.Used(id: tokenId))
            }
        }
        return actor
    }

    static func format(_ date: Date) -> String {
        ParisTime.format(date)
    }
}
