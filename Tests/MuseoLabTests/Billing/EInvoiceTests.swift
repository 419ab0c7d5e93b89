import EmbeddedPostgres
import Foundation
import MuseoLabRuntime
import Testing
@testable import MuseoLab

/// The documents a customer receives: UBL 2.1 and CII, checked against their XSD, the official
/// EN 16931 rules and the French rules (BR-FR Flux 2); the Factur-X PDF made once as each is
/// issued, read back with factur-x as its recipient would; the printable page with every French mention.
@Suite struct EInvoiceTests {
    /// Where the files the tests made are kept to look at: XML, PDF, page 1 as PNG.
    static let artefacts = ProjectFolders.root.appendingPathComponent(".build/artefacts/invoices")

    /// Every kind of document the service issues: an invoice to the university (a public body,
    /// with service code and commitment number) with lines at 20 %, 5,5 % and exempt, goods and
    /// services; the full credit note cancelling it; a second invoice to the university credited
    /// on one line; an invoice to a company and one to a private person, who owes no indemnity.
    static func documents(_ t: TestLab) async throws -> [Invoice] {
        try await t.prepareUniversityForChorus()
        let accountant = t.people.accountant.actor
        _ = try await t.lab.billingSettings.update(
            BillingSettingsChanges(paymentIBAN: "FR76 3000 6000 0112 3456 7890 189", paymentBIC: "AGRIFRPP"), by: accountant)
        let table = try String(contentsOf: ProjectFolders.sql.appendingPathComponent("seed/tariffs-2026.tsv"), encoding: .utf8)
            + "formation\tFormation professionnelle continue\tunit\tconsumable\t\t\texempt: TVA non applicable, art. 261-4-4° a du CGI\t100,00\t100,00\t100,00\t100,00\t100,00\t0,00\n"
        _ = try await t.lab.tariffs.load(table, effectiveFrom: CalendarDate("2026-10-01")!, label: "Grille d'octobre", by: accountant)
        try await t.consumable("filament-pla", quantity: 3, on: "2026-11-03")
        try await t.consumable("catalogue", quantity: 2, on: "2026-11-04")
        try await t.consumable("formation", on: "2026-11-05")
        _ = try await t.lab.database.write(as: accountant, action: "tests") { session in
            try await BillableItems.create(.init(kind: .supportOverage, customer: TestLab.university, agreementId: TestLab.agreement,
                                                 serviceDate: CalendarDate("2026-11-06")!, description: "heures au-delà du quota 2026", minutes: 100), session)
        }
        let invoice = try await t.invoice(period: "2026-11", issuedOn: "2026-11-30")
        let full = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "erreur de destinataire", amounts: nil, by: accountant)
        let creditNote = try await t.lab.invoices.issue(full.id, on: CalendarDate("2026-12-02")!, by: accountant)

        try await t.consumable("filament-pla", quantity: 2, on: "2026-12-01")
        try await t.consumable("catalogue", on: "2026-12-01")
        let second = try await t.invoice(period: "2026-12-01..2026-12-02", issuedOn: "2026-12-02")
        let partial = try await t.lab.invoices.creditNote(
            correcting: second.id, reason: "bobine défectueuse", amounts: [second.lines[0].id: 2500], by: accountant)
        let lineCredit = try await t.lab.invoices.issue(partial.id, on: CalendarDate("2026-12-03")!, by: accountant)

