import Foundation
import MuseoLabHTTP
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// The accountant's desk hands out the files the API hands out: the same bytes, as attachments.
@Suite struct DeskDownloadTests {
    @Test func theDesksFilesAreTheAPIsAndBadDatesAreSaidAtTheirField() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            try await t.consumable(quantity: 3, on: "2026-11-05")
            try await t.consumable("catalogue", on: "2026-11-06")
            let invoice = try await t.invoice(period: "2026-11", issuedOn: "2026-11-30")
            let note = try await t.lab.invoices.creditNote(
                correcting: invoice.id, reason: "Erreur", amounts: nil, by: t.people.accountant.actor)
            _ = try await t.lab.invoices.issue(note.id, on: CalendarDate("2026-12-01")!, by: t.people.accountant.actor)
            try await TestServer.with(t.lab) { server in
                let http = HTTPClient(server)
                let signIn = WebSignIn(database: t.lab.database, now: t.lab.now, linksPerAddress: 1_000, linksPerEmail: 1_000)
                let link = try #require(try await signIn.requestLink(email: t.people.accountant.user.email, from: "desk-tests") { $0 })
                // With a CSRF cookie already, no page sets one (URLSession would then send its stored cookies instead of these).
                let cookie = ["Cookie": "museolab_session=\(try await signIn.redeem(link.secret).secret); museolab_csrf=\(FormGuard.newToken())"]
                let id = invoice.id.text
                let pairs = [
                    ("/comptabilite/exports/registre.csv?du=2026-11-01&au=2026-12-31", "/v1/exports/register?from=2026-11-01&to=2026-12-31"),
                    ("/comptabilite/exports/fec.txt?du=2026-11-01&au=2026-12-31", "/v1/exports/fec?from=2026-11-01&to=2026-12-31"),
                    ("/comptabilite/factures/\(id)/facture.html", "/v1/invoices/\(id)/html"),
                    ("/comptabilite/factures/\(id)/facture.xml", "/v1/invoices/\(id)/ubl"),
                    ("/comptabilite/factures/\(id)/facture-cii.xml", "/v1/invoices/\(id)/cii"),
                    ("/comptabilite/factures/\(id)/facture.pdf", "/v1/invoices/\(id)/pdf"),
                ]
                for (web, api) in pairs {
                    let file = try await http.send("GET", web, headers: cookie)
                    let reference = try await http.get(api, token: t.people.accountant.token)
                    #expect(file.status == 200 && reference.status == 200, "\(web): \(file.status), \(api): \(reference.status)")
                    #expect(!file.body.isEmpty && file.body == reference.body, "\(web) differs from \(api)")
                    #expect(file.header("Content-Disposition")?.hasPrefix("attachment; filename=\"") == true, "\(web)")
                    if web.hasPrefix("/comptabilite/exports/") {
                        // Streamed as the domain writes it, as the API's: no length known before the last line.
                        #expect(file.header("Content-Length") == nil && file.header("Transfer-Encoding") == "chunked", "\(web): \(file.headers)")
                    } else {
                        #expect(file.header("Content-Length") == String(file.body.count), "\(web): one document, its length known")
                    }
                }
                let names = try await [
                    "/comptabilite/exports/registre.csv?du=2026-11-01&au=2026-12-31", "/comptabilite/exports/fec.txt?du=2026-11-01&au=2026-12-31",
                    "/comptabilite/factures/\(id)/facture.html", "/comptabilite/factures/\(id)/facture.xml",
                    "/comptabilite/factures/\(id)/facture-cii.xml", "/comptabilite/factures/\(id)/facture.pdf",
                ].asyncMap { try await http.send("GET", $0, headers: cookie).header("Content-Disposition") ?? "" }
                #expect(names[0] == "attachment; filename=\"registre-factures-2026-11-01-2026-12-31.csv\"")
                #expect(names[1].hasSuffix("FEC20261231.txt\""))
                #expect(names[2] == "attachment; filename=\"\(invoice.number!).html\"" && names[3] == "attachment; filename=\"\(invoice.number!)-ubl.xml\"")
                #expect(names[4] == "attachment; filename=\"\(invoice.number!)-cii.xml\"" && names[5] == "attachment; filename=\"\(invoice.number!).pdf\"")
                let pdf = try await http.send("GET", "/comptabilite/factures/\(id)/facture.pdf", headers: cookie)
                #expect(pdf.header("Content-Type") == "application/pdf" && pdf.body.starts(with: Array("%PDF-".utf8)))

                // Dates that do not read, or that end before they start: the exports page, 422, at the field.
                let unreadable = try await http.send("GET", "/comptabilite/exports/fec.txt?du=2026-11-31&au=2026-12-31", headers: cookie)
                #expect(unreadable.status == 422 && unreadable.text.contains("id=\"du-erreur\"") && !unreadable.text.contains("id=\"au-erreur\""))
                let reversed = try await http.send("GET", "/comptabilite/exports/registre.csv?du=2026-12-31&au=2026-11-01", headers: cookie)
                #expect(reversed.status == 422 && reversed.text.contains("id=\"au-erreur\""), "\(reversed.status) \(reversed.headers) \(reversed.text.prefix(300))")
                // A draft has no files yet: said, not a broken download.
                try await t.consumable(on: "2026-12-02")
                let draft = try await t.lab.invoices.draft(
                    customerId: TestLab.university, from: CalendarDate("2026-12-01")!, to: CalendarDate("2026-12-31")!, serviceCode: nil,
                    commitmentNumber: nil, by: t.people.accountant.actor)
                let noFile = try await http.send("GET", "/comptabilite/factures/\(draft.id.text)/facture.xml", headers: cookie)
                #expect(noFile.status == 409 && noFile.contentType.hasPrefix("text/html"))
                let noPDF = try await http.send("GET", "/comptabilite/factures/\(draft.id.text)/facture.pdf", headers: cookie)
                #expect(noPDF.status == 409 && noPDF.text.contains("produits à l’émission"))
                #expect(try await http.send("GET", "/comptabilite/factures/\(UUID().text)", headers: cookie).status == 404)
            }
        }
    }
}

extension Array where Element: Sendable {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
