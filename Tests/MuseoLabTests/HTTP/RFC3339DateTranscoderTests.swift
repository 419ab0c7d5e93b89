import Foundation
import MuseoLabHTTP
import Testing

/// The API's own date transcoder agrees with Foundation's ISO 8601 formatter, which it replaced.
@Suite struct RFC3339DateTranscoderTests {
    let transcoder = RFC3339DateTranscoder()

    @Test func readsOffsetsZuluAndFractions() throws {
        let reference = Date(timeIntervalSince1970: 1_796_115_600)  // 2026-12-01T09:00:00Z
        #expect(try transcoder.decode("2026-12-01T10:00:00+01:00") == reference)
        #expect(try transcoder.decode("2026-12-01T09:00:00Z") == reference)
        #expect(try transcoder.decode("2026-12-01t09:00:00z") == reference)
        #expect(try transcoder.decode("2026-12-01T04:30:00-04:30") == reference)
        #expect(try transcoder.decode("2026-12-01T09:00:00.250Z") == reference.addingTimeInterval(0.25))
        #expect(try transcoder.decode("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(try transcoder.decode("1969-12-31T23:59:59Z") == Date(timeIntervalSince1970: -1))
    }

    @Test func refusesWhatIsNotADateTime() {
        for text in [
            "", "2026-12-01", "2026-12-01T10:00:00", "2026-12-01 10:00:00Z", "2026-13-01T10:00:00Z", "2026-02-29T10:00:00Z",
            "2026-04-31T10:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z", "2026-12-01T10:00:60Z", "2026-12-01T10:00:00.Z",
            "2026-12-01T10:00:00+0100", "2026-12-01T10:00:00+01:00x", "2026-12-01T10:00:00+24:00", "２０２６-12-01T10:00:00Z",
            "2026-12-01T10:00:00\u{0}Z", "-2026-12-01T10:00:00Z",
        ] {
            #expect(throws: DecodingError.self, "\(text.debugDescription)") { try transcoder.decode(text) }
        }
    }

    @Test func agreesWithFoundationOnManyInstants() throws {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            // 1900 to 2200, to the second.
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)))
            let text = try transcoder.encode(date)
            #expect(text == formatter.string(from: date))
            #expect(try transcoder.decode(text) == date)
            let offset = Int.random(in: -14...14, using: &generator) * 3600 + [0, 1800, 2700].randomElement(using: &generator)!
            formatter.timeZone = TimeZone(secondsFromGMT: offset)
            let local = formatter.string(from: date)
            formatter.timeZone = TimeZone(secondsFromGMT: 0)
            #expect(try transcoder.decode(local) == date, "\(local)")
        }
        #expect(try transcoder.encode(Date(timeIntervalSince1970: 1_796_115_600.999)) == "2026-12-01T09:00:00Z")
    }
}
