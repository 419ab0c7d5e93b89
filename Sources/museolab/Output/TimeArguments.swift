import ArgumentParser
import Foundation
import MuseoLab

/// Times on the command line: the fablab's wall clock (`2026-12-01 09:30`, Europe/Paris),
/// or an RFC 3339 instant (`2026-12-01T08:30:00Z`).
enum TimeArgument {
    static func parse(_ text: String, option: String) throws -> Date {
        if text.contains("Z") || text.dropFirst(10).contains("+") || text.dropFirst(16).contains("-") {
            if let instant = try? Date.ISO8601FormatStyle().parse(text) { return instant }
        }
        do {
            return try ParisClock.parse(text)
        } catch let problem as Problem {
            throw ValidationError("\(option): \(problem.detail)")
        }
    }

    static func day(_ text: String, option: String) throws -> CalendarDate {
        guard let date = CalendarDate(text) else { throw ValidationError("\(option) must be a date YYYY-MM-DD") }
        return date
    }

    /// `mon=09:00-12:30,13:30-18:00` (English or French day names, or 1-7).
    static func weekly(_ specs: [String]) throws -> [WeeklyInterval] {
        let names = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
                     "lun": 1, "mar": 2, "mer": 3, "jeu": 4, "ven": 5, "sam": 6, "dim": 7]
        var intervals: [WeeklyInterval] = []
        for spec in specs {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("\"\(spec)\": write DAY=HH:MM-HH:MM[,HH:MM-HH:MM]") }
            let key = parts[0].lowercased()
            guard let number = Int(key) ?? names[String(key.prefix(3))], let weekday = Weekday(rawValue: number) else {
                throw ValidationError("\"\(parts[0])\" is not a weekday (mon…sun, lun…dim, 1-7)")
            }
            do {
                intervals += try WeeklyInterval.ranges(parts[1], on: weekday, field: parts[0])
            } catch let problem as Problem {
                throw ValidationError(problem.detail)
            }
        }
        return intervals
    }

    static func describe(_ period: Period) -> String {
        "\(ParisClock.date(of: period.start)) \(ParisClock.time(of: period.start))–\(ParisClock.time(of: period.end))"
    }
}
