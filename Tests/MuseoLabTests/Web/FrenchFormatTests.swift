import Foundation
import MuseoLab
import Testing
@testable import MuseoLabWeb

/// Dates, times and amounts as the pages write them: French conventions, Europe/Paris.
@Suite struct FrenchFormatTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func datesAndTimesAreFrenchInParisTime() {
        // 13:00 UTC in January is 14:00 in Paris; in July, 15:00.
        #expect(French.dateTime(Self.instant("2027-01-12T13:00:00Z")) == "mardi 12 janvier 2027, 14 h 00")
        #expect(French.dateTime(Self.instant("2027-07-01T13:05:00Z")) == "jeudi 1er juillet 2027, 15 h 05")
        let evening = Period(start: Self.instant("2027-01-12T13:00:00Z"), end: Self.instant("2027-01-12T15:30:00Z"))
        #expect(French.period(evening) == "mardi 12 janvier 2027, 14 h 00 – 16 h 30")
        let overnight = Period(start: Self.instant("2027-01-12T21:00:00Z"), end: Self.instant("2027-01-13T01:00:00Z"))
        #expect(French.period(overnight) == "mardi 12 janvier 2027, 22 h 00 – mercredi 13 janvier 2027, 2 h 00")
    }

    @Test func amountsHaveADecimalCommaAndThinSpaces() {
        #expect(French.euros(123_450) == "1\u{202F}234,50\u{00A0}€")
        #expect(French.euros(5) == "0,05\u{00A0}€")
        #expect(French.euros(-100_000_000) == "−1\u{202F}000\u{202F}000,00\u{00A0}€")
        #expect(French.grouped(999) == "999")
        #expect(French.hours(minutes: 90) == "1\u{00A0}h\u{00A0}30")
        #expect(French.hours(minutes: 120) == "2\u{00A0}h")
    }
}
