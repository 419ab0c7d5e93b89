import Foundation
import Synchronization

/// Europe/Paris's offset from UTC at an instant, as the system's time zone data says, read once
/// per UTC day: on a day whose two ends have the same offset (all but the two days a year the
/// clocks change), that offset holds the whole day. Foundation's calendar, asked at every
/// conversion, was most of what computing a week of slots cost.
enum ParisOffsets {
    /// Offsets in seconds by UTC day number (days since 1970-01-01): the day's, or `nil` when it
    /// changes that day. Bounded by the days the service works with (about 110,000 at most).
    private static let byDay = Mutex<[Int: Int?]>([:])

    /// The offset in seconds at `seconds` since 1970-01-01 UTC.
    static func seconds(at seconds: Double) -> Int {
        let day = Int((seconds / 86_400).rounded(.down))
        if let known = byDay.withLock({ $0[day] }) {
            if let offset = known { return offset }
            return zoneOffset(at: seconds)
        }
        let first = zoneOffset(at: Double(day * 86_400)), last = zoneOffset(at: Double(day * 86_400 + 86_399))
        byDay.withLock { $0[day] = .some(first == last ? first : nil) }
        return first == last ? first : zoneOffset(at: seconds)
    }

    private static func zoneOffset(at seconds: Double) -> Int {
        ParisTime.zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
    }
}
