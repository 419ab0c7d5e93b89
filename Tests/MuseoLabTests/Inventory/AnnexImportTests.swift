import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Importing annex 1 into a real database: one asset per physical unit, warnings for
/// every irregular row, and re-imports that change nothing.
@Suite struct AnnexImportTests {
    static var annex: String { AnnexTableTests.annex }

    @Test func theSeedImportedOneAssetPerPhysicalUnit() async throws {
        try await TestLab.with { t in
            let machines = try await t.lab.inventory.list(by: t.people.manager.actor)
            #expect(machines.count == 27, "25 rows, robot arms ×2, speakers ×3, the VR headset listed twice")
            let arms = machines.filter { $0.nature == "Bras robotisés" }
            #expect(arms.map(\.inventoryNumber) == ["24524", "24525"])
            #expect(arms.map(\.serialNumber) == ["Er1020250916002", "Er1020250910014"])
            #expect(machines.filter { $0.nature == "Enceinte Bose Revolve Soundlink" }.map(\.unitIndex) == [1, 2, 3])
            #expect(machines.filter { $0.inventoryNumber == "12547" }.count == 1)
            #expect(machines.allSatisfy { $0.ownerOrganisationId == TestLab.university && $0.annexYear == 2026 })
        }
    }

    @Test func reImportingTheSameAnnexChangesNothing() async throws {
        try await TestLab.with { t in
            let auditBefore = try await t.count("SELECT count(*) FROM audit_log WHERE entity = 'machines'")
            let machinesBefore = try await t.lab.inventory.list(by: t.people.manager.actor)
            let report = try await t.lab.annexImporter.importAnnex(
                Self.annex, source: "annexe-1-2026.tsv", year: 2026, dryRun: false, by: t.people.manager.actor)
            #expect(report.totals.created == 0)
            #expect(report.totals.updated == 0)
            #expect(report.totals.matched == 27)
            #expect(report.totals.repeated == 1)
            let machinesAfter = try await t.lab.inventory.list(by: t.people.manager.actor)
            #expect(machinesAfter == machinesBefore)
            #expect(try await t.count("SELECT count(*) FROM audit_log WHERE entity = 'machines'") == auditBefore)
        }
    }

    @Test func importIntoAnEmptyInventoryReportsEveryIrregularRow() async throws {
        try await TestLab.with { t in
            // A second owner, so the seeded inventory does not match anything.
            let museum = try await t.lab.organisations.create(
                NewOrganisation(name: "Musée test", tariffCategory: "public_body"), by: t.people.admin.actor)
            let report = try await t.lab.annexImporter.importAnnex(
                Self.annex, source: "annexe.tsv", year: 2026, owner: museum.id, dryRun: false, by: t.people.manager.actor)
            #expect(report.totals == .init(rows: 25, units: 28, created: 27, matched: 0, updated: 0, repeated: 1, skipped: 0, warnings: 19))

            func line(_ nature: String, unit: Int = 1) throws -> InventoryImportReport.Line {
                guard let found = report.lines.first(where: { $0.nature == nature && $0.unit == unit }) else {
                    throw Problem.notFound("report line for \(nature) unit \(unit)")
                }
                return found
            }
            func codes(_ line: InventoryImportReport.Line) -> Set<ImportRemark.Code> { Set(line.remarks.map(\.code)) }

            let vr = try line("Casque Vr htc VIVE")
            #expect(vr.outcome == .repeated)
            #expect(vr.inventoryNumber == "12547")
            #expect(codes(vr).contains(.repeatedInventoryNumber))
            #expect(vr.remarks.contains { $0.message.contains("line 6") })
            #expect(vr.machineId == (try line("Casque de réalité virtuelle Kit com let + 2 manettes")).machineId)

            #expect(codes(try line("Microphone pour enceinte")) == [.unknownSerial, .unknownInventoryNumber])
            #expect(codes(try line("Station de travail pour défonceuse numérique Shaper")) == [.unknownSerial])
            #expect(codes(try line("Générateur d'hologramme")) == [.unknownSerial])
            #expect(codes(try line("Table tactile inclinable avec caisson sécurisé our PC")) == [.unknownInventoryNumber])
            #expect(codes(try line("Steady CAM")) == [.unknownSerial, .inventoryNumberNormalised])
            #expect(codes(try line("Bras robotisés", unit: 1)) == [.unitExpansion, .inventoryNumberNormalised])
            #expect(codes(try line("Bras robotisés", unit: 2)) == [.inventoryNumberNormalised])
            #expect(codes(try line("Enceinte Bose Revolve Soundlink", unit: 1)) == [.unitExpansion, .unknownModel, .unknownSerial, .unknownInventoryNumber])
            #expect(codes(try line("Enceinte Bose Revolve Soundlink", unit: 3)) == [.unknownModel, .unknownSerial, .unknownInventoryNumber])
            #expect(codes(try line("Découpeuse laser")).isEmpty)
            #expect(try line("Découpeuse laser").serialNumber == "S4 2082")

            let owned = try await t.lab.inventory.list(by: t.people.manager.actor).filter { $0.ownerOrganisationId == museum.id }
            #expect(owned.count == 27)
            #expect(try await t.count("SELECT count(*) FROM inventory_imports WHERE annex_year = 2026") == 2)
        }
    }

