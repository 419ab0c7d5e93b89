import Foundation
import Testing
@testable import MuseoLab

/// Recurring sessions through the API and the CLI: each occurrence is an ordinary session under
/// every rule; a public holiday refuses its occurrence and says so, the others are booked; the
/// quota preview sums them; the manager confirms the series at once; "this and the following
/// ones" are cancelled in one action.
@Suite struct SessionSeriesTests {
    /// Three weekly occurrences around the next weekday public holiday (a week or more ahead):
    /// the week before it, its day, the week after.
    static func aroundAHoliday() throws -> (first: CalendarDate, holidays: [Bool]) {
        let today = ParisClock.date(of: Date())
        let holiday = try #require((8...400).map { today.adding(days: $0) }.first {
            $0.weekday.rawValue <= 5 && FrenchPublicHolidays.name(of: $0) != nil && FrenchPublicHolidays.name(of: $0.adding(days: -7)) == nil
        })
        let first = holiday.adding(days: -7)
        return (first, (0..<3).map { FrenchPublicHolidays.name(of: first.adding(days: 7 * $0)) != nil })
    }

    @Test func aSeriesOverAPublicHolidayBooksTheOthersAndSaysWhyOneWasRefused() async throws {
        try await TestLab.withServer { t, server in
            try await t.managerAvailableOnWeekdays()
            let http = HTTPClient(server)
            let (first, holidays) = try Self.aroundAHoliday()
            let period = Days.period(first, "10:00", "12:00")
            let asked = try await http.send("POST", "/v1/session-series", token: t.people.member.token, json: [
                "purpose": "Cours de modélisation", "start": Days.iso(period.start), "end": Days.iso(period.end), "count": 3,
            ])
            #expect(asked.status == 201, "\(asked.text)")
            let occurrences = asked.json["occurrences"] as? [[String: Any]] ?? []
            #expect(occurrences.map { $0["occurrence"] as? Int } == [1, 2, 3])
            #expect(occurrences.map { $0["status"] as? String } == holidays.map { $0 ? "refused" : "booked" })
            let refused = try #require(occurrences.dropFirst().first)
            let refusal = refused["refusal"] as? [String: Any]
            #expect(refusal?["type"] as? String == "/problems/closure-day")
            #expect((refusal?["detail"] as? String)?.contains(FrenchPublicHolidays.name(of: first.adding(days: 7)) ?? "?") == true, "\(refusal ?? [:])")
            // The same wall-clock time each week, in Paris.
            #expect(occurrences.compactMap { $0["start"] as? String } == (0..<3).map { Days.iso(Days.at(first.adding(days: 7 * $0), "10:00")) })
            let booked = holidays.filter { !$0 }.count
            #expect(asked.json["bookedMinutes"] as? Int == 120 * booked)
            let quota = asked.json["quota"] as? [String: Any]
            #expect(quota?["minutes"] as? Int == 120 * booked, "the quota preview sums the booked occurrences")
            #expect((quota?["remainingBeforeMinutes"] as? Int).map { $0 - 120 * booked } == quota?["remainingAfterMinutes"] as? Int)
            // Each booked occurrence is an ordinary session of Ana's.
            let sessions = try await http.get("/v1/sessions", token: t.people.member.token).items
            #expect(sessions.count == booked && sessions.allSatisfy { $0["status"] as? String == "requested" })

            // The manager confirms the series at once; Ana cannot.
            let id = try #require(asked.json["id"] as? String)
            #expect(try await http.send("POST", "/v1/session-series/\(id)/confirm", token: t.people.member.token).isProblem(403))
            let confirmed = try await http.send("POST", "/v1/session-series/\(id)/confirm", token: t.people.manager.token)
            #expect(confirmed.status == 200, "\(confirmed.text)")
            let places = confirmed.json["occurrences"] as? [[String: Any]] ?? []
            #expect(places.map { $0["status"] as? String } == holidays.map { $0 ? "refused" : "booked" }, "refused occurrences stay in the answer")
            let statuses = places.compactMap { ($0["session"] as? [String: Any])?["status"] as? String }
            #expect(statuses == Array(repeating: "confirmed", count: booked))
            // Read again later, the series still says why an occurrence was refused.
            let read = try await http.get("/v1/session-series/\(id)", token: t.people.member.token)
            let again = (read.json["occurrences"] as? [[String: Any]] ?? []).first { $0["status"] as? String == "refused" }
            #expect((again?["refusal"] as? [String: Any])?["type"] as? String == "/problems/closure-day", "\(read.text)")
            #expect(again?["start"] as? String == refused["start"] as? String)
            #expect(confirmed.json["quota"] == nil, "nothing left to confirm")

            // "This and the following ones": from the last booked occurrence on.
            let last = try #require(places.last { $0["status"] as? String == "booked" }?["occurrence"] as? Int)
            let cancelled = try await http.send(
                "POST", "/v1/session-series/\(id)/cancel", token: t.people.member.token, json: ["fromOccurrence": last, "reason": "fin du projet"])
            #expect(cancelled.status == 200, "\(cancelled.text)")
            let after = (cancelled.json["occurrences"] as? [[String: Any]] ?? []).filter { $0["session"] != nil }.map { (($0["occurrence"] as? Int) ?? 0, ($0["session"] as? [String: Any])?["status"] as? String) }
            #expect(after.allSatisfy { $0.0 < last ? $0.1 == "confirmed" : $0.1 == "cancelled" }, "\(after)")
            #expect(try await http.send("POST", "/v1/session-series/\(id)/cancel", token: t.people.member.token, json: ["fromOccurrence": 9, "reason": "x"])
                .isProblem(422))
            // What a series cannot be: one occurrence, both an end and a count, every five weeks; and
            // input every occurrence would refuse is one refusal at its field, with no series recorded.
            let before = try await t.count("SELECT count(*) FROM session_series")
            for body: [String: Any] in [
                ["count": 1], ["count": 3, "until": first.adding(days: 30).description], ["count": 3, "everyWeeks": 5],
                ["count": 3, "machineIds": [UUID().uuidString]], ["count": 3, "participants": 500],
            ] {
                let answer = try await http.send("POST", "/v1/session-series", token: t.people.member.token, json: body.merging([
                    "purpose": "x", "start": Days.iso(period.start), "end": Days.iso(period.end),
                ]) { a, _ in a })
                #expect(answer.isProblem(422) || answer.isProblem(400), "\(body): \(answer.status) \(answer.text)")
            }
            #expect(try await t.count("SELECT count(*) FROM session_series") == before, "nothing recorded")
        }
    }

    @Test func theCommandLineBooksASeriesUntilADate() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.wednesday, weeksAhead: 3)
            let run = try await CommandLineTool.run(
                ["series", "request", "--user", t.people.member.user.email, "--start", "\(day) 14:00", "--end", "\(day) 15:30",
                 "--purpose", "Projet tutoré", "--every", "2", "--until", day.adding(days: 28).description, "--json"], databaseURL: t.databaseURL)
            #expect(run.status == 0, "\(run.output)")
            let json = try #require(run.json as? [String: Any], "\(run.output)")
            let lines = json["occurrences"] as? [[String: Any]] ?? []
            #expect(lines.count == 3, "every two weeks over four weeks: three occurrences")
            let expected = (0..<3).map { day.adding(days: 14 * $0) }.map { FrenchPublicHolidays.name(of: $0) == nil ? "requested" : "refused" }
            #expect(lines.map { $0["status"] as? String } == expected)
            let id = try #require(json["id"] as? String)
            let confirmed = try await CommandLineTool.run(["series", "confirm", id], databaseURL: t.databaseURL)
            #expect(confirmed.status == 0 && confirmed.output.contains("confirmed"), "\(confirmed.output)")
        }
    }
}
