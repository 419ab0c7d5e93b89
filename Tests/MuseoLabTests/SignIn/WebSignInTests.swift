import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Signing in on the web pages against the real database: links used once, sessions that end
/// by idleness, by age, by signing out, and everywhere at once.
@Suite struct WebSignInTests {
    /// A clock the test moves.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        // A whole second: advancing it adds exactly, and PostgreSQL's microseconds keep it as it is.
        // (From an arbitrary instant, sixteen advances of 90 minutes could fall a rounding short of
        // the day a session's expiry was computed as, and the session would not yet be expired.)
        private var current = Date(timeIntervalSinceReferenceDate: Date().timeIntervalSinceReferenceDate.rounded(.down))
        var now: Date { lock.withLock { current } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }

    static func link(_ secret: String) -> String { "https://museolab.test/lien?jeton=\(secret)" }

    static func refusal(_ body: () async throws -> Void) async -> SignInRefusal.Reason? {
        do {
            try await body()
            return nil
        } catch let refusal as SignInRefusal {
            return refusal.reason
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aLinkSentByEmailOpensOneSessionOnce() async throws {
        try await TestLab.with { t in
            let signIn = t.lab.signIn
            let member = t.people.member.user
            let issued = try #require(try await signIn.requestLink(email: "  ANA@univ-artois.fr ", from: "192.0.2.1", link: Self.link))
            #expect(issued.email == member.email)
            #expect(issued.secret.hasPrefix("mllink_"))

            // The e-mail waits in the outbox; staff watching the outbox never see its link.
            let stored = try await t.lab.database.read { session in
                try await session.run(OutboxStore.Messages(topic: nil))
            }
            let mail = try #require(stored.first { $0.topic.hasPrefix("sign-in:") })
            #expect(mail.recipient == member.email && mail.channel == .email)
            #expect(mail.body == Outbox.withheld)
            let raw = try await t.lab.database.read { session in
                try await session.first("SELECT body FROM outbox_messages WHERE topic LIKE 'sign-in:%'")!.decode(String.self)
            }
            #expect(raw.contains(Self.link(issued.secret)))
            #expect(raw.contains("Bonjour ana,") && raw.contains("dans les 15 minutes"))
            #expect(try await t.count("SELECT count(*) FROM sign_in_links WHERE token_hash = sha256(convert_to('\(unescaped: issued.secret)', 'UTF8'))") == 1)

            let opened = try await signIn.redeem(issued.secret)
            #expect(opened.secret.hasPrefix("mlsess_") && opened.session.userId == member.id && opened.session.method == .emailLink)
            let actor = try await signIn.authenticate(opened.secret)
            #expect(actor.userId == member.id && actor.role == .member && actor.credential == .webSession(id: opened.session.id))

            #expect(await Self.refusal { _ = try await signIn.redeem(issued.secret) } == .linkUsed)
            #expect(await Self.refusal { _ = try await signIn.redeem("mllink_" + String(repeating: "A", count: 43)) } == .unknown)
            #expect(await Self.refusal { _ = try await signIn.redeem("not a link") } == .unknown)
            // No secret is stored as it is.
            #expect(try await t.count("SELECT count(*) FROM audit_log WHERE after::text LIKE '%mllink_%' OR after::text LIKE '%mlsess_%'") == 0)
        }
    }

    @Test func anUnknownOrDisabledAddressGetsNoLinkAndIsNotTold() async throws {
        try await TestLab.with { t in
            #expect(try await t.lab.signIn.requestLink(email: "nobody@univ-artois.fr", from: "192.0.2.1", link: Self.link) == nil)
            _ = try await t.lab.users.disable(t.people.otherMember.user.id, reason: "parti", by: t.people.admin.actor)
            #expect(try await t.lab.signIn.requestLink(email: t.people.otherMember.user.email, from: "192.0.2.1", link: Self.link) == nil)
            #expect(try await t.count("SELECT count(*) FROM outbox_messages WHERE topic LIKE 'sign-in:%'") == 0)
            let refused = await #expect(throws: Problem.self) {
                _ = try await t.lab.signIn.requestLink(email: "pas une adresse", from: "192.0.2.1", link: Self.link)
            }
            #expect(refused?.field == "email")
        }
    }

    @Test func aLinkExpiresAfterFifteenMinutesAndAnAccountDisabledMeanwhileIsRefused() async throws {
        try await TestLab.with { t in
            let clock = Clock()
            let signIn = WebSignIn(database: t.lab.database, now: { clock.now })
            let late = try #require(try await signIn.requestLink(email: t.people.member.user.email, from: "192.0.2.1", link: Self.link))
            let disabled = try #require(try await signIn.requestLink(email: t.people.otherMember.user.email, from: "192.0.2.1", link: Self.link))
            _ = try await t.lab.users.disable(t.people.otherMember.user.id, reason: "parti", by: t.people.admin.actor)
            #expect(await Self.refusal { _ = try await signIn.redeem(disabled.secret) } == .accountDisabled)
            clock.advance(15 * 60 + 1)
            #expect(await Self.refusal { _ = try await signIn.redeem(late.secret) } == .linkExpired)
        }
    }

    @Test func aSessionEndsWhenIdleWhenTooOldAndWhenSignedOut() async throws {
        try await TestLab.with { t in
            let clock = Clock()
            let signIn = WebSignIn(database: t.lab.database, now: { clock.now })
            func open() async throws -> OpenedWebSession {
                let link = try #require(try await signIn.requestLink(email: t.people.member.user.email, from: "192.0.2.7", link: Self.link))
                return try await signIn.redeem(link.secret)
            }
            // Idle: unused for more than two hours.
            let idle = try await open()
            clock.advance(2 * 3600 + 1)
            #expect(await Self.refusal { _ = try await signIn.authenticate(idle.secret) } == .sessionIdle)

            // Used every ninety minutes, it lives until its absolute expiry, a day after it started.
            let active = try await open()
            for _ in 0..<15 {
                clock.advance(90 * 60)
                _ = try await signIn.authenticate(active.secret)
            }
            clock.advance(90 * 60)
            #expect(await Self.refusal { _ = try await signIn.authenticate(active.secret) } == .sessionExpired)

            // Signed out: that session only; signed out everywhere: all of them.
            let phone = try await open()
            let laptop = try await open()
            try await signIn.signOut(phone.secret)
            #expect(await Self.refusal { _ = try await signIn.authenticate(phone.secret) } == .sessionEnded)
            let actor = try await signIn.authenticate(laptop.secret)
            let another = try await open()
            #expect(try await signIn.openSessions(by: actor).count == 2, "laptop and another; the idle, expired and signed-out ones no longer count")
            #expect(try await signIn.signOutEverywhere(by: actor) == 4, "every session not yet ended is ended: idle, expired, laptop, another")
            #expect(await Self.refusal { _ = try await signIn.authenticate(laptop.secret) } == .sessionEnded)
            #expect(await Self.refusal { _ = try await signIn.authenticate(another.secret) } == .sessionEnded)
            #expect(try await signIn.openSessions(by: actor).isEmpty)
        }
    }

    @Test func linkRequestsAreSlowedDownPerEmailAndPerAddress() async throws {
        try await TestLab.with { t in
            let signIn = WebSignIn(database: t.lab.database, linksPerAddress: 3, linksPerEmail: 2)
            for _ in 0..<2 { _ = try await signIn.requestLink(email: t.people.member.user.email, from: "192.0.2.10", link: Self.link) }
            let perEmail = await #expect(throws: Problem.self) {
                _ = try await signIn.requestLink(email: t.people.member.user.email, from: "192.0.2.11", link: Self.link)
            }
            #expect(perEmail?.kind == .tooManyRequests && (perEmail?.retryAfter ?? 0) > 0)
            _ = try await signIn.requestLink(email: "nobody@univ-artois.fr", from: "192.0.2.10", link: Self.link)
            let perAddress = await #expect(throws: Problem.self) {
                _ = try await signIn.requestLink(email: t.people.otherMember.user.email, from: "192.0.2.10", link: Self.link)
            }
            #expect(perAddress?.kind == .tooManyRequests)
            // The e-mail address is not kept in clear in the throttle's bookkeeping.
            #expect(try await t.count("SELECT count(*) FROM authentication_failures WHERE client LIKE '%@%'") == 0)
        }
    }

    @Test func theDatabaseKeepsLinksUsedOnceAndSessionsUndeleted() async throws {
        try await TestLab.with { t in
            let link = try #require(try await t.lab.signIn.requestLink(email: t.people.member.user.email, from: "192.0.2.1", link: Self.link))
            _ = try await t.lab.signIn.redeem(link.secret)
            for statement in [
                "UPDATE sign_in_links SET used_at = NULL",
                "UPDATE sign_in_links SET expires_at = expires_at + interval '1 minute'",
                "DELETE FROM sign_in_links",
                "DELETE FROM web_sessions",
            ] {
                let refusal = await #expect(throws: Problem.self, "\(statement)") { try await t.rawSQL(statement) }
                #expect(refusal?.detail.contains("never deleted") == true || refusal?.detail.contains("only change by being marked") == true,
                        "\(statement): \(String(describing: refusal))")
            }
        }
    }
}

