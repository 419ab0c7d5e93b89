import Foundation
@testable import MuseoLabHTTP
import Testing
@testable import MuseoLab

/// What operations rely on: guessing tokens is slowed down, and `/metrics` tells how the
/// service is doing.
@Suite struct MonitoringTests {
    static func settings(limit: Int = 3, window: Duration = .seconds(2), metricsToken: String? = nil) -> ServerSettings {
        ServerSettings(
            host: "127.0.0.1", port: 0, trustedProxies: ["127.0.0.1", "::1"], authenticationFailureLimit: limit,
            authenticationFailureWindow: window, metricsToken: metricsToken)
    }

    @Test func repeatedFailedAuthenticationFromOneAddressIsHeldBack() async throws {
        // Long enough for the four requests below on a machine busy with the rest of the suite
        // (with 2 s, the first failure sometimes left the window before the fourth request).
        let window = 10
        try await TestLab.with { t in
            try await TestServer.with(t.lab, settings: Self.settings(window: .seconds(window))) { (server: TestServer) async throws in
                let http = HTTPClient(server)
                // No token at all is not a guess: it does not count.
                for _ in 0..<5 { #expect(try await http.get("/v1/machines").isProblem(401)) }
                for guess in 0..<3 {
                    #expect(try await http.get("/v1/machines", token: "mlab_wrong\(guess)").isProblem(401))
                }
                // The fourth attempt within the window is refused before any check, even with a good token.
                let held = try await http.get("/v1/machines", token: t.people.member.token)
                #expect(held.isProblem(429, type: "too-many-requests"), "\(held.text)")
                let wait = try #require(held.header("Retry-After").flatMap(Int.init))
                #expect((1...window).contains(wait))
                #expect(try await http.get("/v1/machines", token: "Basic abc").isProblem(429))
                // Another client behind the (trusted, local) reverse proxy is not affected.
                let other = try await http.send("GET", "/v1/machines", token: t.people.member.token, headers: ["X-Forwarded-For": "203.0.113.7"])
                #expect(other.status == 200)
                // Once the failures leave the window, the good token works again.
                try await Task.sleep(for: .seconds(Double(wait) + 0.2))
                #expect(try await http.get("/v1/machines", token: t.people.member.token).status == 200)
            }
        }
    }

    @Test func theThrottleForgetsFailuresOutsideItsWindow() {
        func wait(_ failures: [Int], at now: Int, limit: Int = 2) -> Int? {
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            return AuthenticationThrottle.retryAfter(
                failures: failures.map { start.addingTimeInterval(Double($0)) }, now: start.addingTimeInterval(Double(now)), limit: limit,
                window: .seconds(10))
        }
        #expect(wait([0], at: 1) == nil)
        #expect(wait([0, 4], at: 5) == 5, "until the first failure is 10 s old")
        #expect(wait([0, 4], at: 11) == nil)
        #expect(wait([0, 4, 6], at: 7) == 7, "the last `limit` failures count")
        #expect(wait([6, 6], at: 7) == 9)
        #expect(wait([6, 0, 4], at: 7, limit: 3) == 3, "in any order")
    }

    @Test func theThrottleKeepsLittleAndForgetsStaleClients() async throws {
        try await TestLab.with { t in
            let throttle = AuthenticationThrottle(database: t.lab.database, limit: 3, window: .seconds(60))
            for _ in 0..<5 { try await throttle.recordFailure("198.51.100.1") }
            let kept = try await t.count("SELECT cardinality(failures) FROM authentication_failures WHERE client = '198.51.100.1'")
            #expect(kept == 3, "only the last `limit` failures are kept")
            #expect(try await throttle.retryAfter("198.51.100.1") != nil)
            #expect(try await throttle.retryAfter("198.51.100.2") == nil, "per client")
            // A client whose failures all left the window is forgotten when another fails.
            try await t.rawSQL("UPDATE authentication_failures SET last_failed_at = now() - interval '2 minutes', failures = ARRAY[now() - interval '2 minutes']")
            try await throttle.recordFailure("198.51.100.3")
            #expect(try await t.count("SELECT count(*) FROM authentication_failures WHERE client = '198.51.100.1'") == 0)
            #expect(try await t.count("SELECT count(*) FROM authentication_failures WHERE client = '198.51.100.3'") == 1)
        }
    }

    /// Two server processes on one database hold back the same guesser, and a restart forgets nothing.
    @Test func everyServerProcessSharesTheThrottle() async throws {
        try await TestLab.with { t in
            let environment = ["AUTH_FAILURE_LIMIT": "4", "AUTH_FAILURE_WINDOW_SECONDS": "120"]
            var servers = [
                try ServerProcess(databaseURL: t.databaseURL, environment: environment),
                try ServerProcess(databaseURL: t.databaseURL, environment: environment),
            ]
            var clients = [HTTPClient(base: "http://127.0.0.1:\(try await servers[0].port())"), HTTPClient(base: "http://127.0.0.1:\(try await servers[1].port())")]
            // Four guesses, two on each: the limit is reached across the two.
            for guess in 0..<4 {
                #expect(try await clients[guess % 2].get("/v1/me", token: "mlab_" + String(repeating: "x", count: 42) + "\(guess)").isProblem(401))
            }
            for client in clients {
                #expect(try await client.get("/v1/me", token: t.people.member.token).isProblem(429, type: "too-many-requests"))
            }
            // A restarted server still holds it back.
            #expect(try await servers[0].stop(SIGTERM) == 0)
            servers[0] = try ServerProcess(databaseURL: t.databaseURL, environment: environment)
            clients[0] = HTTPClient(base: "http://127.0.0.1:\(try await servers[0].port())")
            let held = try await clients[0].get("/v1/me", token: t.people.member.token)
            #expect(held.isProblem(429), "\(held.text)")
            #expect((held.header("Retry-After").flatMap(Int.init) ?? 0) > 100)
        }
    }

    /// A deployment trusts no proxy unless told: a local caller cannot name another address.
    @Test func forwardedAddressesAreTrustedOnlyFromConfiguredProxies() async throws {
        try await TestLab.with { t in
            let server = try ServerProcess(databaseURL: t.databaseURL)
            let http = HTTPClient(base: "http://127.0.0.1:\(try await server.port())")
            var statuses: [Int] = []
            for index in 0..<15 {
                let answer = try await http.send(
                    "GET", "/v1/me", token: "mlab_" + String(repeating: "y", count: 43), headers: ["X-Forwarded-For": "203.0.113.\(index + 1)"])
                statuses.append(answer.status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == 401 }, "\(statuses)")
            #expect(statuses.dropFirst(10).allSatisfy { $0 == 429 }, "held back after the default limit of 10: \(statuses)")
        }
    }

    @Test func metricsCountRequestsPerRouteAndShowTheQuota() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            _ = try await t.lab.quota.adjust(
                TestLab.agreement, year: ParisClock.date(of: Date()).year, minutes: 2400, reason: "relevé", by: t.people.manager.actor)
            for _ in 0..<2 { #expect(try await http.get("/v1/machines", token: t.people.member.token).status == 200) }
            let machine = try await t.machine("12548")
            #expect(try await http.get("/v1/machines/\(machine.id.text)", token: t.people.member.token).status == 200)
            #expect(try await http.get("/v1/machines/\(UUID().uuidString)", token: t.people.member.token).status == 404)
            #expect(try await http.get("/v1/machines").status == 401)

            let answer = try await http.get("/metrics")
            #expect(answer.status == 200 && answer.contentType.hasPrefix("text/plain"))
            let lines = Set(answer.text.split(separator: "\n").map(String.init))
            for expected in [
                #"museolab_http_requests_total{method="GET",route="/v1/machines",status="200"} 2"#,
                #"museolab_http_requests_total{method="GET",route="/v1/machines",status="401"} 1"#,
                #"museolab_http_requests_total{method="GET",route="/v1/machines/{machineId}",status="200"} 1"#,
                #"museolab_http_requests_total{method="GET",route="/v1/machines/{machineId}",status="404"} 1"#,
                #"museolab_http_request_duration_seconds_count{method="GET",route="/v1/machines"} 3"#,
                #"museolab_http_request_duration_seconds_bucket{method="GET",route="/v1/machines",le="+Inf"} 3"#,
                "museolab_quota_consumed_percent{agreement=\"UA-LLV-2026\",year=\"\(ParisClock.date(of: Date()).year)\"} 10",
                "museolab_quota_minutes{agreement=\"UA-LLV-2026\",year=\"\(ParisClock.date(of: Date()).year)\"} 24000",
                "museolab_db_pool_connections_max 20",
            ] {
                #expect(lines.contains(expected), "missing: \(expected)\n\(answer.text)")
            }
            #expect(lines.contains { $0.hasPrefix("museolab_process_resident_memory_bytes ") && !$0.hasSuffix(" 0") })
            #expect(lines.contains { $0.hasPrefix("museolab_db_pool_connections_peak ") && !$0.hasSuffix(" 0") })
            // Paths never become labels: an unknown one is counted as unmatched.
            _ = try await http.get("/no/such/\(UUID().uuidString)")
            #expect(try await http.get("/metrics").text.contains(#"route="unmatched",status="404""#))
        }
    }

    @Test func secretsAreComparedWholly() {
        #expect(ConstantTime.equal("prometheus-secret", "prometheus-secret"))
        #expect(!ConstantTime.equal("prometheus-secret", "prometheus-secreT"))
        #expect(!ConstantTime.equal("prometheus-secret", "prometheus-secret-and-more"), "a prefix is not the secret")
        #expect(!ConstantTime.equal("prometheus", "prometheus-secret"))
        #expect(!ConstantTime.equal("", "x") && ConstantTime.equal("", ""))
        // Lengths that differ by a multiple of 256 are still told apart.
        #expect(!ConstantTime.equal(String(repeating: "a", count: 256), ""))
    }

    @Test func aMetricsTokenWhenConfigured() async throws {
        try await TestLab.with { t in
            try await TestServer.with(t.lab, settings: Self.settings(metricsToken: "prometheus-secret")) { (server: TestServer) async throws in
                let http = HTTPClient(server)
                #expect(try await http.get("/metrics").isProblem(401))
                #expect(try await http.get("/metrics", token: t.people.admin.token).isProblem(401))
                #expect(try await http.get("/metrics", token: "prometheus-secret").status == 200)
            }
        }
    }
}
