import Foundation

/// Signing in on the web pages: a single-use link sent by e-mail (through the outbox) opens a
/// session, which every later page authenticates; signing out ends one session, signing out
/// everywhere all of a person's sessions.
///
/// Requests for links are slowed down per address and per e-mail address, with the counts in
/// PostgreSQL (`AuthenticationThrottle`), so every server process holds back the same sender;
/// whether an account exists is never told.
public struct WebSignIn: Sendable {
    let database: Database
    let now: @Sendable () -> Date
    public let policy: SignInPolicy
    /// Link requests per address, and per e-mail address, within their windows.
    let perAddress: AuthenticationThrottle
    let perEmail: AuthenticationThrottle

    static let linkScheme = "mllink_"
    static let sessionScheme = "mlsess_"

    public init(
        database: Database, now: @escaping @Sendable () -> Date = Date.init, policy: SignInPolicy = SignInPolicy(),
        linksPerAddress: Int = 20, linksPerEmail: Int = 5, window: Duration = .seconds(900)
    ) {
        self.database = database
        self.now = now
        self.policy = policy
        perAddress = AuthenticationThrottle(database: database, limit: linksPerAddress, window: window)
        perEmail = AuthenticationThrottle(database: database, limit: linksPerEmail, window: window)
    }

    /// Sends a sign-in link to `email` when an active account has it, and answers the link so
    /// issued (`nil` when there is no such account: the front end says the same either way).
    /// - Parameters:
    ///   - client: the requesting address, for the throttle.
    ///   - link: the front end's address of the page that takes the link's secret.
    public func requestLink(email: String, from client: String, link: @Sendable (String) -> String) async throws -> IssuedSignInLink? {
        let email = try Validate.email(email, field: "email")
        let addressKey = "sign-in-address:\(client)"
        let emailKey = "sign-in-email:" + TokenSecret.hash(email.lowercased()).map { String(format: "%02x", $0) }.joined()
        for (throttle, key) in [(perAddress, addressKey), (perEmail, emailKey)] {
            if let wait = try await throttle.retryAfter(key) {
                throw Problem(.tooManyRequests, "too many sign-in links asked for: wait \(wait) s", field: "email", retryAfter: wait)
            }
        }
        // Every request counts, granted or not: the limit is on asking.
        try await perAddress.recordFailure(addressKey)
        try await perEmail.recordFailure(emailKey)

        let now = now()
        let secret = TokenSecret.generate(scheme: Self.linkScheme)
        let expiresAt = now.addingTimeInterval(policy.linkLifetime)
        let policy = policy
        return try await database.write(as: .system("sign-in"), action: "sign-in.link") { session in
            guard let account = try await session.run(SignInStore.AccountOfEmail(email: email)).first, !account.disabled else { return nil }
            let id = try await session.run(SignInStore.LinkIssued(
                hash: TokenSecret.hash(secret), userId: account.id, requestedAt: now, expiresAt: expiresAt))[0]
            let message = SignInLinkMessage(displayName: account.displayName, link: link(secret), lifetime: policy.linkLifetime)
            try await Outbox.enqueue(
                topic: "sign-in:\(id.uuidString.lowercased())", channel: .email, recipient: account.email,
                subject: message.subject, body: message.body, payload: #"{"event": "sign-in.link"}"#, session)
            return IssuedSignInLink(email: account.email, secret: secret, expiresAt: expiresAt)
        }
    }

    /// Opens a session with a link's secret, which is then used: a `SignInRefusal` says why not.
    public func redeem(_ secret: String) async throws -> OpenedWebSession {
        guard TokenSecret.isWellFormed(secret, scheme: Self.linkScheme) else { throw SignInRefusal(.unknown) }
        return try await open(method: .emailLink, action: "sign-in.redeem") { now, session in
            let link = try await session.run(SignInStore.PresentedLink(hash: TokenSecret.hash(secret))).first
            let userId = try SignInRules.redeem(link, now: now)
            _ = try await session.run(SignInStore.LinkUsed(id: link!.id, at: now))
            return userId
        }
    }

    /// Opens a session for someone the university's CAS server has authenticated: the account of
    /// the e-mail address CAS gives, or, when `createMembersOf` names an organisation, a new
    /// member of it on their first sign-in.
    /// - Parameters:
    ///   - user: the CAS user name, the display name when CAS gives none.
    public func signInByCAS(user: String, email: String?, displayName: String?, createMembersOf organisationId: UUID?) async throws -> OpenedWebSession {
        guard let email = email.flatMap({ try? Validate.email($0, field: "email") }) else { throw SignInRefusal(.noEmail) }
        let name = String((displayName ?? user).trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        return try await open(method: .cas, action: "sign-in.cas") { _, session in
            if let account = try await session.run(SignInStore.AccountOfEmail(email: email)).first {
                guard !account.disabled else { throw SignInRefusal(.accountDisabled) }
                return account.id
            }
            guard let organisationId else { throw SignInRefusal(.noAccount) }
            return try await session.run(PeopleStore.UserAdded(
                email: email, displayName: name.isEmpty ? email : name, organisationId: organisationId, componentId: nil, role: .member,
                organisationContact: false))[0]
        }
    }

    /// Opens a session for a user once `authenticate` has said who they are.
    func open(
        method: WebSession.Method, action: String, authenticate: @Sendable (Date, SQLSession) async throws -> UUID
    ) async throws -> OpenedWebSession {
        let now = now()
        let secret = TokenSecret.generate(scheme: Self.sessionScheme)
        let lifetime = policy.absoluteLifetime
        return try await database.write(as: .system("sign-in"), action: action) { session in
            let userId = try await authenticate(now, session)
            let opened = try await session.run(SignInStore.SessionStarted(
                hash: TokenSecret.hash(secret), userId: userId, method: method, at: now, expiresAt: now.addingTimeInterval(lifetime)))[0]
            return OpenedWebSession(secret: secret, session: opened)
        }
    }

    /// The actor a session's secret authenticates now, or a `SignInRefusal` saying why not.
    public func authenticate(_ secret: String) async throws -> Actor {
        guard TokenSecret.isWellFormed(secret, scheme: Self.sessionScheme) else { throw SignInRefusal(.unknown) }
        let now = now()
        let presented = try await database.read { try await $0.run(SignInStore.PresentedSession(hash: TokenSecret.hash(secret))).first }
        let (actor, markSeen) = try SignInRules.actor(presented, now: now, policy: policy)
        if markSeen, let id = presented?.session.id {
            try await database.write(as: actor, action: "sign-in.seen") { _ = try await $0.run(SignInStore.SessionSeen(id: id, at: now)) }
        }
        return actor
    }

    /// Ends the session of `secret` (signing out); nothing happens for one already ended.
    public func signOut(_ secret: String) async throws {
        guard TokenSecret.isWellFormed(secret, scheme: Self.sessionScheme) else { return }
        let now = now()
        try await database.write(as: .system("sign-in"), action: "sign-in.sign-out") { session in
            _ = try await session.run(SignInStore.SessionEnded(hash: TokenSecret.hash(secret), at: now))
        }
    }

    /// Ends every open session of the actor, on every server process; answers how many ended.
    @discardableResult
    public func signOutEverywhere(by actor: Actor) async throws -> Int {
        guard let userId = actor.userId else { throw Problem.forbidden("only a person signs out") }
        let now = now()
        return try await database.write(as: actor, action: "sign-in.sign-out-everywhere") { session in
            try await session.run(SignInStore.EverySessionEnded(userId: userId, at: now))[0]
        }
    }

    /// The actor's sessions that still authenticate (neither ended, idle nor expired), the latest first.
    public func openSessions(by actor: Actor) async throws -> [WebSession] {
        guard let userId = actor.userId else { return [] }
        let (now, policy) = (now(), policy)
        return try await database.read { try await $0.run(SignInStore.OpenSessions(userId: userId)) }
            .filter { SignInRules.stillOpen($0, now: now, policy: policy) }
    }
}
