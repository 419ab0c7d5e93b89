import Foundation
import MuseoLab
import MuseoLabRuntime
import Testing

/// The accountant's desk in a real browser: Tests/browser/accountant_flows.py drives Debian's
/// chromium through Playwright against a server on a seeded database, reading the sign-in link
/// from a real SMTP sink to which the outbox delivers. Screenshots of every page (desktop and
/// 390 px) are kept in .build/artefacts/screenshots, beside the member's.
@Suite struct AccountantBrowserTests {
    @Test func anAccountantDraftsIssuesCreditsDownloadsAndExports() async throws {
        try await TestLab.with { t in
            // What the university is to be invoiced for this month: consumables handed out, at two VAT rates.
            // Its SIRET is set in the browser, as the accountant finds it missing.
            _ = try await t.lab.organisations.update(
                TestLab.university, OrganisationChanges(chorusServiceCode: "SERV-MUSEOLAB"), by: t.people.admin.actor)
            let today = ParisClock.date(of: t.lab.now())
            let first = try #require(CalendarDate(year: today.year, month: today.month, day: 1))
            try await t.consumable("filament-pla", quantity: 3, on: first.description)
            try await t.consumable("catalogue", quantity: 2, on: today.description)

            let sink = try SMTPSink()
            defer { sink.stop() }
            let mails = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-mails-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: mails, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: mails) }
            let downloads = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-downloads-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: downloads) }
            try FileManager.default.createDirectory(at: BrowserTests.screenshots, withIntermediateDirectories: true)

            let (status, output) = try await TestServer.with(t.lab) { server in
                let browser = try BrowserRun.start([
                    ProjectFolders.root.appendingPathComponent("Tests/browser/accountant_flows.py").path,
                    server.base, mails.path, BrowserTests.screenshots.path, t.people.accountant.user.email, downloads.path,
                    ProjectFolders.root.appendingPathComponent("sql/seed/tariffs-2026.tsv").path,
                ])
                return try await browser.result(delivering: t.lab.database, to: sink, into: mails)
            }
            #expect(status == 0, "\(output)")
            #expect(output.hasSuffix("ok\n"), "\(output)")

            // What the browser did is in the books: an invoice and its credit note, issued and chained.
            let accountant = t.people.accountant.actor
            let documents = try await t.lab.invoices.list(customerId: TestLab.university, status: .issued, kind: nil, by: accountant)
            #expect(documents.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.creditNote, .invoice])
            let invoice = try #require(documents.first { $0.kind == .invoice })
            #expect(invoice.lines.count == 3, "the two consumables drafted and the one entered in the browser")
            #expect(invoice.commitmentNumber == "EJ-2026-0042")
            let university = try await t.lab.organisations.get(TestLab.university, by: accountant)
            #expect(university.siret == TestLab.universitySIRET && university.accountingAccount == "CUNIVARTOIS", "set in the browser")
            let chain = try await t.lab.invoices.verifyChain(by: accountant)
            #expect(chain.valid && chain.documents == 2)
            #expect(try await t.lab.tariffs.versions().map(\.effectiveFrom.description).contains("2030-01-01"), "the version loaded in the browser")
        }
    }
}
