import Foundation
import Testing
@testable import MuseoLab

/// The real server binary under faults: two processes on one database, one killed with
/// SIGKILL in the middle of a burst of conflicting bookings; and a graceful stop.
@Suite struct FaultTests {
    /// What became of one booking request.
    enum Outcome: Sendable {
        case acknowledged(id: String)
        case refused(status: Int)
        case lost
    }

    /// Where requests for each server go; the killed one comes back on another port.
    actor Ports {
        var ports: [Int]
        var answered = 0
        init(_ ports: [Int]) { self.ports = ports }
        func port(_ server: Int) -> Int { ports[server] }
        func set(_ server: Int, _ port: Int) { ports[server] = port }
        func countAnswer() -> Int {
            answered += 1
            return answered
        }
    }

    @Test func aServerKilledMidBurstLosesNoAcknowledgedBookingAndStoresNoConflict() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let printer = try await t.machine("12548")
            // Four working days two weeks ahead, eight one-hour slots each: 32 slots, each asked for 6 times.
            var days: [CalendarDate] = []
            var day = Days.next(.monday, weeksAhead: 2)
            while days.count < 4 {
                if day.weekday.rawValue <= 5, FrenchPublicHolidays.name(of: day) == nil { days.append(day) }
                day = day.adding(days: 1)
            }
            let slots = days.flatMap { day in (9..<17).map { hour in Days.period(day, String(format: "%02d:00", hour), String(format: "%02d:00", hour + 1)) } }
            var requests: [(slot: Int, server: Int)] = []
            for round in 0..<6 { for slot in slots.indices { requests.append((slot, (slot + round) % 2)) } }
            var generator = SeededGenerator(seed: 2026)
            requests.shuffle(using: &generator)

            var servers = [try ServerProcess(databaseURL: t.databaseURL), try ServerProcess(databaseURL: t.databaseURL)]
            let ports = Ports([try await servers[0].port(), try await servers[1].port()])
            let killAfter = requests.count / 3
            let token = t.people.member.token
            let machineId = printer.id.text

            let firstPort = await ports.port(0)
            let outcomes = try await withThrowingTaskGroup(of: (Int, Outcome, Int).self) { group -> [(slot: Int, outcome: Outcome, port: Int)] in
                var results: [(slot: Int, outcome: Outcome, port: Int)] = []
                var next = 0
                var killed = false
                func launch(_ index: Int) {
                    let (slot, server) = requests[index]
                    let period = slots[slot]
                    group.addTask {
                        let port = await ports.port(server)
                        let http = HTTPClient(base: "http://127.0.0.1:\(port)")
                        do {
                            let answer = try await http.send("POST", "/v1/sessions", token: token, json: [
                                "purpose": "Rafale", "start": Days.iso(period.start), "end": Days.iso(period.end), "machineIds": [machineId],
                            ])
                            if answer.status == 201, let id = answer.json["id"] as? String { return (slot, .acknowledged(id: id), port) }
                            return (slot, .refused(status: answer.status), port)
                        } catch {
                            return (slot, .lost, port)
                        }
                    }
                }
                // 24 requests in flight at a time.
                while next < min(24, requests.count) { launch(next); next += 1 }
                for try await result in group {
                    results.append((result.0, result.1, result.2))
                    if await ports.countAnswer() >= killAfter, !killed {
                        // In the middle of the burst: SIGKILL, no goodbye; then a new process in its place.
                        killed = true
                        kill(servers[0].process.processIdentifier, SIGKILL)
                        servers[0].process.waitUntilExit()
                        #expect(servers[0].process.terminationReason == .uncaughtSignal)
                        servers[0] = try ServerProcess(databaseURL: t.databaseURL)
                        await ports.set(0, try await servers[0].port())
                    }
                    if next < requests.count { launch(next); next += 1 }
                }
                return results
            }
            #expect(outcomes.count == requests.count)

