import Foundation
import Testing
@testable import MuseoLab

/// Bearer tokens over HTTP: missing, wrong, revoked, expired, of a disabled user.
@Suite struct TokenTests {
    @Test func missingOrMalformedAuthorisationIs401() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let missing = try await http.get("/v1/machines")
            #expect(missing.isProblem(401, type: "authentication-required"))
            #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let basic = try await http.send("GET", "/v1/machines", headers: ["Authorization": "Basic YWRtaW46YWRtaW4="])
            #expect(basic.isProblem(401))
            let garbage = try await http.get("/v1/machines", token: "not-a-token")
            #expect(garbage.isProblem(401))
        }
    }

    @Test func anUnknownTokenIs401() async throws {
        try await TestLab.withServer { t, server in
            let forged = "mlab_" + String(repeating: "A", count: 43)
            let answer = try await HTTPClient(server).get("/v1/me", token: forged)
            #expect(answer.isProblem(401))
            #expect(answer.json["detail"] as? String == "unknown token")
        }
    }

    @Test func aValidTokenIdentifiesItsUserAndRecordsItsUse() async throws {
        try await TestLab.withServer { t, server in
            let me = try await HTTPClient(server).get("/v1/me", token: t.people.member.token)
            #expect(me.status == 200)
            #expect(me.json["email"] as? String == "ana@univ-artois.fr")
            #expect(me.json["role"] as? String == "member")
            let tokens = try await t.lab.tokens.list(for: t.people.member.user.id, by: t.people.member.actor)
            #expect(tokens.count == 1)
            #expect(tokens[0].lastUsedAt != nil)
        }
    }

    @Test func aRevokedTokenStopsWorkingAtOnce() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let created = try await http.send(
                "POST", "/v1/users/\(t.people.member.user.id.text)/tokens", token: t.people.member.token, json: ["label": "laptop"])
            #expect(created.status == 201)
            let secret = try #require((created.json["secret"] as? String))
            let tokenId = try #require((created.json["token"] as? [String: Any])?["id"] as? String)
            #expect(try await http.get("/v1/me", token: secret).status == 200)

            let revoked = try await http.send("POST", "/v1/tokens/\(tokenId)/revoke", token: t.people.member.token, json: ["reason": "lost laptop"])
            #expect(revoked.status == 200)
            #expect(revoked.json["revokedAt"] is String)
            let after = try await http.get("/v1/me", token: secret)
            #expect(after.isProblem(401))
            #expect((after.json["detail"] as? String)?.contains("revoked") == true)
            // Revoking twice is a conflict, not a silent success.
            #expect(try await http.send("POST", "/v1/tokens/\(tokenId)/revoke", token: t.people.member.token).isProblem(409))
        }
    }

    @Test func anExpiredTokenIs401() async throws {
        try await TestLab.withServer { t, server in
            let issued = try await t.lab.tokens.create(
                for: t.people.member.user.id, label: "short", expiresAt: Date().addingTimeInterval(3600), by: t.people.member.actor)
            let http = HTTPClient(server)
            #expect(try await http.get("/v1/me", token: issued.secret).status == 200)
            // Its hour passes (moved in the database: a sleep would race a busy machine).
            try await t.lab.database.write(as: .system("tests"), action: "tests.expire") { session in
                try await session.execute("UPDATE api_tokens SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = \(issued.token.id)")
            }
            let expired = try await http.get("/v1/me", token: issued.secret)
            #expect(expired.isProblem(401))
            #expect((expired.json["detail"] as? String)?.contains("expired") == true)
        }
    }

    @Test func aDisabledUsersTokensStopWorking() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let disabled = try await http.send(
                "POST", "/v1/users/\(t.people.otherMember.user.id.text)/disable", token: t.people.admin.token, json: ["reason": "left"])
            #expect(disabled.status == 200)
            #expect(disabled.json["disabledAt"] is String)
            #expect(try await http.get("/v1/me", token: t.people.otherMember.token).isProblem(401))
        }
    }

    @Test func onlyTheHashIsStored() async throws {
        try await TestLab.with { t in
            let secret = t.people.member.token
            #expect(secret.hasPrefix("mlab_") && secret.count == 48)
            let stored = try await t.lab.database.read { session in
                try await session.rows("SELECT encode(token_hash, 'hex'), prefix FROM api_tokens").map { try $0.decode((String, String).self) }
            }
            #expect(!stored.contains { $0.0.contains(secret) || secret.contains($0.0) })
            let hash = TokenSecret.hash(secret).map { String(format: "%02x", $0) }.joined()
            #expect(stored.contains { $0.0 == hash })
            #expect(stored.contains { $0.1 == String(secret.prefix(12)) })
            // Nor does the audit log keep the hash.
            #expect(try await t.count("SELECT count(*) FROM audit_log WHERE after ? 'token_hash' OR before ? 'token_hash'") == 0)
        }
    }

    @Test func membersCannotTouchOthersTokens() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let others = "/v1/users/\(t.people.otherMember.user.id.text)/tokens"
            #expect(try await http.get(others, token: t.people.member.token).isProblem(404))
            #expect(try await http.send("POST", others, token: t.people.member.token, json: ["label": "x"]).isProblem(404))
            let theirs = try await t.lab.tokens.list(for: t.people.otherMember.user.id, by: t.people.otherMember.actor)[0]
            #expect(try await http.send("POST", "/v1/tokens/\(theirs.id.text)/revoke", token: t.people.member.token).isProblem(404))
            // An admin may.
            #expect(try await http.get(others, token: t.people.admin.token).status == 200)
        }
    }

    @Test func tokenExpiryMustBeSensible() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let path = "/v1/users/\(t.people.member.user.id.text)/tokens"
            let past = try await http.send("POST", path, token: t.people.member.token, json: ["label": "old", "expiresAt": "2020-01-01T00:00:00Z"])
            #expect(past.isProblem(422))
            #expect(past.json["field"] as? String == "expiresAt")
            let far = try await http.send("POST", path, token: t.people.member.token, json: ["label": "far", "expiresAt": "2099-01-01T00:00:00Z"])
            #expect(far.isProblem(422))
            let notADate = try await http.send("POST", path, token: t.people.member.token, json: ["label": "x", "expiresAt": "tomorrow"])
            #expect(notADate.isProblem(422))
            #expect(notADate.json["field"] as? String == "expiresAt")
        }
    }
}

