import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// What the accountant's pages say of a refused tariff table: French, at its line, from the
/// domain's facts rather than its English detail.
@Suite struct DeskTextsTests {
    static let faults: [TariffTableFault] = [
        .header(expected: TariffGrid.columns), .cellCount(line: 3, found: 5, expected: 9), .code(line: 4, value: "Laser"),
        .duplicateCode(line: 5, code: "pla"), .label(line: 6), .unit(line: 7, value: "week"), .scope(line: 8, value: "gift"),
        .price(line: 9, value: "dix", category: "student"), .exemptionWithoutMention(line: 10), .vat(line: 11, value: "120%"),
        .noItem, .unknownCategory("mecene", known: ["founder_member", "student"]),
    ]

    @Test func everyTableFaultIsSaidInFrenchAtItsLine() {
        for fault in Self.faults {
            let said = DeskTexts.table(fault)
            if let line = fault.line {
                #expect(said.hasPrefix("Ligne \(line) : "), "\(said)")
            } else {
                #expect(!said.hasPrefix("Ligne"), "\(said)")
            }
            #expect(said.hasSuffix("."), "\(said)")
            for english in ["line ", " is not ", "expected", "appears", "must", "known:"] {
                #expect(!said.contains(english), "\(said) reads English: \(english)")
            }
        }
        #expect(DeskTexts.table(.price(line: 9, value: "dix", category: "student"))
            == "Ligne 9 : « dix » n'est pas un prix en euros pour la catégorie student (par exemple 12,50).")
        #expect(DeskTexts.table(.unknownCategory("mecene", known: ["founder_member", "student"]))
            == "La colonne « mecene » n'est pas une catégorie de client (catégories connues : founder_member, student).")
    }

    @Test func aRefusedTableIsSaidFromItsFactsAndNeverInEnglish() {
        let refusal = Problem.tariffTable(.vat(line: 11, value: "120%"))
        #expect(refusal.detail == "line 11: VAT \"120%\" is neither a rate like 20% nor \"exempt: <mention>\"", "the API's words are kept")
        #expect(DeskTexts.refusal(refusal)
            == "Le tableau est refusé, rien n'a été chargé. Ligne 11 : la TVA « 120% » n'est ni un taux comme 20% ni « exempt: » suivi de la mention légale.")
        // A refusal of the table without its facts still reads French, without the English detail.
        #expect(DeskTexts.refusal(Problem.invalid("table", "something in English")) == "Le tableau est refusé, rien n'a été chargé.")
    }

    @Test func missingLegalDataIsSaidInFrenchItemByItem() {
        let refusal = Problem(
            .conflict, "the French e-invoicing rules need, before this document is issued: …", field: "buyer.address",
            errors: [.init(field: "buyer.address", detail: "x"), .init(field: "buyer.siren", detail: "y")])
        #expect(DeskTexts.refusal(refusal) == "Les règles françaises de la facturation électronique demandent, avant l’émission : "
            + "l’adresse du client, sous la forme « rue, code postal ville » (sa fiche d’organisation) ; "
            + "le SIREN du client, qui identifie un acheteur professionnel (ses coordonnées de facturation : son SIRET suffit). Complétez puis émettez de nouveau.")
        // Every field the domain can name has its French words.
        var bare = InvoiceRulesTests.document(.draft, lines: [InvoiceRulesTests.line(1, cents: 100)])
        (bare.seller.siren, bare.seller.siret, bare.seller.vatId, bare.seller.address, bare.buyer.siren, bare.buyer.address) = (nil, nil, nil, nil, nil, nil)
        let fields = InvoiceRules.missingLegalData(bare).map(\.field)
        #expect(fields.count == 7 && fields.allSatisfy { DeskTexts.legalData[$0] != nil }, "\(fields)")
    }
}
