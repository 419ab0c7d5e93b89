import Foundation

/// The rules of signing in, over loaded values: whether a link still opens a session, and
/// whether a session still authenticates (and must be marked seen). No database.
enum SignInRules {
    struct Link: Sendable {
        var id: UUID
        var userId: UUID
        var expiresAt: Date
        var usedAt: Date?
        var accountDisabled: Bool
    }

    struct PresentedSession: Sendable {
        var session: WebSession
        var email: String
        var organisationId: UUID
        var role: Role
        var accountDisabled: Bool
    }

    /// The account a presented link signs in, or why it does not.
    static func redeem(_ link: Link?, now: Date) throws -> UUID {
        guard let link else { throw SignInRefusal(.unknown) }
        guard link.usedAt == nil else { throw SignInRefusal(.linkUsed) }
        guard now < link.expiresAt else { throw SignInRefusal(.linkExpired) }
        guard !link.accountDisabled else { throw SignInRefusal(.accountDisabled) }
        return link.userId
    }

    /// Why a session no longer authenticates, if it does not: ended, expired, or idle.
    static func refusal(_ session: WebSession, now: Date, policy: SignInPolicy) -> SignInRefusal? {
        if session.endedAt != nil { return SignInRefusal(.sessionEnded) }
        if now >= session.expiresAt { return SignInRefusal(.sessionExpired) }
        if now.timeIntervalSince(session.lastSeenAt) >= policy.idleTimeout { return SignInRefusal(.sessionIdle) }
        return nil
    }

    static func stillOpen(_ session: WebSession, now: Date, policy: SignInPolicy) -> Bool {
        refusal(session, now: now, policy: policy) == nil
    }

    /// The actor a presented session authenticates, whether to mark it seen now, or why it does not.
    static func actor(_ presented: PresentedSession?, now: Date, policy: SignInPolicy) throws -> (actor: Actor, markSeen: Bool) {
        guard let presented else { throw SignInRefusal(.unknown) }
        let session = presented.session
        if let refusal = refusal(session, now: now, policy: policy) { throw refusal }
        guard !presented.accountDisabled else { throw SignInRefusal(.accountDisabled) }
        let actor = Actor(
            userId: session.userId, organisationId: presented.organisationId, role: presented.role, label: "user:\(presented.email)",
            credential: .webSession(id: session.id))
        return (actor, now.timeIntervalSince(session.lastSeenAt) >= SignInPolicy.seenResolution)
    }
}
