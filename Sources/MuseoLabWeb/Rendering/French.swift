import Foundation
import MuseoLab

/// How the pages write dates, times, numbers and amounts: French conventions, Europe/Paris.
/// Written by hand rather than through a locale, so a server without French locale data writes
/// the same.
enum French {
    static let weekdays = FrenchWording.weekdays
    static let months = FrenchWording.months
    /// The narrow no-break space of French typography between groups of digits, and the no-break
    /// space before a unit.
    static let thinSpace = "\u{202F}"
    static let noBreakSpace = "\u{00A0}"

    /// `mardi 12 janvier 2027`: the domain's wording, the same in messages and on pages.
    static func day(_ date: CalendarDate) -> String { FrenchWording.day(date) }

    /// `14 h 00`
    static func time(_ instant: Date) -> String { FrenchWording.time(instant) }

    /// `mardi 12 janvier 2027, 14 h 00`
    static func dateTime(_ instant: Date) -> String { FrenchWording.dateTime(instant) }

    /// `mardi 12 janvier 2027, 14 h 00 – 16 h 30` (the end's day when it differs).
    static func period(_ period: Period) -> String { FrenchWording.period(period) }

    /// `1 234,50 €`
    static func euros(_ cents: Int) -> String {
        let sign = cents < 0 ? "−" : ""
        let magnitude = abs(cents)
        return "\(sign)\(grouped(magnitude / 100)),\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)\(noBreakSpace)€"
    }

    /// `janv.`, the months of a chart's axis.
    static let shortMonths = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

    /// `75,5 %`
    static func percent(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10)\(tenths % 10 == 0 ? "" : ",\(abs(tenths % 10))")\(noBreakSpace)%"
    }

    /// `1 234`
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "−" : "") + groups.joined(separator: thinSpace)
    }

    /// `2,5 h`, `1 h 30` style is for times of day; durations say hours with a decimal comma.
    static func hours(minutes: Int) -> String {
        let whole = minutes / 60
        let rest = minutes % 60
        return rest == 0 ? "\(whole)\(noBreakSpace)h" : "\(whole)\(noBreakSpace)h\(noBreakSpace)\(rest < 10 ? "0" : "")\(rest)"
    }
}