/// A token cannot mint tokens that outlive it: a stolen one is over when it expires or is revoked.
@Suite struct TokenLineageTests {
    @Test func aTokenCreatedWithATokenExpiresNoLaterThanIt() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let path = "/v1/users/\(t.people.member.user.id.text)/tokens"
            // A short-lived token of the member's, made elsewhere (the CLI, a signed-in session).
            let parent = try await t.lab.tokens.create(
                for: t.people.member.user.id, label: "a day", expiresAt: Date().addingTimeInterval(24 * 3600), by: t.people.member.actor)
            let parentExpiry = try #require(parent.token.expiresAt)

            // By default a child lasts 90 days, but never beyond its creator.
            let child = try await http.send("POST", path, token: parent.secret, json: ["label": "child"])
            #expect(child.status == 201, "\(child.text)")
            let childToken = try #require(child.json["token"] as? [String: Any])
            let childExpiry = try #require((childToken["expiresAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(abs(childExpiry.timeIntervalSince(parentExpiry)) < 1, "the child expires with its creator")
            #expect(childToken["createdByTokenId"] as? String == parent.token.id.text)

            // Asking for longer is refused, naming the field and the limit.
            let longer = try await http.send(
                "POST", path, token: parent.secret, json: ["label": "forever", "expiresAt": Days.iso(Date().addingTimeInterval(30 * 24 * 3600))])
            #expect(longer.isProblem(422))
            #expect(longer.json["field"] as? String == "expiresAt")
            #expect((longer.json["detail"] as? String)?.contains("cannot outlive it") == true, "\(longer.text)")

            // Outside a token (the CLI), five years are still possible.
            let cli = try await t.lab.tokens.create(
                for: t.people.member.user.id, label: "long", expiresAt: Date().addingTimeInterval(4 * 365 * 24 * 3600), by: .commandLine("tests"))
            #expect(cli.token.createdByTokenId == nil)

            // The database holds it too: a child row beyond its creator is refused.
            let refused = await #expect(throws: Problem.self) {
                try await t.rawSQL(
                    """
                    INSERT INTO api_tokens (user_id, label, prefix, token_hash, expires_at, created_by_token_id)
                    VALUES ('\(t.people.member.user.id.text)', 'forged', 'mlab_forged0', sha256('forged'), now() + interval '30 days', '\(parent.token.id.text)')
                    """)
            }
            #expect(refused?.field == "expiresAt")
        }
    }

    @Test func revokingATokenRevokesTheTokensItCreated() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let path = "/v1/users/\(t.people.member.user.id.text)/tokens"
            let parent = try await t.lab.tokens.create(for: t.people.member.user.id, label: "parent", expiresAt: nil, by: t.people.member.actor)
            let child = try #require(try await http.send("POST", path, token: parent.secret, json: ["label": "child"]).json["secret"] as? String)
            let grandchild = try #require(try await http.send("POST", path, token: child, json: ["label": "grandchild"]).json["secret"] as? String)
            let unrelated = try #require(try await http.send("POST", path, token: t.people.member.token, json: ["label": "other"]).json["secret"] as? String)
            for secret in [child, grandchild, unrelated] { #expect(try await http.get("/v1/me", token: secret).status == 200) }

            let revoked = try await http.send("POST", "/v1/tokens/\(parent.token.id.text)/revoke", token: t.people.member.token, json: ["reason": "stolen"])
            #expect(revoked.status == 200)
            for secret in [parent.secret, child, grandchild] {
                let answer = try await http.get("/v1/me", token: secret)
                #expect(answer.isProblem(401) && (answer.json["detail"] as? String)?.contains("revoked") == true, "\(answer.text)")
            }
            #expect(try await http.get("/v1/me", token: unrelated).status == 200, "tokens it did not create keep working")
            let reasons = try await t.lab.tokens.list(for: t.people.member.user.id, by: t.people.member.actor)
                .filter { $0.revokedAt != nil }.count
            #expect(reasons == 3)
        }
    }
}
