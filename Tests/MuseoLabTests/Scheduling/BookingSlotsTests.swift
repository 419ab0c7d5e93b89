import Foundation
import Testing
@testable import MuseoLab

/// Which slots a week offers, over loaded periods: no database.
@Suite struct BookingSlotsTests {
    static func at(_ time: String) -> Date { try! ParisClock.parse("2027-01-12 \(time)") }
    static func period(_ start: String, _ end: String) -> Period { Period(start: at(start), end: at(end)) }

    @Test func slotsStartOnTheHalfHourFitWhollyAndAreNeitherPastNorBeyondTheHorizon() {
        let free = PeriodSet([Self.period("09:10", "12:00"), Self.period("14:00", "15:00")])
        let slots = BookingSlots.slots(in: free, minutes: 60, notBefore: Self.at("00:00"), notAfter: Self.at("23:00"))
        #expect(slots.map { Self.French(ParisClock.time(of: $0.start)) } == ["09:30", "10:00", "10:30", "11:00", "14:00"])
        #expect(slots.allSatisfy { $0.minutes == 60 })
        let later = BookingSlots.slots(in: free, minutes: 60, notBefore: Self.at("10:15"), notAfter: Self.at("14:00"))
        #expect(later.map { Self.French(ParisClock.time(of: $0.start)) } == ["10:30", "11:00", "14:00"])
        #expect(BookingSlots.slots(in: free, minutes: 180, notBefore: Self.at("00:00"), notAfter: Self.at("23:00")).isEmpty)
    }

    @Test func whatIsFreeIsWhatBothSetsHold() {
        let open = PeriodSet([Self.period("09:00", "18:00")])
        let staff = PeriodSet([Self.period("08:00", "10:00"), Self.period("13:00", "20:00")])
        #expect(open.intersection(staff).periods == [Self.period("09:00", "10:00"), Self.period("13:00", "18:00")])
        #expect(open.intersection(PeriodSet()).isEmpty)
    }

    /// `09:30`
    static func French(_ time: LocalTime) -> String { time.description }
}
