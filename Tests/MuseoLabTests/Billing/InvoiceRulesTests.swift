import Foundation
import Testing
@testable import MuseoLab

/// Rules of invoicing that the front ends used to hold, now the domain's: no database for the pure ones.
@Suite struct InvoiceRulesTests {
    @Test func aDraftsPeriodIsAPeriodOrFromAndTo() throws {
        let first = CalendarDate("2026-11-01")!, last = CalendarDate("2026-11-15")!
        #expect(try Invoices.period("2026-11", from: nil, to: nil) == (CalendarDate("2026-11-01")!, CalendarDate("2026-11-30")!))
        #expect(try Invoices.period(nil, from: first, to: last) == (first, last))
        func field(_ period: String?, _ from: CalendarDate?, _ to: CalendarDate?) -> String? {
            #expect(throws: Problem.self) { try Invoices.period(period, from: from, to: to) }
            do { _ = try Invoices.period(period, from: from, to: to); return nil } catch let problem as Problem { return problem.field } catch { return nil }
        }
        #expect(field(nil, nil, nil) == "period")
        #expect(field(nil, first, nil) == "to")
        #expect(field(nil, nil, last) == "from")
        #expect(field("2026-11", first, nil) == "period")
    }

    @Test func aLineIsCreditedOncePerCreditNote() throws {
        let a = UUID(), b = UUID()
        #expect(try Invoices.creditedAmounts([(a, 500), (b, 100)]) == [a: 500, b: 100])
        let twice = #expect(throws: Problem.self) { try Invoices.creditedAmounts([(a, 500), (b, 100), (a, 1)]) }
        #expect(twice?.field == "lines[2].lineId")
    }

    @Test func anEInvoiceIsForAnIssuedDocumentOnly() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            try await t.consumable(on: "2026-11-05")
            let (from, to) = try Invoices.period("2026-11")
            let draft = try await t.lab.invoices.draft(
                customerId: TestLab.university, from: from, to: to, serviceCode: nil, commitmentNumber: nil, by: t.people.accountant.actor)
            let refusal = #expect(throws: Problem.self) { try UBLDocument.render(draft) }
            #expect(refusal?.kind == .conflict && refusal?.detail.contains("issued document") == true)
            let issued = try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-11-30")!, by: t.people.accountant.actor)
            #expect(try UBLDocument.render(issued).contains("<cbc:ID>\(issued.number!)</cbc:ID>"))
        }
    }

    @Test func aStaffWindowIsBounded() async throws {
        try await TestLab.with { t in
            let start = Date()
            let long = await #expect(throws: Problem.self) {
                try await t.lab.staffAvailability.exceptions(t.people.manager.user.id, within: Period(start: start, end: start.addingTimeInterval(401 * 86_400)))
            }
            #expect(long?.field == "to")
            let backwards = await #expect(throws: Problem.self) {
                try await t.lab.staffAvailability.exceptions(t.people.manager.user.id, within: Period(start: start, end: start.addingTimeInterval(-60)))
            }
            #expect(backwards?.kind == .endNotAfterStart)
        }
    }
}
