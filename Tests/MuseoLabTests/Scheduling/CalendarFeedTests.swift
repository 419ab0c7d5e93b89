import EmbeddedPostgres
import Foundation
import Testing
@testable import MuseoLab

/// iCalendar feeds, read back by a real iCalendar parser (Python's `icalendar`).
@Suite struct CalendarFeedTests {
    struct ParsedCalendar: Decodable {
        struct Event: Decodable {
            let uid: String
            let status: String
            let sequence: Int
            let start: String
            let end: String
            let summary: String
            let description: String
        }
        let name: String
        let version: String
        let events: [Event]
    }

    static func parse(_ text: String) async throws -> ParsedCalendar {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString).ics")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await ChildProcess.run("/usr/bin/env", ["python3", ProjectFolders.root.appendingPathComponent("Tests/tools/ical_events.py").path, file.path])
        guard run.succeeded else { throw Problem(.malformedRequest, "icalendar could not parse the feed: \(run.output)") }
        return try JSONDecoder().decode(ParsedCalendar.self, from: Data(run.output.utf8))
    }

    @Test func aUsersPrivateFeedFollowsTheirSessions() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.tuesday)
            let first = try #require(try await SessionRulesTests.book(http, t.people.member, Days.period(day, "10:00", "11:00")).json["id"] as? String)
            let second = try #require(try await SessionRulesTests.book(http, t.people.member, Days.period(day, "14:00", "15:30")).json["id"] as? String)
            _ = try await SessionRulesTests.book(http, t.people.otherMember, Days.period(day, "16:00", "17:00"))

            let created = try await http.send("POST", "/v1/me/calendar-feed", token: t.people.member.token)
            #expect(created.status == 201)
            let url = try #require(created.json["url"] as? String)
            #expect(url.hasPrefix("/calendar/feeds/mlcal_") && url.hasSuffix(".ics"))

            let feed = try await http.get(url)
            #expect(feed.status == 200)
            #expect(feed.contentType.hasPrefix("text/calendar"))
            var parsed = try await Self.parse(feed.text)
            #expect(parsed.version == "2.0")
            #expect(parsed.events.map(\.uid) == ["session-\(first)@museolab", "session-\(second)@museolab"], "only Ana's sessions")
            #expect(parsed.events.allSatisfy { $0.status == "TENTATIVE" && $0.sequence == 0 })
            #expect(parsed.events[0].start.hasSuffix("+00:00"))
            let startInstant = try #require(try? Date.ISO8601FormatStyle().parse(parsed.events[0].start.replacingOccurrences(of: "+00:00", with: "Z")))
            #expect(startInstant == Days.at(day, "10:00"))

            // Changes show up: confirmed, then cancelled, same UID, higher SEQUENCE.
            _ = try await http.send("POST", "/v1/sessions/\(first)/confirm", token: t.people.manager.token)
            _ = try await http.send("POST", "/v1/sessions/\(second)/cancel", token: t.people.member.token, json: ["reason": "clash"])
            parsed = try await Self.parse(try await http.get(url).text)
            #expect(parsed.events.count == 2)
            #expect(parsed.events[0].status == "CONFIRMED" && parsed.events[0].sequence == 1)
            #expect(parsed.events[1].status == "CANCELLED" && parsed.events[1].sequence == 1)
            #expect(parsed.events[1].uid == "session-\(second)@museolab")

            // The staff member's own feed shows what they supervise.
            let staffFeed = try await http.send("POST", "/v1/me/calendar-feed", token: t.people.manager.token)
            let staffEvents = try await Self.parse(try await http.get(try #require(staffFeed.json["url"] as? String)).text).events
            #expect(staffEvents.count == 3)

            // A new feed replaces the old URL; revoking ends it.
            let replaced = try await http.send("POST", "/v1/me/calendar-feed", token: t.people.member.token)
            #expect(try await http.get(url).isProblem(404))
            let newURL = try #require(replaced.json["url"] as? String)
            #expect(try await http.get(newURL).status == 200)
            #expect(try await http.send("POST", "/v1/me/calendar-feed/revoke", token: t.people.member.token).status == 204)
            #expect(try await http.get(newURL).isProblem(404))
            #expect(try await http.get("/calendar/feeds/mlcal_forged").isProblem(404))
        }
    }

    @Test func aMachineFeedShowsBusyTimesWithoutNames() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let day = Days.next(.thursday)
            let printer = try await t.machine("13901")
            _ = try await SessionRulesTests.book(http, t.people.member, Days.period(day, "10:00", "12:00"), machines: [printer])
            _ = try await t.lab.maintenance.add(
                machineId: printer.id, period: Days.period(day, "14:00", "15:00"), reason: "nozzle", cancelConflicting: false, by: t.people.manager.actor)
            let feed = try await http.get("/calendar/machines/\(printer.id.text).ics")
            #expect(feed.status == 200)
            let parsed = try await Self.parse(feed.text)
            #expect(parsed.events.map(\.summary) == ["Réservé", "Maintenance"])
            #expect(!feed.text.contains("ana@") && !feed.text.contains("Prototype"), "no personal data")
            #expect(try await http.get("/calendar/machines/\(UUID().uuidString)").isProblem(404))
        }
    }
}
