import Foundation
import Testing
@testable import MuseoLab

/// Who a presented token makes the caller, over what was read of it, without a database.
@Suite struct TokenRulesTests {
    static let now = Date(timeIntervalSince1970: 1_796_115_600)  // 2026-12-01T09:00:00Z

    static func presented(
        revokedAt: Date? = nil, expiresAt: Date? = now.addingTimeInterval(3600), lastUsedAt: Date? = nil, disabledAt: Date? = nil
    ) -> TokenRules.Presented {
        TokenRules.Presented(failures: nil, now: now, token: .init(
            id: UUID(), revokedAt: revokedAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, userId: UUID(), email: "ana@univ-artois.fr",
            role: .member, organisationId: TestLab.university, disabledAt: disabledAt))
    }

    static func refusal(_ presented: TokenRules.Presented) -> String? {
        do {
            _ = try TokenRules.actor(presented, resolution: 60)
            return nil
        } catch let problem as Problem {
            return problem.kind == .authenticationRequired ? problem.detail : "\(problem.kind)"
        } catch {
            return "\(error)"
        }
    }

    @Test func aValidTokenNamesItsUserAndSaysWhenToWriteItsUse() throws {
        let fresh = try TokenRules.actor(Self.presented(), resolution: 60)
        #expect(fresh.actor.role == .member && fresh.actor.label == "user:ana@univ-artois.fr" && fresh.touch)
        #expect(try TokenRules.actor(Self.presented(lastUsedAt: Self.now.addingTimeInterval(-30)), resolution: 60).touch == false)
        #expect(try TokenRules.actor(Self.presented(lastUsedAt: Self.now.addingTimeInterval(-60)), resolution: 60).touch)
        #expect(try TokenRules.actor(Self.presented(expiresAt: nil), resolution: 60).actor.userId != nil)
    }

    @Test func refusalsSayWhy() {
        #expect(Self.refusal(TokenRules.Presented(failures: nil, now: Self.now, token: nil)) == "unknown token")
        #expect(Self.refusal(Self.presented(revokedAt: Self.now.addingTimeInterval(-60)))?.hasPrefix("this token was revoked on") == true)
        #expect(Self.refusal(Self.presented(expiresAt: Self.now))?.hasPrefix("this token expired on") == true, "expiring now is expired")
        #expect(Self.refusal(Self.presented(disabledAt: Self.now.addingTimeInterval(-1))) == "this account is disabled")
        // Revocation is said before expiry.
        #expect(Self.refusal(Self.presented(revokedAt: Self.now, expiresAt: Self.now.addingTimeInterval(-1)))?.hasPrefix("this token was revoked") == true)
    }
}
