import Foundation
import MuseoLabHTTP
import Testing
@testable import MuseoLab

/// The accountant's exports: the invoice register for spreadsheets and the sales journal in
/// the FEC layout, both read back field by field.
@Suite struct AccountingExportTests {
    final class Collected: @unchecked Sendable {
        var text = ""
        var writes = 0
    }

    static func collect(_ export: (@Sendable (String) async throws -> Void) async throws -> Void) async throws -> Collected {
        let collected = Collected()
        try await export { piece in
            collected.text += piece
            collected.writes += 1
        }
        return collected
    }

    /// Two invoices (one with two VAT rates) and a partial credit note, issued in November.
    static func november(_ t: TestLab) async throws -> [Invoice] {
        try await t.prepareUniversityForChorus()
        let accountant = t.people.accountant.actor
        let museum = try await t.lab.organisations.create(
            NewOrganisation(name: "Musée; \"Les Mines\"", siret: "55210055400013",
                            tariffCategory: "partner", address: "Rue Paul Bert, 62300 Lens", customerAccount: "MINES"),
            by: t.people.admin.actor)
        try await t.consumable("filament-pla", quantity: 2, on: "2026-11-03")
        try await t.consumable("catalogue", quantity: 3, on: "2026-11-04")
        try await t.consumable("plywood-3mm", quantity: 4, on: "2026-11-05", for: museum.id)
        let first = try await t.invoice(period: "2026-11", issuedOn: "2026-11-20")
        let second = try await t.invoice(period: "2026-11", issuedOn: "2026-11-21", customer: museum.id, commitment: nil)
        let filament = try #require(first.lines.first { $0.tariffItemCode == "filament-pla" })
        let draft = try await t.lab.invoices.creditNote(correcting: first.id, reason: "geste", amounts: [filament.id: 1050], by: accountant)
        let credit = try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-11-25")!, by: accountant)
        // Out of the range: issued in December.
        try await t.consumable(on: "2026-12-01")
        _ = try await t.invoice(period: "2026-12", issuedOn: "2026-12-02")
        return [first, second, credit]
    }

    @Test func theRegisterHasOneRowPerDocumentWithTotalsPerRate() async throws {
        try await TestLab.with { t in
            let documents = try await Self.november(t)
            let export = t.lab.accountingExport
            let register = try await Self.collect { write in
                try await export.register(from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-30")!, by: t.people.accountant.actor, write: write)
            }
            #expect(register.text.hasPrefix("\u{FEFF}"), "UTF-8 with a byte-order mark, for spreadsheets")
            let rows = register.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.count == 4, "a header and the three November documents")
            #expect(rows[0] == "Type;Numéro;Date;Échéance;Client;SIREN;SIRET;Compte client;Document corrigé;Base HT 20 %;TVA 20 %;Base HT 5,5 %;TVA 5,5 %;Total HT;Total TVA;Total TTC")
            #expect(rows[1].hasPrefix("Facture;F2026-000001;2026-11-20;2026-12-20;Université d'Artois;196244016;\(TestLab.universitySIRET);"))
            #expect(rows[1].hasSuffix(";50,00;10,00;36,00;1,98;86,00;11,98;97,98"))
            #expect(rows[2].contains("\"Musée; \"\"Les Mines\"\"\";552100554;55210055400013;") && rows[2].contains(";MINES;"), "quoted as CSV wants; the auxiliary account set")
            #expect(rows[2].hasSuffix(";26,00;5,20;0,00;0,00;26,00;5,20;31,20"))
            #expect(rows[3].hasPrefix("Avoir;A2026-000001;2026-11-25;") && rows[3].contains(";F2026-000001;"))
            #expect(rows[3].hasSuffix(";-10,50;-2,10;0,00;0,00;-10,50;-2,10;-12,60"), "credit notes count negatively")
            #expect(documents.count == 3)
            let cells = rows.map { $0.split(separator: ";", omittingEmptySubsequences: false) }
            #expect(cells[0].count == 16 && cells[1].count == 16 && cells[3].count == 16)
        }
    }

    @Test func theFECJournalBalancesEntryByEntry() async throws {
        try await TestLab.with { t in
            _ = try await Self.november(t)
            let accountant = t.people.accountant.actor
            _ = try await t.lab.billingSettings.update(BillingSettingsChanges(revenueAccount: "706100", vatCollectedAccount: "445712"), by: accountant)
            let export = t.lab.accountingExport
            let fec = try await Self.collect { write in
                try await export.fec(from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-30")!, by: accountant, write: write)
            }
            #expect(fec.writes == 4, "the header, then one write per document: it streams")
            let rows = fec.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: "\t") }
            #expect(rows[0] == AccountingExport.fecColumns)
            #expect(rows[0].count == 18)
            let entries = rows.dropFirst()
            #expect(entries.allSatisfy { $0.count == 18 })
            func cents(_ text: String) -> Int { Money.parseCents(text)! }
            var balance: [String: (debit: Int, credit: Int)] = [:]
            for row in entries {
                #expect(row[0] == "VE" && row[1] == "Journal des ventes")
                #expect(row[3].count == 8 && row[3].allSatisfy(\.isNumber) && row[3].hasPrefix("202611"), "AAAAMMJJ")
                #expect(row[9] == row[3] && row[15] == row[3])
                #expect(!row[11].contains(".") && !row[12].contains("."), "decimal comma")
                balance[row[2], default: (0, 0)].debit += cents(row[11])
                balance[row[2], default: (0, 0)].credit += cents(row[12])
            }
            #expect(balance.count == 3)
            #expect(balance.values.allSatisfy { $0.debit == $0.credit }, "every entry balanced: \(balance)")
            let accounts = Set(entries.map { $0[4] })
            #expect(accounts == ["411000", "706100", "445712"])
            let customers = entries.filter { $0[4] == "411000" }
            #expect(customers.map { $0[6] } == ["C6F0B8D2E", "MINES", "C6F0B8D2E"], "auxiliary accounts")
            #expect(customers.map { $0[8] } == ["F2026-000001", "F2026-000002", "A2026-000001"])
            #expect(customers[2][12] == "12,60", "a credit note credits the customer")
            let vatOfFirst = entries.filter { $0[8] == "F2026-000001" && $0[4] == "445712" }.map { $0[12] }
            #expect(vatOfFirst == ["10,00", "1,98"], "VAT collected per rate")
            #expect(try await export.fecFileName(to: CalendarDate("2026-11-30")!) == "797553567FEC20261130.txt")
        }
    }

    @Test func exportsAreTheAccountantsAndNeedAnOrderedRange() async throws {
        try await TestLab.with { t in
            let export = t.lab.accountingExport
            for person in [t.people.member, t.people.manager] {
                let refusal = await #expect(throws: Problem.self) {
                    try await export.fec(from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-30")!, by: person.actor) { _ in }
                }
                #expect(refusal?.kind.status == 403)
            }
            let backwards = await #expect(throws: Problem.self) {
                try await export.register(from: CalendarDate("2026-11-30")!, to: CalendarDate("2026-11-01")!, by: t.people.accountant.actor) { _ in }
            }
            #expect(backwards?.field == "to")
            // An empty range is a file with only its header.
            let empty = try await Self.collect { write in
                try await export.fec(from: CalendarDate("2020-01-01")!, to: CalendarDate("2020-12-31")!, by: t.people.accountant.actor, write: write)
            }
            #expect(empty.text == AccountingExport.fecColumns.joined(separator: "\t") + "\r\n")
        }
    }
}
