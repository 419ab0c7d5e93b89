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

    static let day = CalendarDate("2026-11-30")!
    static let version = UUID()

    static func line(_ position: Int, cents: Int, item: UUID? = UUID()) -> Invoice.Line {
        Invoice.Line(
            id: UUID(), position: position, description: "Heure d'accompagnement", serviceDate: day, quantityMilli: 1500, unit: .hour,
            unitPriceCents: cents * 2 / 3, netCents: cents, vat: .rate(basisPoints: 2000), tariffVersionId: version, tariffItemCode: "support",
            billableItemId: item, correctsLineId: nil, isGoods: false)
    }

    static func document(_ status: Invoice.Status, kind: Invoice.Kind = .invoice, lines: [Invoice.Line], publicBody: Bool = false, siret: String? = nil)
        -> Invoice
    {
        let seller = InvoiceParty(
            name: "Louvre-Lens Vallée", legalForm: "Association loi 1901", address: "84 rue Paul Bert, 62300 Lens", siren: "797553567",
            siret: "79755356700034", vatId: "FR28797553567", email: nil, isPublicBody: false, isProfessional: true)
        let buyer = InvoiceParty(
            name: "Université d'Artois", legalForm: nil, address: "9 rue du Temple, 62030 Arras Cedex", siren: "196244016", siret: siret,
            vatId: nil, email: nil, isPublicBody: publicBody, isProfessional: true)
        return Invoice(
            id: UUID(), kind: kind, status: status, number: status == .issued ? "F2026-000001" : nil, customerOrganisationId: TestLab.university,
            seller: seller, buyer: buyer, periodStart: CalendarDate("2026-11-01")!, periodEnd: day, issueDate: nil, dueDate: nil,
            buyerServiceCode: nil, commitmentNumber: nil, correctsInvoiceId: nil, correctsNumber: nil, creditReason: nil, reopensItems: false,
            lines: lines, totals: DocumentTotals(lines: lines.map { ($0.netCents, $0.vat) }), paymentTermsDays: 30, latePenaltyRateBp: 1215,
            recoveryIndemnityCents: 4000, paymentIBAN: nil, paymentBIC: nil, chainPosition: nil, previousFootprint: nil, footprint: nil,
            issuedAt: nil, issuedBy: nil)
    }

    @Test func aCreditNoteTakesBackWhatIsLeftOfEachLineAndNoMore() throws {
        let (a, b) = (Self.line(1, cents: 9_000), Self.line(2, cents: 3_000))
        let invoice = Self.document(.issued, lines: [a, b])
        // In full: all that is left of every line, whole lines as they were.
        let full = try InvoiceRules.creditLines(of: invoice, alreadyCredited: [b.id: 1_000], amounts: nil)
        #expect(full.map(\.netCents) == [9_000, 2_000] && full.map(\.correctsLineId) == [a.id, b.id])
        #expect(full[0].quantityMilli == 1500 && full[0].unit == .hour && full[0].description == "Avoir : Heure d'accompagnement")
        #expect(full[1].quantityMilli == 1000 && full[1].unit == .unit && full[1].unitPriceCents == 2_000)
        #expect(full.allSatisfy { $0.billableItemId == nil && $0.tariffVersionId == Self.version && $0.vat == .rate(basisPoints: 2000) })
        // Some amounts, each within what is left.
        let some = try InvoiceRules.creditLines(of: invoice, alreadyCredited: [:], amounts: [b.id: 500])
        #expect(some.map(\.netCents) == [500] && some[0].correctsLineId == b.id)
        let over = #expect(throws: Problem.self) { try InvoiceRules.creditLines(of: invoice, alreadyCredited: [b.id: 2_800], amounts: [b.id: 201]) }
        #expect(over?.field == "lines" && over?.detail.contains("between 0,01 and 2,00 €") == true)
        #expect(throws: Problem.self) { try InvoiceRules.creditLines(of: invoice, alreadyCredited: [:], amounts: [b.id: 0]) }
        let stranger = #expect(throws: Problem.self) { try InvoiceRules.creditLines(of: invoice, alreadyCredited: [:], amounts: [UUID(): 100]) }
        #expect(stranger?.detail.contains("is not a line of F2026-000001") == true)
        #expect(throws: Problem.self) { try InvoiceRules.creditLines(of: invoice, alreadyCredited: [a.id: 9_000, b.id: 3_000], amounts: nil) }
        // Only an issued invoice is corrected.
        try InvoiceRules.checkCreditable(invoice)
        #expect(throws: Problem.self) { try InvoiceRules.checkCreditable(Self.document(.draft, lines: [a])) }
        #expect(throws: Problem.self) { try InvoiceRules.checkCreditable(Self.document(.issued, kind: .creditNote, lines: [a])) }
    }

    @Test func issuingNumbersDatesAndSealsADraft() throws {
        let draft = Self.document(.draft, lines: [Self.line(1, cents: 9_000)])
        try InvoiceRules.checkIssuable(draft)
        #expect(throws: Problem.self) { try InvoiceRules.checkIssuable(Self.document(.issued, lines: draft.lines)) }
        #expect(throws: Problem.self) { try InvoiceRules.checkIssuable(Self.document(.draft, lines: [])) }
        let noSiret = #expect(throws: Problem.self) { try InvoiceRules.checkIssuable(Self.document(.draft, lines: draft.lines, publicBody: true)) }
        #expect(noSiret?.field == "siret")
        try InvoiceRules.checkIssuable(Self.document(.draft, lines: draft.lines, publicBody: true, siret: "19623422400016"))
        // What the French rules need of the parties, each named at its field.
        var bare = draft
        (bare.seller.siren, bare.seller.siret, bare.seller.vatId, bare.seller.address) = (nil, nil, nil, "Lens")
        (bare.buyer.siren, bare.buyer.address) = (nil, nil)
        #expect(InvoiceRules.missingLegalData(bare).map(\.field) == [
            "seller.siren", "seller.siret", "seller.address", "sellerVatId", "buyer.address", "buyer.siren", "buyer.contactEmail",
        ])
        var person = bare
        (person.buyer.isProfessional, person.buyer.email, person.buyer.address) = (false, "camille@example.org", "3 place Jean Jaurès, 62300 Lens")
        #expect(InvoiceRules.missingLegalData(person).map(\.field) == ["seller.siren", "seller.siret", "seller.address", "sellerVatId"], "a person needs no SIREN")
        var exempt = draft
        exempt.lines[0].vat = .exempt(mention: "TVA non applicable, art. 261-7 du CGI")
        exempt.seller.vatId = nil
        #expect(InvoiceRules.missingLegalData(exempt).isEmpty, "no VAT charged: no VAT number needed")
        let refused = #expect(throws: Problem.self) { try InvoiceRules.checkIssuable(bare) }
        #expect(refused?.field == "seller.siren" && refused?.errors.count == 7)

        #expect(InvoiceRules.series(of: .invoice, issuedIn: 2026) == "F2026" && InvoiceRules.series(of: .creditNote, issuedIn: 2027) == "A2027")
        let issued = InvoiceRules.issued(draft, on: CalendarDate("2026-12-01")!, sequence: 42, chainPosition: 7, previousFootprint: Footprint.genesis)
        #expect(issued.number == "F2026-000042" && issued.issueDate == CalendarDate("2026-12-01")! && issued.dueDate == CalendarDate("2026-12-31")!)
        #expect(issued.chainPosition == 7 && issued.previousFootprint == Footprint.genesis && issued.footprint == nil)
        // Sealed with its files: the footprint is what the chain's verification recomputes, and it covers the files.
        let files = IssuedFiles.Digests(pdf: String(repeating: "a", count: 64), cii: String(repeating: "b", count: 64), ubl: String(repeating: "c", count: 64))
        let sealed = InvoiceRules.sealed(issued, files: files)
        #expect(sealed.footprint == Footprint.compute(sealed, previous: Footprint.genesis) && sealed.footprint?.count == 64)
        var otherPDF = files
        otherPDF.pdf = String(repeating: "d", count: 64)
        #expect(InvoiceRules.sealed(issued, files: otherPDF).footprint != sealed.footprint, "another PDF, another footprint")
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
