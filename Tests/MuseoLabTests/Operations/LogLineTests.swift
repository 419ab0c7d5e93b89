import Foundation
import Testing
@testable import MuseoLabRuntime

/// The server's log lines, written by hand: each a JSON object a parser reads back as it was given.
@Suite struct LogLineTests {
    @Test func aLineIsJSONWithItsFieldsAsGiven() throws {
        let fields = [
            "message": "request \"quoted\" \\ back/slash\nnew line\ttab \u{01} é 😀", "path": "/v1/sessions", "status": "201", "a": "",
        ]
        let line = JSONLogHandler.line(fields)
        #expect(line.hasSuffix("}\n"))
        #expect(line.split(separator: "\n").count == 1, "one line, whatever the message holds")
        #expect(line.contains(#""path":"/v1/sessions""#), "slashes are not escaped")
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(parsed == fields)
        #expect(line.hasPrefix(#"{"a":"","message":"#), "keys in order")
    }

    @Test func timesAreUTCToTheMillisecond() {
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1_796_595_225.0079)) == "2026-12-06T22:13:45.007Z")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1_709_164_800.25)) == "2024-02-29T00:00:00.250Z")
    }
}
