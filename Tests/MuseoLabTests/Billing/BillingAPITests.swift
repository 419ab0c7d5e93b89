import Foundation
import Testing
@testable import MuseoLab

/// Billing through the HTTP API, as LLV's accountant and the fablab manager use it.
@Suite struct BillingAPITests {
    /// The server's clock: early December 2026, so issue dates (and the F2026 series) do not depend on the day the tests run.
    static let december = Days.at(CalendarDate("2026-12-01")!, "10:00")

    static func withDecemberServer(_ body: @Sendable @escaping (TestLab, HTTPClient) async throws -> Void) async throws {
        try await TestLab.with { t in
            try await TestServer.with(t.at(december)) { server in try await body(t, HTTPClient(server)) }
        }
    }

    @Test func aYearsOverageAndExtraRoomBookingsBecomeTheUniversitysInvoice() async throws {
        try await Self.withDecemberServer { t, http in
            let manager = t.people.manager.token, accountant = t.people.accountant.token
            // The university, for Chorus Pro: its SIRET and service code.
            let patched = try await http.send("PATCH", "/v1/organisations/\(TestLab.university.text)", token: t.people.admin.token, json: [
                "siret": TestLab.universitySIRET, "chorusServiceCode": "SERV-MUSEOLAB",
            ])
            #expect(patched.status == 200 && patched.json["isPublicBody"] as? Bool == true && patched.json["chorusServiceCode"] as? String == "SERV-MUSEOLAB")

            // The year's support: 400 h used, then 2 h 30 more; the manager bills the overage.
            let adjusted = try await http.send("POST", "/v1/agreements/\(TestLab.agreement.text)/quota/adjustments", token: manager, json: [
                "year": 2026, "minutes": 400 * 60 + 150, "reason": "Heures d'accompagnement 2026 (relevé du MuséoLab)",
            ])
            #expect(adjusted.status == 201, "\(adjusted.text)")
            let overage = try await http.get("/v1/overage?agreementId=\(TestLab.agreement.text)&year=2026&status=pending", token: manager).items
            #expect(overage.map { $0["minutes"] as? Int } == [150])
            let overageId = try #require(overage.first?["id"] as? String)
            #expect(try await http.send("POST", "/v1/overage/\(overageId)/bill", token: manager, json: ["reason": "au-delà des 400 h"]).status == 200)

            // Three Atrium days in December: two free (the yearly allowance), the third rented.
            var bookings: [String] = []
            for day in ["2026-12-02", "2026-12-03", "2026-12-04"] {
                let requested = try await RoomBookingTests.request(
                    http, t.people.member, room: "atrium", layout: "standard", Days.period(CalendarDate(day)!, "09:00", "17:00"))
                #expect(requested.status == 201, "\(requested.text)")
                let id = try #require(requested.json["id"] as? String)
                #expect(try await http.send("POST", "/v1/room-bookings/\(id)/accept", token: manager).status == 200)
                bookings.append(id)
            }

            // Every item is priced by the grid in force on its day, at the founder-member price.
            let grid = try await http.get("/v1/tariffs?at=2026-12-02", token: t.people.member.token)
            #expect(grid.status == 200 && grid.json["effectiveFrom"] as? String == "2026-01-01")
            let gridItems = grid.json["items"] as? [[String: Any]] ?? []
            func price(_ code: String) -> Int {
                ((gridItems.first { $0["code"] as? String == code }?["prices"] as? [String: Any])?["founder_member"] as? Int) ?? -1
            }
            #expect(price("support-hour") == 4500 && price("atrium-day") == 40000)
            let items = try await http.get("/v1/billable-items?customerId=\(TestLab.university.text)&status=open", token: accountant).items
            #expect(items.compactMap { $0["kind"] as? String }.sorted() == ["room_rental", "room_service_fees", "room_service_fees", "room_service_fees", "support_overage"])
            #expect(items.allSatisfy { $0["tariffVersionId"] as? String == grid.json["id"] as? String })
            #expect(items.first { $0["kind"] as? String == "support_overage" }?["netCents"] as? Int == 150 * price("support-hour") / 60)

            // The accountant drafts the year, then issues it.
            let drafted = try await http.send("POST", "/v1/invoices/drafts", token: accountant, json: [
                "customerId": TestLab.university.text, "period": "2026", "commitmentNumber": "EJ-2026-0042",
            ])
            #expect(drafted.status == 201, "\(drafted.text)")
            #expect(drafted.header("Location") == "/v1/invoices/\(drafted.json["id"] as? String ?? "")")
            let lines = drafted.json["lines"] as? [[String: Any]] ?? []
            func line(_ code: String) -> [[String: Any]] { lines.filter { $0["tariffItemCode"] as? String == code } }
            #expect(line("support-hour").map { [$0["quantityMilli"] as? Int, $0["unitPriceCents"] as? Int, $0["netCents"] as? Int] } == [[2500, 4500, 11250]])
            // 8 hours: one day at 400,00 is cheaper than two half-days at 250,00.
            #expect(line("atrium-day").map { [$0["quantityMilli"] as? Int, $0["netCents"] as? Int] } == [[1000, price("atrium-day")]])
            #expect(line("atrium-half-day").isEmpty)
            #expect(line("cleaning").count == 3 && line("setup").count == 3 && line("technician-atrium").count == 3)
            #expect(line("technician-atrium").allSatisfy { $0["netCents"] as? Int == 8 * price("technician-atrium") })
            let expectedNet = 11250 + price("atrium-day") + 3 * (price("cleaning") + price("setup") + 8 * price("technician-atrium"))
            #expect(drafted.json["totalNetCents"] as? Int == expectedNet)
            #expect(drafted.json["totalVatCents"] as? Int == Money.multiply(expectedNet, by: 2000, over: 10_000))
            #expect(drafted.json["buyerServiceCode"] as? String == "SERV-MUSEOLAB")
            let id = try #require(drafted.json["id"] as? String)

            let issued = try await http.send("POST", "/v1/invoices/\(id)/issue", token: accountant)
            #expect(issued.status == 200, "\(issued.text)")
            #expect(issued.json["number"] as? String == "F2026-000001" && issued.json["issueDate"] as? String == "2026-12-01")
            #expect(issued.json["dueDate"] as? String == "2026-12-31")
            #expect((issued.json["buyer"] as? [String: Any])?["siret"] as? String == TestLab.universitySIRET)
            #expect(try await http.send("POST", "/v1/invoices/\(id)/issue", token: accountant).isProblem(409))

            // The e-invoice for Chorus Pro passes the EN 16931 rules; the printable invoice is HTML.
            let ubl = try await http.get("/v1/invoices/F2026-000001/ubl", token: accountant)
            #expect(ubl.status == 200 && ubl.contentType.hasPrefix("application/xml"))
            #expect(ubl.header("Content-Disposition") == "attachment; filename=\"F2026-000001-ubl.xml\"")
            // The CII and the Factur-X PDF, as made when it was issued: the PDF carries that CII.
            let cii = try await http.get("/v1/invoices/F2026-000001/cii", token: accountant)
            #expect(cii.status == 200 && cii.contentType.hasPrefix("application/xml") && cii.text.contains("<rsm:CrossIndustryInvoice"))
            let pdf = try await http.get("/v1/invoices/\(id)/pdf", token: accountant)
            #expect(pdf.status == 200 && pdf.contentType == "application/pdf" && pdf.body.starts(with: Array("%PDF-".utf8)))
            #expect(pdf.header("Content-Disposition") == "attachment; filename=\"F2026-000001.pdf\"")
            #expect(Footprint.sha256(Data(pdf.body)) == (issued.json["files"] as? [String: Any])?["pdf"] as? String, "the footprint seals these bytes")
            let html = try await http.get("/v1/invoices/\(id)/html", token: manager)
            #expect(html.status == 200 && html.contentType.hasPrefix("text/html") && html.text.contains("Facture n° F2026-000001"))

            // A credit note cancels it: the whole amount, its own number, a reference to the invoice.
            let credit = try await http.send("POST", "/v1/invoices/F2026-000001/credit-notes", token: accountant, json: [
                "reason": "bon de commande erroné", "reopenItems": true,
            ])
            #expect(credit.status == 201, "\(credit.text)")
            let creditId = try #require(credit.json["id"] as? String)
            let creditIssued = try await http.send("POST", "/v1/invoices/\(creditId)/issue", token: accountant)
            #expect(creditIssued.json["number"] as? String == "A2026-000001" && creditIssued.json["correctsNumber"] as? String == "F2026-000001")
            #expect(creditIssued.json["totalGrossCents"] as? Int == issued.json["totalGrossCents"] as? Int)
            let creditUBL = try await http.get("/v1/invoices/A2026-000001/ubl", token: accountant)
            let creditCII = try await http.get("/v1/invoices/A2026-000001/cii", token: accountant)
            let verdict = try await EInvoiceRules.validate([ubl.text, creditUBL.text, cii.text, creditCII.text])
            #expect(verdict.passed, "\(verdict.report)")
            // Reopened, the items are to be invoiced again, with a new commitment number.
            let reopened = try await http.get("/v1/billable-items?customerId=\(TestLab.university.text)&status=open", token: accountant).items
            #expect(reopened.count == 5)

            // The accounts: the register and the FEC journal, streamed, balanced.
            let fec = try await http.get("/v1/exports/fec?from=2026-12-01&to=2026-12-31", token: accountant)
            #expect(fec.status == 200 && fec.contentType.hasPrefix("text/tab-separated-values"))
            #expect(fec.header("Content-Disposition") == "attachment; filename=\"797553567FEC20261231.txt\"")
            let rows = fec.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst().map { $0.components(separatedBy: "\t") }
            #expect(Set(rows.map { $0[2] }) == ["1", "2"])
            for entry in ["1", "2"] {
                let entryRows = rows.filter { $0[2] == entry }
                let debit: Int = entryRows.compactMap { Money.parseCents($0[11]) }.reduce(0, +)
                let credit: Int = entryRows.compactMap { Money.parseCents($0[12]) }.reduce(0, +)
                #expect(debit == credit && debit > 0, "entry \(entry) balanced")
            }
            let register = try await http.get("/v1/exports/register?from=2026-12-01&to=2026-12-31", token: accountant)
            #expect(register.status == 200 && register.contentType.hasPrefix("text/csv") && register.body.starts(with: [0xEF, 0xBB, 0xBF]))
            #expect(register.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3)
            let chain = try await http.get("/v1/audit/invoice-chain", token: accountant)
            #expect(chain.json["valid"] as? Bool == true && chain.json["documents"] as? Int == 2)
        }
    }

