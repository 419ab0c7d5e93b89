import Foundation

/// How the service writes days, times and periods in French, on the clock of Paris: in the
/// messages people receive and on the pages. Written by hand rather than through a locale, so a
/// server without French locale data writes the same.
public enum FrenchWording {
    public static let weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    public static let months = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]

    /// `mardi 12 janvier 2027`
    public static func day(_ date: CalendarDate) -> String {
        "\(weekdays[date.weekday.rawValue - 1]) \(date.day == 1 ? "1er" : String(date.day)) \(months[date.month - 1]) \(date.year)"
    }

    /// `14 h 00`
    public static func time(_ instant: Date) -> String {
        let time = ParisClock.time(of: instant)
        return "\(time.hour) h \(time.minute < 10 ? "0" : "")\(time.minute)"
    }

    /// `mardi 12 janvier 2027, 14 h 00`
    public static func dateTime(_ instant: Date) -> String {
        "\(day(ParisClock.date(of: instant))), \(time(instant))"
    }

    /// `mardi 12 janvier 2027, 14 h 00 – 16 h 30` (the end's day when it differs).
    public static func period(_ period: Period) -> String {
        let sameDay = ParisClock.date(of: period.start) == ParisClock.date(of: period.end.addingTimeInterval(-1))
        return "\(dateTime(period.start)) – \(sameDay ? time(period.end) : dateTime(period.end))"
    }

    /// `vendredi 15 janvier 2027 de 9 h 00 à 11 h 00`, for a sentence to put `le` or `du` before;
    /// across days, `vendredi 15 janvier 2027, 22 h 00, au samedi 16 janvier 2027, 2 h 00`.
    public static func slot(_ period: Period) -> String {
        let sameDay = ParisClock.date(of: period.start) == ParisClock.date(of: period.end.addingTimeInterval(-1))
        guard sameDay else { return "\(dateTime(period.start)), au \(dateTime(period.end))" }
        return "\(day(ParisClock.date(of: period.start))) de \(time(period.start)) à \(time(period.end))"
    }
}