    @Test func aDryRunReportsTheSameAndWritesNothing() async throws {
        try await TestLab.with { t in
            let museum = try await t.lab.organisations.create(
                NewOrganisation(name: "Musée à blanc", tariffCategory: "public_body"), by: t.people.admin.actor)
            let machines = try await t.count("SELECT count(*) FROM machines")
            let audit = try await t.count("SELECT count(*) FROM audit_log")
            let imports = try await t.count("SELECT count(*) FROM inventory_imports")
            let report = try await t.lab.annexImporter.importAnnex(
                Self.annex, source: "annexe.tsv", year: 2026, owner: museum.id, dryRun: true, by: t.people.manager.actor)
            #expect(report.dryRun)
            #expect(report.totals.created == 27)
            #expect(try await t.count("SELECT count(*) FROM machines") == machines)
            #expect(try await t.count("SELECT count(*) FROM audit_log") == audit)
            #expect(try await t.count("SELECT count(*) FROM inventory_imports") == imports)
        }
    }

    @Test func aLaterAnnexFillsInWhatWasUnknownAndReportsDifferences() async throws {
        try await TestLab.with { t in
            let text = """
                Nature\tModèle\tN° de série\tInventaire
                Station de travail pour défonceuse numérique Shaper\tShaper work station\tSWS-123\t019004
                Découpeuse laser\tTrotec Speedy 360\tS4 2082\t13995
                Imprimante 3D\tBambu X1\tBX1-1\t30001

                """
            let report = try await t.lab.annexImporter.importAnnex(text, source: "annexe-2027.tsv", year: 2027, dryRun: false, by: t.people.manager.actor)
            #expect(report.lines.map(\.outcome) == [.updated, .matched, .created])
            #expect(report.lines[1].remarks.contains { $0.code == .differsFromInventory && $0.message.contains("Trotec Speedy 360") })
            let station = try await t.lab.inventory.find("19004", by: t.people.manager.actor)
            #expect(station.serialNumber == "SWS-123")
            let laser = try await t.lab.inventory.find("13995", by: t.people.manager.actor)
            #expect(laser.model == "Trotec Speedy 400 + Atmos", "the inventory is kept")
            let printer = try await t.lab.inventory.find("30001", by: t.people.manager.actor)
            #expect(printer.annexYear == 2027)
        }
    }

    @Test func theExportImportsBackToTheSameInventory() async throws {
        let exported = try await TestLab.with { t in
            // Some state the annex does not carry: a retired machine, a category.
            let scanner = try await t.lab.inventory.find("18893", by: t.people.manager.actor)
            _ = try await t.lab.inventory.update(scanner.id, MachineChanges(status: .retired), by: t.people.manager.actor)
            let export = try await t.lab.inventory.export(by: t.people.manager.actor)
            // Re-importing the export into the same inventory changes nothing.
            let report = try await t.lab.annexImporter.importAnnex(export, source: "export.tsv", year: 2026, dryRun: true, by: t.people.manager.actor)
            #expect(report.totals.created == 0 && report.totals.updated == 0 && report.totals.repeated == 0)
            #expect(report.totals.matched == 27)
            return (export, try await t.lab.inventory.list(by: t.people.manager.actor))
        }
        #expect(exported.0.contains("Enceinte Bose Revolve Soundlink *3\t"))

        // Into an empty inventory, it recreates the same assets with the same attributes.
        let configuration = try await TestDatabases.shared.emptyDatabase()
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            let lab = MuseoLab(client: client, logger: TestLog.logger, connectionWait: TestLog.connectionWait)
            try await lab.migrate(sqlFolder: ProjectFolders.sql)
            let reference = try String(contentsOf: ProjectFolders.sql.appendingPathComponent("seed/reference.sql"), encoding: .utf8)
            try await lab.database.write(as: .system("tests"), action: "tests") { session in
                for statement in SQLScript.statements(reference) { try await session.execute(PostgresQuery(unsafeSQL: statement)) }
            }
            _ = try await lab.annexImporter.importAnnex(exported.0, source: "export.tsv", year: 2026, dryRun: false, by: .system("tests"))
            let recreated = try await lab.inventory.list(by: .system("tests"))
            func essence(_ m: Machine) -> [String] {
                [m.nature, m.model ?? "", m.serialNumber ?? "", m.inventoryNumber ?? "", m.category ?? "", m.status.rawValue,
                 "\(m.bookable)", "\(m.requiresAuthorisation)", "\(m.annexYear ?? 0)", "\(m.unitIndex)"]
            }
            #expect(recreated.map(essence) == exported.1.map(essence))
        }
    }

    @Test func onlyManagersImport() async throws {
        _ = try await TestLab.with { t in
            await #expect(throws: Problem.self) {
                try await t.lab.annexImporter.importAnnex(Self.annex, source: "a", year: 2026, dryRun: true, by: t.people.member.actor)
            }
        }
    }
}
