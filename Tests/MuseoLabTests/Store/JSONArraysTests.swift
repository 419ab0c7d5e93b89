import Foundation
import Testing
@testable import MuseoLab

/// The reader of PostgreSQL's aggregated rows reads what `json_agg(json_build_array(…))` writes.
@Suite struct JSONArraysTests {
    @Test func readsStringsNumbersBooleansNullsAndNestedRows() throws {
        let text = #"[["6f0b8d2e-0001-4000-8000-000000000001", 3, true, null, "l'Atrium \"A\" \\ \n\té\u00e9\ud83d\ude00/", -12.5e1, [[1, "09:00:00"], [2, "10:30:00"]], []],[false, 0]]"#
        let rows = Array(try JSONArrays(text))
        #expect(rows.count == 2)
        let first = rows[0]
        #expect(try first.uuid(0) == UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000001"))
        #expect(try first.int(1) == 3)
        #expect(try first.bool(2))
        #expect(first.optionalString(3) == nil)
        #expect(first.optionalBool(3) == nil)
        #expect(try first.string(4) == "l'Atrium \"A\" \\ \n\téé😀/")
        #expect(try first.int(5) == -125)
        let nested = try JSONArrays.Row.rows(at: 6, of: first)
        #expect(try nested.map { try $0.int(0) } == [1, 2])
        #expect(try nested[1].string(1) == "10:30:00")
        #expect(try JSONArrays.Row.rows(at: 7, of: first).isEmpty)
        #expect(try rows[1].bool(0) == false)
        #expect(try rows[1].instant(1) == Date(timeIntervalSince1970: 946_684_800), "microseconds since 2000")
        #expect(Array(try JSONArrays("[]")).isEmpty)
        #expect(Array(try JSONArrays(" [ [ ] ] ")).count == 1)
    }

    @Test func refusesWhatItCannotRead() {
        for text in ["", "{}", "[1]", "[[1]", "[[1,]]", "[[\"open]]", "[[tru]]", "[[1]] x", "[[\"\\x\"]]", "[[\"\\ud83d\"]]"] {
            #expect(throws: JSONArrays.Malformed.self, "\(text)") { _ = try JSONArrays(text) }
        }
        #expect(throws: JSONArrays.Malformed.self) { try JSONArrays("[[\"a\"]]").rows[0].int(0) }
    }
}