    @Test func fiftyInvoicesIssuedInParallelAreNumberedWithoutGapOrDuplicate() async throws {
        try await Self.withDecemberServer { t, http in
            let accountant = t.people.accountant.token
            _ = try await http.send("PATCH", "/v1/organisations/\(TestLab.university.text)", token: t.people.admin.token, json: ["siret": TestLab.universitySIRET])
            var drafts: [String] = []
            for index in 0..<50 {
                let day = CalendarDate("2026-09-01")!.adding(days: index).description
                let item = try await http.send("POST", "/v1/billable-items", token: t.people.manager.token, json: [
                    "customerId": TestLab.university.text, "tariffCode": "plywood-3mm", "quantity": index + 1, "serviceDate": day,
                ])
                #expect(item.status == 201, "\(item.text)")
                let draft = try await http.send("POST", "/v1/invoices/drafts", token: accountant, json: [
                    "customerId": TestLab.university.text, "from": day, "to": day,
                ])
                drafts.append(try #require(draft.json["id"] as? String, "\(draft.text)"))
            }
            // Every draft issued at once, and the first one a second time: 50 numbers, one refusal.
            // Issues take turns (each prints its PDF holding the counter), so the last answer comes
            // after all the others: on a loaded machine, more than the client's usual minute.
            let started = ContinuousClock.now
            let answers = try await withThrowingTaskGroup(of: (String, HTTPAnswer).self) { group in
                for id in drafts + [drafts[0]] {
                    group.addTask { (id, try await http.send("POST", "/v1/invoices/\(id)/issue", token: accountant, timeout: 600)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            print("51 concurrent issues answered in \(ContinuousClock.now - started)")
            let issued = answers.filter { $0.1.status == 200 }
            #expect(issued.count == 50, "\(answers.filter { $0.1.status != 200 }.map { "\($0.1.status) \($0.1.text.prefix(300))" })")
            #expect(answers.filter { $0.1.isProblem(409) }.count == 1)
            let numbers = issued.compactMap { $0.1.json["number"] as? String }.sorted()
            #expect(numbers == (1...50).map { String(format: "F2026-%06d", $0) })
            let positions = issued.compactMap { $0.1.json["chainPosition"] as? Int }.sorted()
            #expect(positions == Array(1...50))
            let chain = try await http.get("/v1/audit/invoice-chain", token: accountant)
            #expect(chain.json["valid"] as? Bool == true && chain.json["documents"] as? Int == 50, "\(chain.text)")
            #expect(try await t.count("SELECT last_number FROM document_counters WHERE series = 'F2026'") == 50)
        }
    }

    @Test func badBillingRequestsGetProblemsAndChangeNothing() async throws {
        try await Self.withDecemberServer { t, http in
            let accountant = t.people.accountant.token
            let university = TestLab.university.text
            _ = try await http.send("POST", "/v1/billable-items", token: t.people.manager.token, json: [
                "customerId": university, "tariffCode": "filament-pla", "quantity": 1, "serviceDate": "2026-11-10",
            ])
            let cases: [(String, String, String, [String: Any]?, Int, String?)] = [
                ("POST", "/v1/invoices/drafts", t.people.member.token, ["customerId": university, "period": "2026-11"], 403, nil),
                ("POST", "/v1/invoices/drafts", t.people.manager.token, ["customerId": university, "period": "2026-11"], 403, nil),
                ("POST", "/v1/invoices/drafts", accountant, ["customerId": university, "period": "2026-13"], 422, "period"),
                ("POST", "/v1/invoices/drafts", accountant, ["customerId": university, "period": "2026-11", "from": "2026-11-01"], 422, "period"),
                ("POST", "/v1/invoices/drafts", accountant, ["customerId": university, "from": "2026-11-01"], 422, "to"),
                ("POST", "/v1/invoices/drafts", accountant, ["customerId": university, "from": "2026-11-30", "to": "2026-11-01"], 422, "to"),
                ("POST", "/v1/invoices/drafts", accountant, ["customerId": UUID().uuidString, "period": "2026-11"], 422, "customerId"),
                ("POST", "/v1/invoices/drafts", accountant, ["customerId": university, "period": "2025"], 409, nil),
                ("POST", "/v1/billable-items", t.people.manager.token, ["customerId": university, "tariffCode": "atrium-day", "quantity": 1, "serviceDate": "2026-11-10"], 422, "tariffCode"),
                ("POST", "/v1/billable-items", t.people.manager.token, ["customerId": university, "tariffCode": "filament-pla", "quantity": 0, "serviceDate": "2026-11-10"], 422, "quantity"),
                ("POST", "/v1/billable-items", t.people.member.token, ["customerId": university, "tariffCode": "filament-pla", "quantity": 1, "serviceDate": "2026-11-10"], 403, nil),
                ("POST", "/v1/tariffs", accountant, ["effectiveFrom": "2027-01-01", "table": "code\tlabel"], 422, "table"),
                ("POST", "/v1/tariffs", accountant, ["effectiveFrom": "2027-02-30", "table": "x"], 422, "effectiveFrom"),
                ("POST", "/v1/tariffs", t.people.manager.token, ["effectiveFrom": "2027-01-01", "table": "x"], 403, nil),
                ("PATCH", "/v1/billing/settings", accountant, ["paymentIBAN": "FR76 3000 6000 0112 3456 7890 188"], 422, "paymentIBAN"),
                ("PATCH", "/v1/billing/settings", accountant, ["paymentTermsDays": 90], 422, "paymentTermsDays"),
                ("PATCH", "/v1/billing/settings", accountant, ["revenueAccount": "606000"], 422, "revenueAccount"),
                ("PATCH", "/v1/billing/settings", t.people.manager.token, ["paymentTermsDays": 45], 403, nil),
                ("PATCH", "/v1/organisations/\(university)", t.people.admin.token, ["customerAccount": "411-université"], 422, "customerAccount"),
                ("GET", "/v1/tariffs?at=2026-02-30", accountant, nil, 422, "at"),
                ("GET", "/v1/tariffs?at=1999-01-01", accountant, nil, 404, nil),
                ("GET", "/v1/invoices/F2099-000001", accountant, nil, 404, nil),
                ("GET", "/v1/invoices", t.people.member.token, nil, 403, nil),
                ("GET", "/v1/exports/fec?from=2026-12-01&to=2026-11-01", accountant, nil, 422, "to"),
                ("GET", "/v1/exports/fec?from=2026-11-01", accountant, nil, 422, "to"),
                ("GET", "/v1/exports/fec?from=2026-11-01&to=2026-11-30", t.people.manager.token, nil, 403, nil),
                ("GET", "/v1/exports/register?from=2026-11-01&to=2026-11-31", accountant, nil, 422, "to"),
                ("GET", "/v1/audit/invoice-chain", t.people.member.token, nil, 403, nil),
            ]
            for (method, path, token, json, status, field) in cases {
                let answer = try await http.send(method, path, token: token, json: json)
                #expect(answer.isProblem(status), "\(method) \(path) \(json ?? [:]): \(answer.status) \(answer.text)")
                if let field { #expect(answer.json["field"] as? String == field, "\(method) \(path): \(answer.text)") }
            }
            #expect(try await t.count("SELECT count(*) FROM invoices") == 0)
            #expect(try await t.count("SELECT count(*) FROM tariff_versions") == 1)
            #expect(try await t.count("SELECT count(*) FROM billable_items") == 1)

            // A draft credit note's lines are checked too.
            _ = try await http.send("PATCH", "/v1/organisations/\(university)", token: t.people.admin.token, json: ["siret": TestLab.universitySIRET])
            let draft = try await http.send("POST", "/v1/invoices/drafts", token: accountant, json: ["customerId": university, "period": "2026-11"])
            let draftId = try #require(draft.json["id"] as? String)
            #expect(try await http.send("GET", "/v1/invoices/\(draftId)/ubl", token: accountant).isProblem(409), "no e-invoice for a draft")
            #expect(try await http.send("POST", "/v1/invoices/\(draftId)/credit-notes", token: accountant, json: ["reason": "x"]).isProblem(409))
            _ = try await http.send("POST", "/v1/invoices/\(draftId)/issue", token: accountant)
            let lineId = try #require((draft.json["lines"] as? [[String: Any]])?.first?["id"] as? String)
            for (lines, field) in [([["lineId": lineId, "amountCents": 999_999]], "lines"), ([["lineId": "nope", "amountCents": 100]], "lines[0].lineId"),
                                   ([["lineId": lineId, "amountCents": 100], ["lineId": lineId, "amountCents": 100]], "lines[1].lineId")] {
                let answer = try await http.send("POST", "/v1/invoices/\(draftId)/credit-notes", token: accountant, json: ["reason": "geste", "lines": lines])
                #expect(answer.isProblem(422) && answer.json["field"] as? String == field, "\(answer.text)")
            }
            let both = try await http.send("POST", "/v1/invoices/\(draftId)/credit-notes", token: accountant, json: [
                "reason": "geste", "lines": [["lineId": lineId, "amountCents": 100]], "reopenItems": true,
            ])
            #expect(both.isProblem(422) && both.json["field"] as? String == "reopenItems")
            #expect(try await t.count("SELECT count(*) FROM invoices WHERE kind = 'credit_note'") == 0)
        }
    }

    @Test func billingFromTheCommandLine() async throws {
        try await TestLab.with { t in
            try await t.prepareUniversityForChorus()
            let url = t.databaseURL
            func cli(_ arguments: [String]) async throws -> CommandLineTool.Run { try await CommandLineTool.run(arguments, databaseURL: url) }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-billing-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }

            let shown = try await cli(["tariffs", "show", "--at", "2026-06-01"])
            #expect(shown.status == 0 && shown.output.contains("support-hour") && shown.output.contains("45,00"), "\(shown.output)")
            let grid = folder.appendingPathComponent("grid.tsv")
            try Data("code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tfounder_member\nbadge\tBadge\tunit\tconsumable\t\t\t20%\t2,00\n".utf8).write(to: grid)
            let loaded = try await cli(["tariffs", "load", grid.path, "--effective", "2027-01-01"])
            #expect(loaded.status == 0 && loaded.output.contains("1 items"), "\(loaded.output)")
            #expect(try await cli(["tariffs", "versions"]).output.contains("2027-01-01"))

            let today = ParisClock.date(of: Date())
            let month = String(today.description.prefix(7))
            #expect(try await cli(["billing", "consumable", "--customer", "Université d'Artois", "--code", "filament-pla", "--quantity", "2",
                             "--date", today.description]).status == 0)
            let draft = try await cli(["invoices", "draft", "--customer", "Université d'Artois", "--period", month, "--commitment", "EJ-7", "--json"])
            #expect(draft.status == 0, "\(draft.output)")
            let draftId = try #require((draft.json as? [String: Any])?["id"] as? String)
            let issued = try await cli(["invoices", "issue", draftId])
            let number = "F\(today.year)-000001"
            #expect(issued.status == 0 && issued.output.contains("Invoice \(number)"), "\(issued.output)")
            let ubl = folder.appendingPathComponent("invoice.xml")
            #expect(try await cli(["invoices", "ubl", number, "--output", ubl.path]).status == 0)
            let cii = folder.appendingPathComponent("invoice-cii.xml")
            #expect(try await cli(["invoices", "cii", number, "--output", cii.path]).status == 0)
            let verdict = try await EInvoiceRules.validate([try String(contentsOf: ubl, encoding: .utf8), try String(contentsOf: cii, encoding: .utf8)])
            #expect(verdict.passed, "\(verdict.report)")
            let pdf = folder.appendingPathComponent("invoice.pdf")
            #expect(try await cli(["invoices", "pdf", number, "--output", pdf.path]).status == 0)
            let printed = try Data(contentsOf: pdf)
            #expect(printed.starts(with: Array("%PDF-".utf8)) && printed.count > 10_000, "the PDF, byte for byte")
            let credit = try await cli(["invoices", "credit", number, "--reason", "erreur", "--line", "1=10,00", "--issue"])
            #expect(credit.status == 0 && credit.output.contains("Credit note A\(today.year)-000001"), "\(credit.output)")

            let fec = try await cli(["export", "fec", "--from", today.description, "--to", today.description])
            #expect(fec.status == 0 && fec.output.split(separator: "\r\n").count == 1 + 3 + 3, "\(fec.output)")
            let register = folder.appendingPathComponent("register.csv")
            #expect(try await cli(["export", "register", "--from", today.description, "--to", today.description, "--output", register.path]).status == 0)
            #expect(try String(contentsOf: register, encoding: .utf8).contains("Avoir;A\(today.year)-000001"))
            let verified = try await cli(["audit", "verify"])
            #expect(verified.status == 0 && verified.output.contains("Chain intact: 2 issued document(s)"), "\(verified.output)")
            let refused = try await cli(["invoices", "draft", "--customer", "Université d'Artois", "--period", "2026-14"])
            #expect(refused.status != 0 && refused.output.contains("is not a period"), "\(refused.output)")
        }
    }
}
