import EmbeddedPostgres
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import MuseoLab

/// PostgreSQL crashes (`pg_ctl stop -m immediate`) in the middle of a burst of bookings and
/// comes back three seconds later: every request gets an answer within a few seconds (201,
/// 409, or 503 with `Retry-After`, never a 500), `/health` says 503 at once while the database
/// is away and 200 by itself once it is back, and nothing acknowledged is lost.
@Suite struct DatabaseOutageTests {
    /// What became of one request, and how long its answer took.
    struct Outcome: Sendable {
        var status: Int?
        var seconds: Double
        var retryAfter: String?
        var problemJSON: Bool
        var id: String?
    }

    /// No answer within this is a hang.
    static let patience: TimeInterval = 15

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = patience
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    static func request(_ method: String, _ url: String, token: String? = nil, json: [String: Any]? = nil) async -> Outcome {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try? JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        do {
            let (data, response) = try await session.data(for: request)
            let http = response as! HTTPURLResponse
            let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            return Outcome(
                status: http.statusCode, seconds: elapsed(), retryAfter: http.value(forHTTPHeaderField: "Retry-After"),
                problemJSON: (http.value(forHTTPHeaderField: "Content-Type") ?? "").hasPrefix("application/problem+json"),
                id: body?["id"] as? String)
        } catch {
            return Outcome(status: nil, seconds: elapsed(), retryAfter: nil, problemJSON: false, id: nil)
        }
    }

    // Its own cluster is made, migrated and seeded while the whole suite shares two cores: that
    // alone took 160 s of a 170 s run here, so the limit leaves room for a slower machine. What
    // must be quick (each answer, /health) is bounded by the test's own expectations.
    @Test(.timeLimit(.minutes(15))) func aDatabaseCrashGivesQuick503sAndTheServiceComesBackByItself() async throws {
        // A cluster of its own, to crash without touching the other tests; its commits are durable,
        // as in production, so what was acknowledged before the crash is there after.
        // Named like the suite's own (`/tmp/museolab-test-…-<pid>`), so the test command removes it if a run is cut short.
        let databases = TestDatabases(root: URL(fileURLWithPath: "/tmp/museolab-test-outage\(UUID().uuidString.prefix(6))-\(getpid())"), durable: true)
        let began = ContinuousClock.now
        // Where the test is, in the suite's log: a run that stalls says at which step.
        @Sendable func step(_ name: String) { print("outage test, \(ContinuousClock.now - began): \(name)") }
        try await TestLab.with(databases: databases) { t in
            step("cluster up")
            try await t.managerAvailableOnWeekdays()
            let cluster = try #require(await databases.cluster)
            let printer = try await t.machine("12548").id.text
            // Eighty one-hour slots on the working days from two weeks ahead.
            var slots: [Period] = []
            var day = Days.next(.monday, weeksAhead: 2)
            while slots.count < 80 {
                if day.weekday.rawValue <= 5, FrenchPublicHolidays.name(of: day) == nil {
                    slots += (9..<17).map { Days.period(day, String(format: "%02d:00", $0), String(format: "%02d:00", $0 + 1)) }
                }
                day = day.adding(days: 1)
            }
            let requested = slots
            let server = try ServerProcess(databaseURL: t.databaseURL, environment: ["DATABASE_CONNECTION_WAIT_MS": "1500"])
            let base = "http://127.0.0.1:\(try await server.port())"
            step("server listening")
            #expect(await Self.request("GET", base + "/health").status == 200)
            let token = t.people.member.token

            // Requests keep coming, eight at a time, for about nine seconds; the database crashes at
            // the second second and is back three seconds later. A request waits at most 1.5 s for a
            // connection, so no answer should take much more.
            let burst = Task {
                try await withThrowingTaskGroup(of: [Outcome].self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            var outcomes: [Outcome] = []
                            var index = worker
                            let end = ContinuousClock.now + .seconds(9)
                            while ContinuousClock.now < end {
                                let slot = requested[index % requested.count]
                                outcomes.append(await Self.request("POST", base + "/v1/sessions", token: token, json: [
                                    "purpose": "Pendant la panne", "start": Days.iso(slot.start), "end": Days.iso(slot.end), "machineIds": [printer],
                                ]))
                                index += 8
                            }
                            return outcomes
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
            }
            try await Task.sleep(for: .seconds(2))
            try await Blocking.run { try cluster.crash() }
            step("database crashed")
            let crashed = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(500))
            // Away: /health says so at once.
            let away = await Self.request("GET", base + "/health")
            #expect(away.status == 503 && away.problemJSON, "\(away)")
            #expect(away.seconds < 2, "health answered in \(away.seconds) s")
            #expect(away.retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
            try await Task.sleep(until: crashed + .seconds(3))
            _ = try await Blocking.run { try cluster.start() }
            step("database restarted")

            // Back: /health comes back by itself.
            var healthy = false
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if await Self.request("GET", base + "/health").status == 200 { healthy = true; break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(healthy, "/health is 200 again once the database is back")

            step("healthy: \(healthy)")
            let outcomes = try await burst.value
            step("burst over: \(outcomes.count) requests")
            let statuses = outcomes.map { $0.status.map(String.init) ?? "no answer" }
            #expect(outcomes.count > 20, "\(statuses)")
            #expect(outcomes.allSatisfy { [201, 409, 503].contains($0.status ?? 0) }, "only 201, 409 and 503: \(statuses)")
            #expect(outcomes.allSatisfy { $0.seconds < 4 }, "each answer within a few seconds: \(outcomes.map { String(format: "%.1f", $0.seconds) })")
            let unavailable = outcomes.filter { $0.status == 503 }
            #expect(!unavailable.isEmpty, "the outage was met: \(statuses)")
            #expect(unavailable.allSatisfy { $0.problemJSON && ($0.retryAfter.flatMap(Int.init) ?? 0) >= 1 })
            #expect(outcomes.contains { $0.status == 201 }, "bookings succeed before and after")

            // Nothing acknowledged is lost, nothing is stored twice, and the service books again.
            let acknowledged = Set(outcomes.compactMap { $0.status == 201 ? $0.id : nil })
            let stored = try await t.lab.database.read { session in
                Set(try await session.rows("SELECT id::text FROM support_sessions WHERE purpose = 'Pendant la panne'").map { try $0.decode(String.self) })
            }
            #expect(acknowledged.isSubset(of: stored), "acknowledged but not stored: \(acknowledged.subtracting(stored))")
            #expect(try await t.count("SELECT count(*) FROM (SELECT lower(period) FROM support_sessions WHERE purpose = 'Pendant la panne' AND status <> 'cancelled' GROUP BY 1 HAVING count(*) > 1) d") == 0)
            step("checked what was stored")
            #expect(try await server.stop(SIGTERM) == 0, "stops cleanly after the outage:\n\(server.logged.suffix(4000))")
        }
        await databases.cluster?.destroy()
    }
}
