import Foundation
import Testing
@testable import MuseoLab

/// `museolab sessions …`, `museolab calendar …`, `museolab machines maintenance …`, `museolab authorisations …`.
@Suite struct SchedulingCommandLineTests {
    @Test func bookAndRunASessionFromTheCommandLine() async throws {
        try await TestLab.with { t in
            let url = t.databaseURL
            func run(_ arguments: [String]) async throws -> CommandLineTool.Run {
                let result = try await CommandLineTool.run(arguments, databaseURL: url)
                #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.output)")
                return result
            }
            _ = try await run(["calendar", "set-staff", "manager@tests.museolab", "mon=09:00-18:00", "tue=09:00-18:00", "wed=09:00-18:00", "thu=09:00-18:00", "fri=09:00-18:00"])
            let staff = try await run(["calendar", "staff"])
            #expect(staff.output.contains("manager@tests.museolab") && staff.output.contains("09:00–18:00"))

            let day = Days.next(.wednesday)
            let requested = try await run([
                "sessions", "request", "--user", "ana@univ-artois.fr", "--start", "\(day) 10:00", "--end", "\(day) 12:00",
                "--purpose", "Maquette d'exposition", "--machine", "12548", "--json",
            ])
            let session = try #require(requested.json as? [String: Any])
            #expect(session["status"] as? String == "requested")
            let number = String(format: "S-%06d", session["number"] as? Int ?? 0)

            #expect(try await run(["sessions", "list"]).output.contains(number))
            #expect(try await run(["sessions", "confirm", number]).output.contains("confirmed"))
            let shown = try await run(["sessions", "show", number])
            #expect(shown.output.contains("requested → confirmed"))
            #expect(shown.output.contains("120 min"))

            // Maintenance over it is refused, then forced: the session is cancelled.
            let refused = try await CommandLineTool.run(
                ["machines", "maintenance", "add", "12548", "--start", "\(day) 09:00", "--end", "\(day) 13:00", "--reason", "buse"], databaseURL: url)
            #expect(refused.status == 1)
            #expect(refused.output.contains(number))
            let forced = try await run(
                ["machines", "maintenance", "add", "12548", "--start", "\(day) 09:00", "--end", "\(day) 13:00", "--reason", "buse", "--cancel-conflicting"])
            #expect(forced.output.contains("1 session(s) cancelled"))
            #expect(try await run(["sessions", "show", number]).output.contains("cancelled"))
            #expect(try await run(["machines", "maintenance", "list", "12548"]).output.contains("buse"))
            let free = try await run(["machines", "availability", "12548", "--from", "\(day) 00:00", "--to", "\(day.adding(days: 1)) 00:00"])
            #expect(free.output.contains("\(day) 13:00–18:00"))
        }
    }

    @Test func calendarAndAuthorisations() async throws {
        try await TestLab.with { t in
            let url = t.databaseURL
            let closures = try await CommandLineTool.run(["calendar", "closures", "--year", "2027"], databaseURL: url)
            #expect(closures.output.contains("2027-03-29") && closures.output.contains("Lundi de Pâques"))
            let closed = try await CommandLineTool.run(["calendar", "close", "--from", "2027-08-02", "--to", "2027-08-20", "--label", "Fermeture estivale"], databaseURL: url)
            #expect(closed.status == 0, "\(closed.output)")
            #expect(try await CommandLineTool.run(["calendar", "closures", "--year", "2027"], databaseURL: url).output.contains("Fermeture estivale"))
            let hours = try await CommandLineTool.run(["calendar", "set-hours", "tue=10:00-13:00,14:00-19:00", "sat=10:00-17:00"], databaseURL: url)
            #expect(hours.output.contains("mardi     10:00–13:00, 14:00–19:00"), "\(hours.output)")
            let bad = try await CommandLineTool.run(["calendar", "set-hours", "tue=10:00-09:00"], databaseURL: url)
            #expect(bad.status == 1)
            let rules = try await CommandLineTool.run(["calendar", "rules", "--cancellation-notice-hours", "24"], databaseURL: url)
            #expect(rules.output.contains("cancellation notice   24 h"))

            let granted = try await CommandLineTool.run(["authorisations", "grant", "--user", "ana@univ-artois.fr", "--category", "laser-cutter", "--until", "2027-06-30"], databaseURL: url)
            #expect(granted.status == 0, "\(granted.output)")
            let list = try await CommandLineTool.run(["authorisations", "list", "--user", "ana@univ-artois.fr", "--json"], databaseURL: url)
            #expect((list.json as? [[String: Any]])?.first?["category"] as? String == "laser-cutter")
        }
    }
}