        let admin = t.people.admin.actor
        let company = try await t.lab.organisations.create(
            NewOrganisation(name: "Ateliers Numériques du Bassin minier", legalForm: "SAS", siret: "55210055400013", tariffCategory: "partner",
                            contactEmail: "compta@ateliers-bassin.example", address: "12 rue de la Gare, 62300 Lens"), by: admin)
        try await t.consumable("filament-pla", quantity: 4, on: "2026-12-02", for: company.id)
        let toCompany = try await t.invoice(period: "2026-12", issuedOn: "2026-12-03", customer: company.id, commitment: nil)
        let person = try await t.lab.organisations.create(
            NewOrganisation(name: "Camille Martin", tariffCategory: "individual", contactEmail: "camille.martin@example.org",
                            address: "3 place Jean Jaurès, 62300 Lens"), by: admin)
        try await t.consumable("catalogue", on: "2026-12-02", for: person.id)
        let toPerson = try await t.invoice(period: "2026-12", issuedOn: "2026-12-03", customer: person.id, commitment: nil)
        return [invoice, creditNote, second, lineCredit, toCompany, toPerson]
    }

    /// The UBL and CII kept with each document, written out to validate and to look at.
    static func files(_ documents: [Invoice], _ t: TestLab) async throws -> [(invoice: Invoice, ubl: String, cii: String, pdf: Data)] {
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        var files: [(Invoice, String, String, Data)] = []
        for invoice in documents {
            let accountant = t.people.accountant.actor
            let ubl = String(decoding: try await t.lab.invoices.file(.ubl, of: invoice.id, by: accountant), as: UTF8.self)
            let cii = String(decoding: try await t.lab.invoices.file(.cii, of: invoice.id, by: accountant), as: UTF8.self)
            let pdf = try await t.lab.invoices.file(.pdf, of: invoice.id, by: accountant)
            try Data(ubl.utf8).write(to: artefacts.appendingPathComponent("\(invoice.number!)-ubl.xml"))
            try Data(cii.utf8).write(to: artefacts.appendingPathComponent("\(invoice.number!)-cii.xml"))
            try pdf.write(to: artefacts.appendingPathComponent("\(invoice.number!).pdf"))
            files.append((invoice, ubl, cii, pdf))
        }
        return files
    }

    @Test func everyDocumentPassesTheSchemasEN16931AndTheFrenchRulesInUBLAndCII() async throws {
        try await TestLab.with { t in
            let documents = try await Self.documents(t)
            #expect(documents.map(\.number) == ["F2026-000001", "A2026-000001", "F2026-000002", "A2026-000002", "F2026-000003", "F2026-000004"])
            #expect(documents[0].totals.groups.map(\.vat.label) == ["20 %", "5,5 %", "TVA non applicable, art. 261-4-4° a du CGI"])
            let files = try await Self.files(documents, t)
            let verdict = try await EInvoiceRules.validate(files.flatMap { [$0.ubl, $0.cii] })
            #expect(verdict.passed, "\(verdict.report)")
            #expect(verdict.report.occurrences(of: "UBL: XSD + EN16931+BR-FR") == 6 && verdict.report.occurrences(of: "CII: XSD + EN16931+BR-FR") == 6)

            let flat = files.map { (ubl: $0.ubl.compacted, cii: $0.cii.compacted) }
            let (invoice, credit) = (flat[0], flat[1])
            // The French rules' own terms, in both syntaxes.
            #expect(invoice.ubl.xmlValue(of: "cbc:ProfileID") == "M1", "goods and services: the mixed invoicing frame (BT-23)")
            #expect(invoice.cii.contains("<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>M1</ram:ID>"))
            #expect(flat[4].ubl.xmlValue(of: "cbc:ProfileID") == "B1", "filament only: goods")
            for code in ["PMD", "PMT", "AAB"] {
                #expect(invoice.ubl.contains("<cbc:Note>#\(code)#"), "BR-FR-05: \(code)")
                #expect(invoice.cii.contains("<ram:SubjectCode>\(code)</ram:SubjectCode>"), "BR-FR-05: \(code)")
            }
            #expect(flat[5].ubl.contains("#PMT#Indemnité forfaitaire pour frais de recouvrement : non applicable, client non professionnel."))
            #expect(invoice.ubl.contains("<cbc:EndpointID schemeID=\"0225\">797553567</cbc:EndpointID>"), "the seller's electronic address (BT-34)")
            #expect(invoice.ubl.contains("<cbc:EndpointID schemeID=\"0009\">\(TestLab.universitySIRET)</cbc:EndpointID>"), "Chorus Pro routes by SIRET (BT-49)")
            #expect(flat[5].ubl.contains("<cbc:EndpointID schemeID=\"EM\">camille.martin@example.org</cbc:EndpointID>"), "a person: her e-mail")
            #expect(invoice.ubl.contains("<cbc:CompanyID schemeID=\"0002\">196244016</cbc:CompanyID>"), "the buyer's SIREN (BT-47)")
            #expect(invoice.ubl.contains("<cbc:CompanyID schemeID=\"0002\">797553567</cbc:CompanyID>"), "the seller's SIREN (BT-30)")
            #expect(invoice.cii.contains("<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">196244016</ram:ID>"))
            #expect(flat[4].ubl.contains("<cbc:CompanyID schemeID=\"0002\">552100554</cbc:CompanyID>"), "a SIREN read off the SIRET")
            #expect(credit.ubl.contains("<cac:InvoiceDocumentReference><cbc:ID>F2026-000001</cbc:ID><cbc:IssueDate>2026-11-30</cbc:IssueDate>"), "BR-FR-CO-05")
            #expect(credit.cii.contains("<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>F2026-000001</ram:IssuerAssignedID><ram:FormattedIssueDateTime><qdt:DateTimeString format=\"102\">20261130</qdt:DateTimeString>"))
            // What Chorus Pro reads.
            #expect(invoice.ubl.xmlValue(of: "cbc:CustomizationID") == "urn:cen.eu:en16931:2017")
            #expect(invoice.ubl.xmlValue(of: "cbc:DueDate") == "2026-12-30")
            #expect(invoice.ubl.xmlValue(of: "cbc:BuyerReference") == "SERV-MUSEOLAB" && invoice.cii.xmlValue(of: "ram:BuyerReference") == "SERV-MUSEOLAB")
            #expect(invoice.ubl.contains("<cac:OrderReference><cbc:ID>EJ-2026-0042</cbc:ID></cac:OrderReference>"), "the legal commitment number")
            #expect(invoice.cii.contains("<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>EJ-2026-0042</ram:IssuerAssignedID>"))
            #expect(invoice.ubl.contains("<cbc:CompanyID>FR28797553567</cbc:CompanyID>"), "the seller's VAT number")
            #expect(invoice.ubl.occurrences(of: "<cac:TaxSubtotal>") == 3 && invoice.cii.occurrences(of: "<ram:ApplicableTradeTax><ram:CalculatedAmount>") == 3)
            // 3 × 25,00 + 1 h 40 × 45,00 (75,00) at 20 %: 150,00 → 30,00; 2 × 12,00 at 5,5 %: 1,32.
            #expect(documents[0].totals.vatCents == 3000 + 132)
            #expect(invoice.ubl.xmlValue(of: "cbc:TaxAmount") == "31.32" && invoice.cii.xmlValue(of: "ram:TaxTotalAmount") == "31.32")
            #expect(credit.ubl.xmlValue(of: "cbc:CreditNoteTypeCode") == "381" && credit.cii.xmlValue(of: "ram:TypeCode") == "381")
            #expect(credit.ubl.xmlValue(of: "cbc:PayableAmount") == invoice.ubl.xmlValue(of: "cbc:PayableAmount"), "it cancels the whole invoice")
            #expect(flat[3].cii.xmlValue(of: "ram:DuePayableAmount") == "30.00", "25,00 of one line back, with its 20 %")
        }
    }

    @Test func eachPDFIsFacturXWithTheCIIInsideAndStaysAsIssued() async throws {
        try await TestLab.with { t in
            let documents = try await Self.documents(t)
            let files = try await Self.files(documents, t)
            for file in files {
                let name = file.invoice.number!
                let pdf = Self.artefacts.appendingPathComponent("\(name).pdf").path
                let extracted = Self.artefacts.appendingPathComponent("\(name)-from-pdf.xml")
                let read = try await ChildProcess.run(
                    "/usr/bin/env", ["python3", ProjectFolders.root.appendingPathComponent("Tests/tools/facturx_extract.py").path, pdf, extracted.path])
                #expect(read.succeeded, "\(name): \(read.output)")
                #expect(read.output.contains("file=factur-x.xml level=en16931 pdfa=3B"), "\(name): \(read.output)")
                #expect(try Data(contentsOf: extracted) == Data(file.cii.utf8), "\(name): the PDF carries the CII, byte for byte")
                #expect(file.invoice.files?.pdf == Footprint.sha256(file.pdf), "\(name): the footprint seals these bytes")
            }

            // Page 1 as a person sees it, kept as an artefact; its text has the French mentions.
            let pdf = Self.artefacts.appendingPathComponent("F2026-000001.pdf").path
            let png = try await ChildProcess.run("/usr/bin/env", ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, Self.artefacts.appendingPathComponent("F2026-000001-page1").path])
            #expect(png.succeeded, "\(png.output)")
            let image = try Data(contentsOf: Self.artefacts.appendingPathComponent("F2026-000001-page1.png"))
            #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]) && image.count > 20_000, "a rendered page, not a blank one")
            let text = try await ChildProcess.run("/usr/bin/env", ["pdftotext", "-layout", pdf, "-"])
            for mention in ["Facture n° F2026-000001", "SIREN 797553567", "Code service (Chorus Pro) : SERV-MUSEOLAB", "EJ-2026-0042",
                            "Pénalités de retard", "Indemnité forfaitaire pour frais de recouvrement : 40,00 €", "Pas d’escompte",
                            "Document n° 1 de la chaîne"] {
                #expect(text.output.contains(mention), "the PDF says: \(mention)")
            }

            // A settings change or an organisation's new address changes documents issued later, not the PDF a customer received.
            let accountant = t.people.accountant.actor
            _ = try await t.lab.billingSettings.update(BillingSettingsChanges(paymentTermsDays: 45, latePenaltyRateBp: 1500), by: accountant)
            _ = try await t.lab.organisations.update(TestLab.university, OrganisationChanges(address: "1 rue Nouvelle, 62000 Arras"), by: t.people.admin.actor)
            #expect(try await t.lab.invoices.file(.pdf, of: documents[0].id, by: accountant) == files[0].pdf)
            #expect(try await t.lab.invoices.file(.cii, of: documents[0].id, by: accountant) == Data(files[0].cii.utf8))
            #expect(try await t.lab.invoices.verifyChain(by: accountant).valid)

            // The database keeps the files as issued, and the chain notices bytes changed behind its back.
            for statement in [
                "UPDATE issued_files SET ubl = 'x', ubl_sha256 = encode(sha256(convert_to('x', 'UTF8')), 'hex')",
                "DELETE FROM issued_files",
                "UPDATE issued_files SET pdf_sha256 = repeat('0', 64)",
            ] {
                await #expect(throws: Problem.self, "refused: \(statement)") { try await t.rawSQL(statement) }
            }
            try await t.rawSQL(
                as: .superuser, "SET LOCAL session_replication_role = replica",
                "UPDATE issued_files SET pdf = pdf || '\\x0a'::bytea, pdf_sha256 = encode(sha256(pdf || '\\x0a'::bytea), 'hex') WHERE invoice_id = '\(documents[2].id.text)'")
            let verdict = try await t.lab.invoices.verifyChain(by: accountant)
            #expect(!verdict.valid && verdict.brokenAt == "F2026-000002", "\(verdict)")
        }
    }

    @Test func theValidatorCatchesBrokenDocuments() async throws {
        // Controls for the checks above: a document made wrong on purpose must fail, in each syntax, for the rule broken.
        try await TestLab.with { t in
            let documents = try await Self.documents(t)
            let ubl = String(decoding: try await t.lab.invoices.file(.ubl, of: documents[0].id, by: t.people.accountant.actor), as: UTF8.self)
            let cii = String(decoding: try await t.lab.invoices.file(.cii, of: documents[1].id, by: t.people.accountant.actor), as: UTF8.self)
            let inclusive = try #require(ubl.xmlValue(of: "cbc:TaxInclusiveAmount"))
            let badTotal = ubl.replacingOccurrences(
                of: "<cbc:TaxInclusiveAmount currencyID=\"EUR\">\(inclusive)</cbc:TaxInclusiveAmount>",
                with: "<cbc:TaxInclusiveAmount currencyID=\"EUR\">1.00</cbc:TaxInclusiveAmount>")
            let noPenaltyCode = cii.replacingOccurrences(of: "<ram:SubjectCode>PMD</ram:SubjectCode>", with: "")
            let oldFrame = ubl.replacingOccurrences(of: "<cbc:ProfileID>M1</cbc:ProfileID>", with: "<cbc:ProfileID>A1</cbc:ProfileID>")
            let noReferenceDate = cii.replacingOccurrences(of: #"<ram:FormattedIssueDateTime>\s*<qdt:DateTimeString format="102">20261130</qdt:DateTimeString>\s*</ram:FormattedIssueDateTime>"#, with: "", options: .regularExpression)
            let cases = [(badTotal, "BR-CO-15"), (noPenaltyCode, "BR-FR-05"), (oldFrame, "BR-FR-08"), (noReferenceDate, "BR-FR-CO-05")]
            for (broken, rule) in cases {
                #expect(broken != ubl && broken != cii, "the document was changed for \(rule)")
                let verdict = try await EInvoiceRules.validate([broken])
                #expect(!verdict.passed, "\(rule)")
                #expect(verdict.report.contains("id=\(rule)"), "\(rule): \(verdict.report)")
            }
        }
    }

    @Test func missingLegalDataIsNamedBeforeIssuing() async throws {
        try await TestLab.with { t in
            let admin = t.people.admin.actor, accountant = t.people.accountant.actor
            let company = try await t.lab.organisations.create(NewOrganisation(name: "Atelier sans papiers", tariffCategory: "partner"), by: admin)
            try await t.consumable("filament-pla", on: "2026-12-02", for: company.id)
            let (from, to) = try Invoices.period("2026-12")
            let draft = try await t.lab.invoices.draft(customerId: company.id, from: from, to: to, serviceCode: nil, commitmentNumber: nil, by: accountant)
            let refusal = await #expect(throws: Problem.self) { try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-12-03")!, by: accountant) }
            #expect(refusal?.kind == .conflict)
            #expect(refusal?.errors.map(\.field) == ["buyer.address", "buyer.siren", "buyer.contactEmail"], "\(String(describing: refusal))")
            #expect(refusal?.detail.contains("Atelier sans papiers's SIREN") == true)
            // Nothing was issued: no number used, the draft is still a draft.
            #expect(try await t.lab.invoices.get(draft.id, by: accountant).status == .draft)

            _ = try await t.lab.organisations.update(
                company.id, OrganisationChanges(siret: "55210055400013", address: "12 rue de la Gare, 62300 Lens"), by: admin)
            let issued = try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-12-03")!, by: accountant)
            #expect(issued.number == "F2026-000001", "the refused attempt used no number")
        }
    }

    @Test func withoutItsPrinterNothingIsIssuedAndNothingIsLost() async throws {
        try await TestLab.with { t in
            let missing = FacturXPrinter(python: "python3-not-installed")
            guard case .failure(let said) = await missing.check() else { Issue.record("a missing Python passed the check"); return }
            #expect(said.kind == .unavailable && said.detail.contains("python3-not-installed"), "\(said)")
            try await t.prepareUniversityForChorus()
            try await t.consumable(on: "2026-11-05")
            let accountant = t.people.accountant.actor
            let (from, to) = try Invoices.period("2026-11")
            let draft = try await t.lab.invoices.draft(customerId: TestLab.university, from: from, to: to, serviceCode: nil, commitmentNumber: nil, by: accountant)
            for lab in [
                MuseoLab(client: t.client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, printer: missing),
                MuseoLab(client: t.client, logger: TestLog.logger, connectionWait: TestLog.connectionWait),
            ] {
                let refusal = await #expect(throws: Problem.self) { try await lab.invoices.issue(draft.id, on: CalendarDate("2026-11-30")!, by: accountant) }
                #expect(refusal?.kind == .unavailable, "\(String(describing: refusal))")
            }
            #expect(try await t.lab.invoices.get(draft.id, by: accountant).status == .draft)
            #expect(try await t.count("SELECT count(*) FROM document_counters WHERE series = 'F2026'") == 0, "no number used")
            let issued = try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-11-30")!, by: accountant)
            #expect(issued.number == "F2026-000001")

            // A document issued before files were kept (its files removed behind the triggers' back, as such a
            // document never had them): no PDF, said; its e-invoices made again from what it froze.
            try await t.rawSQL(as: .superuser, "SET LOCAL session_replication_role = replica", "DELETE FROM issued_files WHERE invoice_id = '\(issued.id.text)'")
            let noPDF = await #expect(throws: Problem.self) { try await t.lab.invoices.file(.pdf, of: issued.id, by: accountant) }
            #expect(noPDF?.kind == .conflict && noPDF?.detail.contains("issued before PDFs were kept") == true)
            let cii = try await t.lab.invoices.file(.cii, of: issued.id, by: accountant)
            #expect(String(decoding: cii, as: UTF8.self).contains("<ram:ID>F2026-000001</ram:ID>"))
        }
    }

    @Test func thePrintableInvoiceCarriesEveryFrenchMention() async throws {
        try await TestLab.with { t in
            let documents = try await Self.documents(t)
            let (invoice, creditNote) = (documents[0], documents[1])
            let html = InvoiceHTML.render(invoice)
            for mention in [
                "Facture n° F2026-000001", "Louvre-Lens Vallée", "SIREN 797553567", "SIRET 79755356700034", "N° TVA intracommunautaire FR28797553567",
                "Université d&apos;Artois", "SIRET \(TestLab.universitySIRET)", "Date d'émission : 2026-11-30", "Date d'échéance : 2026-12-30",
                "Période des prestations : du 2026-11-01 au 2026-11-30",
                "Nature des opérations : livraisons de biens et prestations de services", "Code service (Chorus Pro) : SERV-MUSEOLAB",
                "N° d'engagement juridique : EJ-2026-0042", "Prix unitaire HT", "TVA non applicable, art. 261-4-4° a du CGI",
                "Pénalités de retard : 12,15 % l’an", "Indemnité forfaitaire pour frais de recouvrement : 40,00 €", "Pas d’escompte pour paiement anticipé",
                "IBAN FR7630006000011234567890189", "empreinte SHA-256 \(invoice.footprint!)",
            ] {
                #expect(html.contains(mention), "missing: \(mention)")
            }
            #expect(html.contains("<td>2026-11-03</td>"), "each line's service date")
            let credit = InvoiceHTML.render(creditNote)
            #expect(credit.contains("Avoir n° A2026-000001") && credit.contains("Avoir sur la facture n° F2026-000001 : erreur de destinataire"))
        }
    }
}

extension String {
    /// The XML without the indentation between elements.
    var compacted: String { replacingOccurrences(of: ">\\s+<", with: "><", options: .regularExpression) }
}
