import Foundation
import Testing
@testable import MuseoLab

/// Tokens, cookies, sign-in links, CAS tickets and feed secrets never reach a log, even when a
/// request carrying them fails in a way nobody planned for.
@Suite struct SecretsInLogsTests {
    /// A secret of the service's own shape, for a kind that has no issuer yet (sign-in links,
    /// session cookies, CSRF tokens follow the convention `SecretRedaction` recognises).
    static func secret(_ kind: String) -> String {
        "ml\(kind)_" + String((0..<43).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".randomElement()! })
    }

    @Test func aFailedRequestLogsNoneOfTheSecretsItCarried() async throws {
        try await TestLab.with { t in
            let feed = try await t.lab.calendarFeeds.create(for: t.people.member.user.id, by: t.people.member.actor)
            let link = Self.secret("link"), session = Self.secret("sess"), csrf = Self.secret("csrf")
            let ticket = "ST-1-" + UUID().uuidString.replacingOccurrences(of: "-", with: "") + "-cas-univ-artois-fr"
            let token = t.people.member.token
            let server = try ServerProcess(databaseURL: t.databaseURL, environment: ["LOG_LEVEL": "trace"])
            let http = HTTPClient(base: "http://127.0.0.1:\(try await server.port())")

            // A bug nobody planned for: the service's role lost a right it needs (an operator's slip).
            try await t.rawSQL("REVOKE SELECT ON machines FROM museolab_app")
            let failed = try await http.send(
                "GET", "/v1/machines?ticket=\(ticket)&link=\(link)", token: token,
                headers: [
                    "Cookie": "museolab_session=\(session); theme=sombre", "X-CSRF-Token": csrf,
                    "Referer": "http://127.0.0.1/connexion/lien/\(link)",
                ])
            #expect(failed.isProblem(500, type: "internal-error"), "\(failed.status) \(failed.text)")
            #expect(!failed.text.contains(token) && !failed.text.contains("permission denied"), "the answer tells nothing either")
            // The private feed's secret is in its path.
            #expect(try await HTTPClient(base: http.base).get("/calendar/feeds/\(feed).ics").status == 200)
            // A wrong token, logged as a failure.
            let forged = "mlab_" + String(repeating: "Z", count: 43)
            #expect(try await http.get("/v1/me", token: forged).isProblem(401))
            #expect(try await server.stop(SIGTERM) == 0)

            let log = server.logged + server.printed
            #expect(log.contains("\"message\":\"unexpected error\"") && log.contains("\"operation\":\"listMachines\""), "the failure is logged:\n\(log.suffix(3000))")
            #expect(log.contains("/calendar/feeds/mlcal_…"), "the feed request is logged, its secret cut")
            for (what, secret) in [
                ("API token", token), ("forged token", forged), ("session cookie", session), ("sign-in link", link),
                ("CSRF token", csrf), ("CAS ticket", ticket), ("feed secret", feed),
                ("token suffix", String(token.dropFirst(12))), ("feed suffix", String(feed.dropFirst(12))),
            ] {
                #expect(!log.contains(secret), "the log holds the \(what)")
            }
        }
    }

    @Test func redactionKeepsOrdinaryTextAndCutsSecrets() {
        let token = Self.secret("ab"), feed = Self.secret("cal")
        let cases: [(String, String)] = [
            ("GET /v1/sessions/6f0b8d2e-0003-4000-8000-000000000001 200", "GET /v1/sessions/6f0b8d2e-0003-4000-8000-000000000001 200"),
            ("authorization: Bearer \(token)\ncookie: a=1; b=2\nhost: x", "authorization: …\ncookie: …\nhost: x"),
            ("headerFields: [Authorization: Bearer \(token), Accept: */*]", "headerFields: [Authorization: …]"),
            ("/calendar/feeds/\(feed).ics", "/calendar/feeds/mlcal_….ics"),
            ("token \(token) expired", "token mlab_… expired"),
            ("/login?service=http%3A%2F%2Fx&ticket=ST-12-abc-cas", "/login?service=http%3A%2F%2Fx&ticket=…"),
            ("an html_element_with_long_enough_name_here", "an html_element_with_long_enough_name_here"),
            ("museolab_session=x", "museolab_session=x"),
        ]
        for (text, expected) in cases {
            #expect(SecretRedaction.redact(text) == expected, "\(text)")
        }
    }
}
