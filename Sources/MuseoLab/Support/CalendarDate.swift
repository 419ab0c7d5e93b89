import Foundation

/// A day in the calendar (`2026-03-29`), without a time or a time zone: agreement
/// periods, acquisition dates, amendments' effective dates.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, LosslessStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The years the service works with (agreements, bookings, invoices).
    public static let supportedYears = 1900...2200

    public init?(year: Int, month: Int, day: Int) {
        guard Self.supportedYears.contains(year), (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `daysSince1970` days after 1970-01-01 (before it when negative), in the Gregorian
    /// calendar, by Howard Hinnant's `civil_from_days`: integer arithmetic, exact, no Foundation
    /// calendar (which cost more than the rest of some requests). `nil` outside the supported years.
    public init?(daysSince1970: Int) {
        let civil = Self.civil(daysSince1970: daysSince1970)
        self.init(year: civil.year, month: civil.month, day: civil.day)
    }

    /// The Gregorian year, month and day of a day number, whatever the year (a UTC timestamp
    /// far ahead is written too).
    static func civil(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // March is 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The date and time of day of whole seconds since 1970-01-01 00:00 (UTC, or a wall clock's
    /// seconds read the same way), whatever the year: what timestamps are written from.
    public static func civil(seconds: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let ofDay = seconds - days * 86_400
        let date = civil(daysSince1970: days)
        return (date.year, date.month, date.day, ofDay / 3600, ofDay % 3600 / 60, ofDay % 60)
    }

    /// Days from 1970-01-01 to this date (negative before it): Hinnant's `days_from_civil`.
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits), byte by byte: every date column of a list is read so.
    public init?(_ text: String) {
        let parsed = text.utf8.withContiguousStorageIfAvailable(Self.fields) ?? Array(text.utf8).withUnsafeBufferPointer(Self.fields)
        guard let parsed else { return nil }
        self.init(year: parsed.year, month: parsed.month, day: parsed.day)
    }

    private static func fields(_ bytes: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return (year, month, day)
    }

    /// Parses `YYYY-MM-DD` given in `field`, saying what is wrong: not a date, or a date outside
    /// the years the service works with.
    public static func parse(_ text: String, field: String) throws -> CalendarDate {
        if let date = CalendarDate(text) { return date }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), !supportedYears.contains(year),
            let month = Int(parts[1]), let day = Int(parts[2]), parts[1].count == 2, parts[2].count == 2,
            (1...12).contains(month), (1...31).contains(day)
        {
            throw Problem.invalid(
                field, "\(text) is outside the dates this service handles: from \(supportedYears.lowerBound)-01-01 to \(supportedYears.upperBound)-12-31")
        }
        throw Problem.invalid(field, "\"\(text)\" is not a date YYYY-MM-DD")
    }

    public var description: String {
        "\(year)-\(zeroPadded(month, width: 2))-\(zeroPadded(day, width: 2))"  // years are 1900–2200: four digits
    }

    /// The same day `months` later (the month's last day when it has fewer: 31 August + 6 → 28 February).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (index / 12, index % 12 + 1)
        return CalendarDate(year: newYear, month: newMonth, day: min(day, Self.days(inMonth: newMonth, of: newYear)))!
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