/// The same rules without a database.
@Suite struct SignInRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aLinkOpensASessionOnceBeforeItExpires() throws {
        let link = SignInRules.Link(id: UUID(), userId: UUID(), expiresAt: Self.now.addingTimeInterval(60), usedAt: nil, accountDisabled: false)
        #expect(try SignInRules.redeem(link, now: Self.now) == link.userId)
        func reason(_ link: SignInRules.Link?, at now: Date = Self.now) -> SignInRefusal.Reason? {
            do { _ = try SignInRules.redeem(link, now: now); return nil } catch { return (error as? SignInRefusal)?.reason }
        }
        #expect(reason(nil) == .unknown)
        var used = link
        used.usedAt = Self.now
        #expect(reason(used) == .linkUsed)
        #expect(reason(link, at: link.expiresAt) == .linkExpired)
        var disabled = link
        disabled.accountDisabled = true
        #expect(reason(disabled) == .accountDisabled)
    }

    @Test func aSessionAuthenticatesUntilIdleOrExpiredAndIsMarkedSeenAtMostEveryMinute() throws {
        let policy = SignInPolicy()
        let session = WebSession(
            id: UUID(), userId: UUID(), method: .emailLink, startedAt: Self.now, lastSeenAt: Self.now,
            expiresAt: Self.now.addingTimeInterval(policy.absoluteLifetime), endedAt: nil)
        let presented = SignInRules.PresentedSession(
            session: session, email: "ana@univ-artois.fr", organisationId: UUID(), role: .member, accountDisabled: false)
        func reason(_ presented: SignInRules.PresentedSession?, at now: Date) -> SignInRefusal.Reason? {
            do { _ = try SignInRules.actor(presented, now: now, policy: policy); return nil } catch { return (error as? SignInRefusal)?.reason }
        }
        let soon = try SignInRules.actor(presented, now: Self.now.addingTimeInterval(30), policy: policy)
        #expect(soon.actor.label == "user:ana@univ-artois.fr" && !soon.markSeen)
        #expect(try SignInRules.actor(presented, now: Self.now.addingTimeInterval(61), policy: policy).markSeen)
        #expect(reason(presented, at: Self.now.addingTimeInterval(policy.idleTimeout)) == .sessionIdle)
        var seenLate = presented
        seenLate.session.lastSeenAt = session.expiresAt.addingTimeInterval(-10)
        #expect(reason(seenLate, at: session.expiresAt) == .sessionExpired)
        var ended = presented
        ended.session.endedAt = Self.now
        #expect(reason(ended, at: Self.now) == .sessionEnded)
        var disabled = presented
        disabled.accountDisabled = true
        #expect(reason(disabled, at: Self.now) == .accountDisabled)
        #expect(reason(nil, at: Self.now) == .unknown)
    }
}
