import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// The accountant sees on a draft what the French e-invoicing rules still need of its customer,
/// and issuing it anyway is refused at the page, in French, item by item, with nothing issued.
@Suite struct LegalDataPageTests {
    @Test func aDraftSaysWhatItsCustomerLacksAndIssuingItIsRefusedInFrench() async throws {
        try await TestLab.with { t in
            let company = try await t.lab.organisations.create(NewOrganisation(name: "Atelier sans papiers", tariffCategory: "partner"), by: t.people.admin.actor)
            try await t.consumable("filament-pla", on: "2026-12-02", for: company.id)
            let draft = try await t.lab.invoices.draft(
                customerId: company.id, from: CalendarDate("2026-12-01")!, to: CalendarDate("2026-12-31")!, serviceCode: nil, commitmentNumber: nil,
                by: t.people.accountant.actor)
            try await TestServer.with(t.lab) { server in
                let accountant = try await PageClient.signIn(t, server, as: t.people.accountant)
                let path = "/comptabilite/factures/\(draft.id.text)"
                let page = try await accountant.send("GET", path)
                #expect(page.status == 200 && page.text.contains("Avant l’émission, les règles françaises de la facturation électronique demandent encore"))
                for item in ["l’adresse du client", "le SIREN du client", "une adresse électronique pour le client"] {
                    #expect(page.text.contains(item), "the draft says: \(item)")
                }
                let refused = try await accountant.send("POST", path + "/emettre", ["confirme": "oui"])
                #expect(refused.status == 422 && refused.text.contains("Les règles françaises de la facturation électronique demandent, avant l’émission"))
                #expect(!refused.text.contains("e-invoicing rules"), "said in French, not in the API's English")
                #expect(try await t.lab.invoices.get(draft.id, by: t.people.accountant.actor).status == .draft, "nothing issued")

                _ = try await t.lab.organisations.update(
                    company.id, OrganisationChanges(siret: "55210055400013", address: "12 rue de la Gare, 62300 Lens"), by: t.people.admin.actor)
                #expect(!(try await accountant.send("GET", path)).text.contains("Avant l’émission"), "complete: nothing more is asked")
                #expect(try await accountant.send("POST", path + "/emettre", ["confirme": "oui"]).status == 303)
            }
        }
    }
}
