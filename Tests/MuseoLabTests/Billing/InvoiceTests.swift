import Foundation
import MuseoLabHTTP
import Testing
@testable import MuseoLab

/// Invoices: priced by the grid in force, numbered without gap or duplicate, final once issued.
@Suite struct InvoiceTests {
    @Test func eachKindOfItemIsPricedByTheGridInForce() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            let day = CalendarDate("2026-11-24")!
            // A consumable, an overage billed, a room rental and its service fees, straight from the domain.
            _ = try await t.lab.billableItems.addConsumable(customerId: TestLab.university, tariffCode: "filament-pla", quantity: 3, serviceDate: day,
                                                            description: nil, by: t.people.manager.actor)
            try await t.lab.database.write(as: accountant, action: "tests") { session in
                try await BillableItems.create(.init(kind: .supportOverage, customer: TestLab.university, agreementId: TestLab.agreement,
                                                     serviceDate: day, description: "test", minutes: 90), session)
                let booking = try await session.first(
                    """
                    INSERT INTO room_bookings (room_id, layout_id, requester_user_id, organisation_id, purpose, attendees, period)
                    VALUES ('6f0b8d2e-0005-4000-8000-000000000001', '6f0b8d2e-0006-4000-8000-000000000001', \(t.people.member.user.id),
                            \(TestLab.university), 'x', 10, tstzrange('2026-11-24 09:00+01', '2026-11-24 18:00+01'))
                    RETURNING id
                    """)!.decode(UUID.self)
                for kind in [BillableItem.Kind.roomRental, .roomServiceFees] {
                    try await BillableItems.create(.init(kind: kind, customer: TestLab.university, agreementId: TestLab.agreement, roomBookingId: booking,
                                                         serviceDate: day, description: "Atrium", minutes: 540), session)
                }
            }
            let draft = try await t.lab.invoices.draft(
                customerId: TestLab.university, from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-30")!, serviceCode: "SERV-MUSEOLAB",
                commitmentNumber: "EJ-2026-0042", by: accountant)
            let byCode = Dictionary(grouping: draft.lines, by: { $0.tariffItemCode ?? "" })
            #expect(byCode["filament-pla"]?.first?.netCents == 7500, "3 × 25,00")
            #expect(byCode["support-hour"]?.first.map { [$0.quantityMilli, $0.netCents] } == [1500, 6750], "1,5 h × 45,00 at the founder-member rate")
            // 9 hours of Atrium: three half-days (4 h each begun) at 250 are cheaper than two days at 400.
            #expect(byCode["atrium-half-day"]?.first.map { [$0.quantityMilli, $0.netCents] } == [3000, 75000])
            #expect(byCode["atrium-day"] == nil)
            #expect(byCode["cleaning"]?.first?.netCents == 6000)
            #expect(byCode["setup"]?.first?.netCents == 4000)
            #expect(byCode["technician-atrium"]?.first.map { [$0.quantityMilli, $0.netCents] } == [9000, 31500])
            #expect(draft.totals.netCents == 7500 + 6750 + 75000 + 6000 + 4000 + 31500)
            #expect(draft.totals.groups.map(\.vat) == [.rate(basisPoints: 2000)])
            #expect(draft.totals.vatCents == Money.multiply(draft.totals.netCents, by: 2000, over: 10_000))
            #expect(draft.buyerServiceCode == "SERV-MUSEOLAB")
        }
    }

    @Test func vatIsComputedPerRateOnTheSumOfLineNets() {
        // Three lines of 10,01 € at 20 %: line by line 3 × 2,00 = 6,00; on the sum 30,03 × 20 % = 6,01.
        let lines = Array(repeating: (net: 1001, vat: VATTreatment.rate(basisPoints: 2000)), count: 3)
        let totals = DocumentTotals(lines: lines + [(net: 1234, vat: .rate(basisPoints: 550)), (net: 500, vat: .exempt(mention: "TVA non applicable, art. 261 D du CGI"))])
        #expect(totals.groups.count == 3)
        #expect(totals.groups[0].taxableCents == 3003 && totals.groups[0].vatCents == 601)
        #expect(totals.groups[1].taxableCents == 1234 && totals.groups[1].vatCents == 68, "12,34 × 5,5 % = 0,6787")
        #expect(totals.groups[2].vatCents == 0)
        #expect(totals.netCents == 4737 && totals.vatCents == 669 && totals.grossCents == 5406)
        #expect(Money.multiply(1333, by: 4500, over: 1000) == 5999, "1,333 h × 45,00 = 59,985 → 59,99")
        #expect(Money.decimal(-123456) == "-1234,56")
        #expect(Money.parseCents("5,5") == 550 && Money.parseCents("12.05") == 1205 && Money.parseCents("1,234") == nil)
    }

    @Test func issuingNumbersFreezesAndLocks() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            let item = try await t.consumable(quantity: 2, on: "2026-11-05")
            #expect(item.netCents == 5000 && item.tariffVersionId != nil, "priced when recorded, by the grid in force that day")
            let draft = try await t.lab.invoices.draft(
                customerId: TestLab.university, from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-30")!, serviceCode: nil,
                commitmentNumber: nil, by: accountant)
            #expect(draft.status == .draft && draft.number == nil)
            #expect(draft.buyerServiceCode == "SERV-MUSEOLAB", "the organisation's service code by default")
            // The item is taken by this draft: a second draft finds nothing.
            await #expect(throws: Problem.self) {
                _ = try await t.lab.invoices.draft(customerId: TestLab.university, from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-30")!,
                                                   serviceCode: nil, commitmentNumber: nil, by: accountant)
            }
            // Members and managers do not issue invoices.
            await #expect(throws: Problem.self) { _ = try await t.lab.invoices.issue(draft.id, by: t.people.manager.actor) }

            let issued = try await t.lab.invoices.issue(draft.id, on: CalendarDate("2026-11-30")!, by: accountant)
            #expect(issued.number == "F2026-000001")
            #expect(issued.issueDate == CalendarDate("2026-11-30") && issued.dueDate == CalendarDate("2026-12-30"), "30 days")
            #expect(issued.chainPosition == 1 && issued.previousFootprint == Footprint.genesis)
            #expect(issued.footprint?.count == 64)
            #expect(issued.buyer.siret == TestLab.universitySIRET && issued.seller.name == "Louvre-Lens Vallée")
            #expect(issued.seller.vatId == "FR28797553567")
            #expect(try await t.lab.billableItems.list(customerId: TestLab.university, status: .invoiced, by: accountant).map(\.id) == [item.id])
            await #expect(throws: Problem.self) { _ = try await t.lab.invoices.issue(draft.id, by: accountant) }
            await #expect(throws: Problem.self) { _ = try await t.lab.invoices.discard(draft.id, by: accountant) }

            // What the document said stays, whatever changes afterwards.
            _ = try await t.lab.organisations.update(TestLab.university, OrganisationChanges(name: "Université d'Artois (renamed)"), by: t.people.admin.actor)
            _ = try await t.lab.billingSettings.update(BillingSettingsChanges(paymentTermsDays: 45), by: accountant)
            let reread = try await t.lab.invoices.find("f2026-000001", by: accountant)
            #expect(reread == issued)

            // The grid version that priced it is locked: reloading it is refused; the database refuses edits too.
            #expect(reread.lines.first?.tariffVersionId != nil)
            let grid = try String(contentsOf: ProjectFolders.sql.appendingPathComponent("seed/tariffs-2026.tsv"), encoding: .utf8)
            await #expect(throws: Problem.self) {
                _ = try await t.lab.tariffs.load(grid, effectiveFrom: CalendarDate("2026-01-01")!, label: nil, by: accountant)
            }
            #expect(try await t.lab.tariffs.inForce(on: CalendarDate("2026-11-30")!).lockedAt != nil)
            let refusedPrice = await #expect(throws: Problem.self) { try await t.rawSQL("UPDATE tariff_prices SET unit_price_cents = 1") }
            #expect(refusedPrice?.detail.contains("priced an issued invoice") == true)
        }
    }

    @Test func theDatabaseRefusesToChangeOrDeleteAnIssuedInvoice() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            try await t.consumable(on: "2026-11-05")
            let issued = try await t.invoice(period: "2026-11", issuedOn: "2026-11-30")
            let id = issued.id.text
            for statement in [
                "UPDATE invoices SET total_net_cents = 1 WHERE id = '\(id)'",
                "UPDATE invoices SET status = 'draft' WHERE id = '\(id)'",
                "DELETE FROM invoices WHERE id = '\(id)'",
                "UPDATE invoice_lines SET net_cents = 1 WHERE invoice_id = '\(id)'",
                "DELETE FROM invoice_lines WHERE invoice_id = '\(id)'",
                """
                INSERT INTO invoice_lines (invoice_id, position, description, service_date, quantity_milli, unit, unit_price_cents, net_cents, vat_rate_bp)
                VALUES ('\(id)', 9, 'ajout', '2026-11-30', 1000, 'unit', 100, 100, 2000)
                """,
                "UPDATE document_counters SET last_number = 0",
                "DELETE FROM document_counters",
            ] {
                let refusal = await #expect(throws: Problem.self, "refused: \(statement)") { try await t.rawSQL(statement) }
                #expect(refusal?.kind.status == 409, "\(statement)")
            }
            #expect(try await t.lab.invoices.get(issued.id, by: t.people.accountant.actor) == issued)
            #expect(try await t.lab.invoices.verifyChain(by: t.people.accountant.actor).valid)
        }
    }

    @Test func aDiscardedDraftGivesItsItemsBack() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            let item = try await t.consumable(on: "2026-11-05")
            let (from, to) = try Invoices.period("2026-11")
            #expect(try await t.lab.billableItems.toInvoice(by: accountant).map(\.id) == [item.id], "to invoice until drafted")
            let draft = try await t.lab.invoices.draft(customerId: TestLab.university, from: from, to: to, serviceCode: nil, commitmentNumber: nil, by: accountant)
            #expect(try await t.lab.billableItems.toInvoice(by: accountant).isEmpty, "a draft holds it")
            let discarded = try await t.lab.invoices.discard(draft.id, by: accountant)
            #expect(discarded.status == .discarded)
            #expect(try await t.lab.billableItems.toInvoice(by: accountant).map(\.id) == [item.id], "given back by the discarded draft")
            await #expect(throws: Problem.self) { _ = try await t.lab.billableItems.toInvoice(by: t.people.member.actor) }
            await #expect(throws: Problem.self) { _ = try await t.lab.invoices.issue(draft.id, by: accountant) }
            await #expect(throws: Problem.self) { try await t.rawSQL("UPDATE invoices SET status = 'draft' WHERE id = '\(draft.id.text)'") }
            let again = try await t.lab.invoices.draft(customerId: TestLab.university, from: from, to: to, serviceCode: nil, commitmentNumber: nil, by: accountant)
            #expect(again.lines.map(\.billableItemId) == [item.id])
            // Nothing was numbered for the discarded draft: the first issued number is 1.
            #expect(try await t.lab.invoices.issue(again.id, on: CalendarDate("2026-11-30")!, by: accountant).number == "F2026-000001")
        }
    }

    /// The seed has the university's SIREN, not its SIRET: drafting says what is missing and where
    /// it is set; the accountant sets it there (its billing details only), and the draft goes through.
    @Test func aPublicBodyIsDraftedOnlyWithItsSIRETWhichTheAccountantSets() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let accountant = t.people.accountant
            try await t.consumable(on: "2026-11-05")
            let draft: [String: Any] = ["customerId": TestLab.university.text, "from": "2026-11-01", "to": "2026-11-30"]
            let refused = try await http.send("POST", "/v1/invoices/drafts", token: accountant.token, json: draft)
            #expect(refused.isProblem(409, type: "conflict") && refused.json["field"] as? String == "siret", "\(refused.text)")
            #expect(refused.json["detail"] as? String == "Université d'Artois is a public body: its invoices go through Chorus Pro, which needs its SIRET "
                + "(14 digits); set the organisation's siret (its billing details), then draft again")
            #expect(try await t.count("SELECT count(*) FROM invoices") == 0, "nothing was drafted")

            let path = "/v1/organisations/\(TestLab.university.text)"
            let before = try await http.get(path, token: accountant.token)
            #expect(before.json["missingForInvoicing"] as? [String] == ["siret"])
            #expect(before.json["accountingAccount"] as? String == "C6F0B8D2E", "derived from the id while none is set")
            // The accountant sets billing details, nothing else; a SIRET of another SIREN is refused.
            #expect(try await http.send("PATCH", path, token: accountant.token, json: ["name": "Artois"]).isProblem(403))
            let foreign = try await http.send("PATCH", path, token: accountant.token, json: ["siret": "79755356700034"])
            #expect(foreign.isProblem(422) && foreign.json["field"] as? String == "siret", "\(foreign.text)")
            #expect(try await http.send("PATCH", path, token: accountant.token, json: ["customerAccount": "c-univ"]).isProblem(422))
            let set = try await http.send(
                "PATCH", path, token: accountant.token, json: ["siret": TestLab.universitySIRET, "customerAccount": "CUNIVARTOIS"])
            #expect(set.status == 200, "\(set.text)")
            #expect(set.json["siren"] as? String == "196244016" && set.json["siret"] as? String == TestLab.universitySIRET)
            #expect(set.json["missingForInvoicing"] as? [String] == [] && set.json["accountingAccount"] as? String == "CUNIVARTOIS")

            let drafted = try await http.send("POST", "/v1/invoices/drafts", token: accountant.token, json: draft)
            #expect(drafted.status == 201, "\(drafted.text)")
            let id = try #require(UUID(uuidString: drafted.json["id"] as? String ?? ""))
            let issued = try await t.lab.invoices.issue(id, on: CalendarDate("2026-11-30")!, by: accountant.actor)
            let fec = try await http.get("/v1/exports/fec?from=2026-11-01&to=2026-11-30", token: accountant.token)
            #expect(fec.status == 200 && fec.text.contains("\tCUNIVARTOIS\tUniversité d'Artois\t"), "the account set is the one exported: \(fec.text)")
            #expect(issued.buyer.siret == TestLab.universitySIRET)
        }
    }

    @Test func creditNotesCorrectInFullOrInPart() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            try await t.consumable("filament-pla", quantity: 2, on: "2026-11-05")
            try await t.consumable("catalogue", quantity: 3, on: "2026-11-06")
            let invoice = try await t.invoice(period: "2026-11", issuedOn: "2026-11-30")
            #expect(invoice.totals.netCents == 5000 + 3600)

            // In part: 10,00 of the filament line.
            let filament = try #require(invoice.lines.first { $0.tariffItemCode == "filament-pla" })
            let partial = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "bobine défectueuse", amounts: [filament.id: 1000], by: accountant)
            #expect(partial.kind == .creditNote && partial.correctsNumber == "F2026-000001")
            #expect(partial.totals.netCents == 1000 && partial.totals.vatCents == 200)
            let overdrawn = await #expect(throws: Problem.self) {
                _ = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "trop", amounts: [filament.id: 4001], by: accountant)
            }
            #expect(overdrawn?.field == "lines", "10,00 are on the draft credit note: 40,00 at most are left")
            let issuedPartial = try await t.lab.invoices.issue(partial.id, on: CalendarDate("2026-12-01")!, by: accountant)
            #expect(issuedPartial.number == "A2026-000001", "credit notes have their own series")
            #expect(issuedPartial.dueDate == nil || issuedPartial.dueDate! >= issuedPartial.issueDate!)
            await #expect(throws: Problem.self) {
                _ = try await t.lab.invoices.creditNote(correcting: issuedPartial.id, reason: "avoir d'avoir", amounts: nil, by: accountant)
            }

            // In full: what is left of every line, and the items come back to be invoiced again.
            let full = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "facture annulée", amounts: nil, reopenItems: true, by: accountant)
            #expect(full.totals.netCents == invoice.totals.netCents - 1000)
            #expect(full.lines.map(\.correctsLineId) == invoice.lines.map(\.id))
            let issuedFull = try await t.lab.invoices.issue(full.id, on: CalendarDate("2026-12-01")!, by: accountant)
            #expect(issuedFull.number == "A2026-000002")
            let credited = issuedPartial.totals.grossCents + issuedFull.totals.grossCents
            #expect(credited == invoice.totals.grossCents, "the invoice is cancelled to the cent")
            await #expect(throws: Problem.self) {
                _ = try await t.lab.invoices.creditNote(correcting: invoice.id, reason: "encore", amounts: nil, by: accountant)
            }
            let reopened = try await t.lab.billableItems.list(customerId: TestLab.university, status: .open, by: accountant)
            #expect(reopened.count == 2 && reopened.allSatisfy { $0.description.contains("avoir A2026-000002 sur F2026-000001") && $0.netCents != nil })
            #expect(try await t.lab.invoices.verifyChain(by: accountant) == ChainVerification(documents: 3, valid: true, brokenAt: nil, problem: nil))
        }
    }

    @Test func theFootprintChainShowsTampering() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            var numbers: [String] = []
            for month in ["09", "10", "11"] {
                try await t.consumable(on: "2026-\(month)-10")
                let invoice = try await t.invoice(period: "2026-\(month)", issuedOn: "2026-\(month)-28")
                let expectedPrevious = numbers.isEmpty ? Footprint.genesis : try await t.lab.invoices.find(numbers[numbers.count - 1], by: accountant).footprint
                #expect(invoice.previousFootprint == expectedPrevious)
                numbers.append(invoice.number!)
            }
            #expect(try await t.lab.invoices.verifyChain(by: accountant).valid)
            // Someone with superuser rights bypasses the triggers and edits the second invoice's line.
            try await t.rawSQL(
                as: .superuser, "SET LOCAL session_replication_role = replica",
                "UPDATE invoice_lines SET net_cents = net_cents + 100 WHERE invoice_id = (SELECT id FROM invoices WHERE number = '\(numbers[1])')")
            let verdict = try await t.lab.invoices.verifyChain(by: accountant)
            #expect(!verdict.valid && verdict.brokenAt == numbers[1])
            #expect(verdict.problem?.contains("does not match its footprint") == true)

            let run = try await CommandLineTool.run(["audit", "verify"], databaseURL: t.databaseURL)
            #expect(run.status == 1 && run.output.contains("CHAIN BROKEN at \(numbers[1])"), "\(run.output)")
        }
    }

    @Test func theGridInForceOnTheServiceDatePricesIt() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            let june = try await t.consumable("catalogue", on: "2026-06-30")
            let july = try await t.consumable("catalogue", on: "2026-07-01")
            #expect([june.netCents, july.netCents] == [1200, 1200])
            // A new grid from July: 15,00 for the catalogue, and an exempt training.
            let table = """
                code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tfounder_member\tpartner
                catalogue\tCatalogue d'exposition\tunit\tconsumable\t\t\t5,5%\t15,00\t15,00
                formation\tFormation professionnelle\tunit\tconsumable\t\t\texempt: Exonération de TVA, article 261-4-4° a du CGI\t100,00\t120,00
                """
            let july2026 = try await t.lab.tariffs.load(table, effectiveFrom: CalendarDate("2026-07-01")!, label: "Grille de juillet", by: accountant)
            #expect(july2026.items.map(\.code) == ["catalogue", "formation"])
            let items = try await t.lab.billableItems.list(customerId: TestLab.university, status: .open, by: accountant)
            #expect(items.map(\.netCents) == [1200, 1500], "July's item is priced again by July's grid")
            #expect(items.map(\.tariffVersionId) == [june.tariffVersionId, july2026.id])
            try await t.consumable("formation", on: "2026-07-02")
            let invoice = try await t.invoice(period: "2026", issuedOn: "2026-07-31")
            #expect(invoice.lines.map(\.netCents) == [1200, 1500, 10000])
            #expect(invoice.totals.groups.map(\.vat) == [.rate(basisPoints: 550), .exempt(mention: "Exonération de TVA, article 261-4-4° a du CGI")])
            #expect(invoice.totals.vatCents == 149, "27,00 × 5,5 % = 1,485 → 1,49")
            // Both versions priced the issued invoice: both are locked.
            #expect(try await t.lab.tariffs.versions().allSatisfy { $0.lockedAt != nil })
        }
    }

    @Test func aGridTableIsCheckedBeforeAnythingIsLoaded() async throws {
        try await TestLab.with { t in
            let accountant = t.people.accountant.actor
            let header = "code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tfounder_member"
            let categories = try await t.lab.organisations.tariffCategories().map(\.code).sorted()
            // Each refusal says why as facts (for the pages' own words) and in the API's detail;
            // lines are counted as a spreadsheet shows them, blank and comment lines included.
            let cases: [(String, TariffTableFault, String)] = [
                ("code\tlabel\n", .header(expected: ["code", "label", "unit", "applies_to", "room", "machine_category", "vat"]), "the first line must be"),
                ("\(header)\nx\tX\tweek\tconsumable\t\t\t20%\t1,00", .unit(line: 2, value: "week"), "unit \"week\""),
                ("\(header)\n\n# gifts\nx\tX\tunit\tgift\t\t\t20%\t1,00", .scope(line: 4, value: "gift"), "line 4: applies_to \"gift\""),
                ("\(header)\nx\tX\tunit\tconsumable\t\t\t120%\t1,00", .vat(line: 2, value: "120%"), "VAT \"120%\""),
                ("\(header)\nx\tX\tunit\tconsumable\t\t\texempt:\t1,00", .exemptionWithoutMention(line: 2), "legal mention"),
                ("\(header)\nx\tX\tunit\tconsumable\t\t\t20%\tdix", .price(line: 2, value: "dix", category: "founder_member"), "\"dix\" is not a price"),
                ("\(header)\nx\tX\tunit\tconsumable\t\t\t20%\t1,00\nx\tY\tunit\tconsumable\t\t\t20%\t1,00", .duplicateCode(line: 3, code: "x"), "appears twice"),
                ("\(header)\nLaser\tX\tunit\tconsumable\t\t\t20%\t1,00", .code(line: 2, value: "Laser"), "the code \"Laser\""),
                ("\(header)\nx\t\tunit\tconsumable\t\t\t20%\t1,00", .label(line: 2), "line 2: the label"),
                ("\(header)\nx\tX\tunit", .cellCount(line: 2, found: 3, expected: 8), "3 cells, 8 expected"),
                ("\(header)\n", .noItem, "no item"),
                ("code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tmecene\nx\tX\tunit\tconsumable\t\t\t20%\t1,00",
                 .unknownCategory("mecene", known: categories), "mecene is not a customer category"),
            ]
            for (table, fault, message) in cases {
                let refusal = await #expect(throws: Problem.self) {
                    _ = try await t.lab.tariffs.load(table, effectiveFrom: CalendarDate("2027-01-01")!, label: nil, by: accountant)
                }
                #expect(refusal?.field == "table" && refusal?.detail.contains(message) == true, "\(refusal?.detail ?? "accepted") ~ \(message)")
                #expect(refusal?.fault == .tariffTable(fault), "\(String(describing: refusal?.fault)) ~ \(fault)")
                // The preview refuses what loading refuses, for the same reason.
                let previewRefusal = await #expect(throws: Problem.self) { _ = try await t.lab.tariffs.preview(table, by: accountant) }
                #expect(previewRefusal?.field == "table" && previewRefusal?.detail == refusal?.detail, "preview: \(previewRefusal?.detail ?? "accepted")")
                #expect(previewRefusal?.fault == refusal?.fault)
            }
            // A good table is previewed item by item, in its order, and nothing is recorded.
            let preview = try await t.lab.tariffs.preview(
                "\(header)\n# a comment\nkit\tKit\tunit\tconsumable\t\t\t5,5%\t10,01\nhour\tHeure\thour\tsupport\t\t\texempt: Art. 261\t", by: accountant)
            #expect(preview.map(\.item.code) == ["kit", "hour"])
            #expect(preview.map(\.line) == [3, 4], "the comment line counts, as in a spreadsheet")
            // Lines ended by CRLF, as a browser posts a textarea, read the same.
            let crlf = try await t.lab.tariffs.preview("\(header)\r\nkit\tKit\tunit\tconsumable\t\t\t5,5%\t10,01\r\n", by: accountant)
            #expect(crlf.map(\.item.code) == ["kit"] && crlf.first?.item.prices == ["founder_member": 1001])
            #expect(preview.map(\.item.prices) == [["founder_member": 1001], [:]])
            #expect(preview.map(\.item.vat) == [.rate(basisPoints: 550), .exempt(mention: "Art. 261")])
            await #expect(throws: Problem.self) { _ = try await t.lab.tariffs.preview("\(header)\nx\tX\tunit\tconsumable\t\t\t20%\t1,00", by: t.people.manager.actor) }
            await #expect(throws: Problem.self) {
                _ = try await t.lab.tariffs.load("\(header)\nx\tX\tunit\tconsumable\t\t\t20%\t1,00", effectiveFrom: CalendarDate("2027-01-01")!,
                                                 label: nil, by: t.people.manager.actor)
            }
            let versions = try await t.lab.tariffs.versions()
            #expect(versions.count == 1, "only the shipped example grid")
        }
    }

    @Test func roundingPerInvoiceDiffersFromRoundingPerLine() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let accountant = t.people.accountant.actor
            let table = """
                code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tfounder_member
                kit\tKit électronique\tunit\tconsumable\t\t\t20%\t10,01
                support-hour\tHeure d'accompagnement\thour\tsupport\t\t\t20%\t45,00
                """
            _ = try await t.lab.tariffs.load(table, effectiveFrom: CalendarDate("2026-11-01")!, label: nil, by: accountant)
            for day in ["2026-11-02", "2026-11-03", "2026-11-04"] { try await t.consumable("kit", on: day) }
            let invoice = try await t.invoice(period: "2026-11", issuedOn: "2026-11-30")
            #expect(invoice.lines.map(\.netCents) == [1001, 1001, 1001])
            let perLine = invoice.lines.map { Money.multiply($0.netCents, by: 2000, over: 10_000) }.reduce(0, +)
            #expect(perLine == 600, "2,002 rounds to 2,00 three times")
            #expect(invoice.totals.vatCents == 601, "30,03 × 20 % = 6,006 → 6,01")
            #expect(invoice.totals.grossCents == 3604)
            let ubl = try UBLDocument.render(invoice)
            #expect(ubl.xmlValue(of: "cbc:TaxAmount") == "6.01")
            #expect(ubl.xmlValue(of: "cbc:PayableAmount") == "36.04")
        }
    }

    @Test func unsupervisedMachineUseOutsideAnAgreementIsBilledByTheMachineHour() async throws {
        try await TestLab.with { t in
            let admin = t.people.admin.actor, manager = t.people.manager.actor
            let museum = try await t.lab.organisations.create(NewOrganisation(name: "Musée du Louvre-Lens", tariffCategory: "public_body"), by: admin)
            let curator = try await t.lab.users.add(
                NewUser(email: "regie@louvrelens.fr", displayName: "Régie", organisationId: museum.id, role: .member), by: admin)
            let curatorActor = Actor(userId: curator.id, organisationId: museum.id, role: .member, label: "user:regie@louvrelens.fr")
            let laser = try await t.machine("13995"), printer = try await t.machine("12548")
            for machine in [laser, printer] {
                _ = try await t.lab.authorisations.grant(
                    to: curator.id, machineId: machine.id, category: nil, grantedOn: nil, expiresOn: nil, note: nil, by: manager)
            }
            let day = Days.next(.tuesday)
            let booked = try await t.lab.sessions.request(
                SessionRequest(supervised: false, purpose: "Socles d'exposition", period: Days.period(day, "10:00", "12:00"),
                               machineIds: [laser.id, printer.id]),
                by: curatorActor)
            _ = try await t.lab.sessions.confirm(booked.id, by: manager)
            #expect(try await t.count("SELECT count(*) FROM billable_items") == 0, "nothing to bill before it is done")
            // Used from 10:00 to 11:30: an hour and a half on each machine.
            _ = try await t.at(Days.at(day, "12:30")).sessions.complete(booked.id, actual: Days.period(day, "10:00", "11:30"), by: manager)
            let items = try await t.lab.billableItems.list(customerId: museum.id, status: .open, by: t.people.accountant.actor)
            #expect(items.map(\.kind) == [.machineUse, .machineUse])
            #expect(items.allSatisfy { $0.minutes == 90 && $0.sessionId == booked.id && $0.serviceDate == day })
            // The laser cutter has its own hourly price; the printer takes the general machine hour (public-body prices).
            #expect(Set(items.compactMap { $0.lines?.first.map { "\($0.tariffItemCode) \($0.quantityMilli) \($0.netCents)" } })
                    == ["laser-hour 1500 5250", "machine-hour 1500 3750"])
        }
    }
}