            var acknowledged: [String] = []
            var lost = 0
            for result in outcomes {
                switch result.outcome {
                case .acknowledged(let id): acknowledged.append(id)
                case .refused(let status): #expect(status < 500 && [409].contains(status), "a booking refused with \(status)")
                case .lost: lost += 1
                }
            }
            #expect(!acknowledged.isEmpty)
            let restartedPort = await ports.port(0)
            #expect(restartedPort != firstPort)
            #expect(outcomes.contains { $0.port == restartedPort && !{ if case .lost = $0.outcome { true } else { false } }($0) },
                    "the restarted server answered part of the burst")
            // Every acknowledged booking is stored, once.
            #expect(Set(acknowledged).count == acknowledged.count)
            let ids = acknowledged.map { "'\($0)'" }.joined(separator: ",")
            #expect(try await t.count(PostgresQueryLiteral("SELECT count(*) FROM support_sessions WHERE id IN (\(ids))").query) == acknowledged.count)
            // No conflicting pair: no machine, no staff member twice at once; one session per slot at most.
            #expect(try await t.count("""
                SELECT count(*) FROM machine_occupations a JOIN machine_occupations b
                  ON a.machine_id = b.machine_id AND a.id < b.id AND a.period && b.period
                WHERE a.active AND b.active
                """) == 0)
            #expect(try await t.count("""
                SELECT count(*) FROM support_sessions a JOIN support_sessions b
                  ON a.staff_user_id = b.staff_user_id AND a.id < b.id AND a.period && b.period
                WHERE a.status IN ('requested', 'confirmed') AND b.status IN ('requested', 'confirmed')
                """) == 0)
            let stored = try await t.count("SELECT count(*) FROM support_sessions WHERE purpose = 'Rafale'")
            #expect(stored <= slots.count)
            // What is stored beyond the acknowledged was committed by the killed server as it died: at most what was lost.
            #expect(stored >= acknowledged.count && stored - acknowledged.count <= lost, "stored \(stored), acknowledged \(acknowledged.count), lost \(lost)")
            // Both servers serve on.
            for server in 0..<2 {
                let health = try await HTTPClient(base: "http://127.0.0.1:\(await ports.port(server))").get("/health")
                #expect(health.status == 200)
            }
            for server in servers { #expect(try await server.stop(SIGTERM) == 0) }
        }
    }

    @Test func onSIGTERMTheServerFinishesTheRequestInFlightAndStops() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let server = try ServerProcess(databaseURL: t.databaseURL)
            let port = try await server.port()
            let day = Days.next(.thursday, weeksAhead: 3)
            let body = try JSONSerialization.data(withJSONObject: [
                "purpose": "Arrêt en douceur", "start": Days.iso(Days.at(day, "10:00")), "end": Days.iso(Days.at(day, "11:00")),
            ])
            let text = String(decoding: body, as: UTF8.self)
            let half = text.index(text.startIndex, offsetBy: text.count / 2)
            // A request under way: its headers and half its body are in when SIGTERM arrives.
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(t.people.member.token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n" + text[..<half])
            try await Task.sleep(for: .milliseconds(300))
            kill(server.process.processIdentifier, SIGTERM)
            // No new connection is accepted any more (soon: the signal is handled asynchronously)...
            var refused = false
            for _ in 0..<50 where !refused {
                try await Task.sleep(for: .milliseconds(100))
                refused = (try? RawConnection(port: port)) == nil
            }
            #expect(refused, "the server still accepts connections 5 s after SIGTERM")
            // ...but the request in flight completes.
            connection.send(String(text[half...]))
            let response = try await connection.receive()
            #expect(response.hasPrefix("HTTP/1.1 201"), "\(response)")
            #expect(try await t.count("SELECT count(*) FROM support_sessions WHERE purpose = 'Arrêt en douceur'") == 1)
            #expect(try await server.stop(SIGTERM) == 0)
            #expect(server.logged.contains("\"stopped\""), "\(server.logged.suffix(2000))")
        }
    }
}

/// A reproducible random order (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
