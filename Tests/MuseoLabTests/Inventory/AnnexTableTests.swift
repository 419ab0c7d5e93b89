import Foundation
import Testing
@testable import MuseoLab

/// Reading annex 1 exactly as the agreement prints it: every irregular row.
@Suite struct AnnexTableTests {
    static let annex = try! String(contentsOf: ProjectFolders.sql.appendingPathComponent("seed/annexe-1-2026.tsv"), encoding: .utf8)

    @Test func readsEveryRowOfTheRealAnnexAndSkipsTheBlankLine() throws {
        let table = try AnnexTable.parse(Self.annex)
        #expect(table.headerLine == 1)
        #expect(table.rows.count == 25)
        #expect(table.skipped.isEmpty)
        #expect(table.rows.first?.nature == "Découpeuse laser")
        #expect(table.rows.last?.nature == "Samsung Tablette")
        // The blank line after the microphone is skipped: the table row that follows keeps its own line number.
        let table1 = try #require(table.rows.first { $0.nature.hasPrefix("Table tactile") })
        #expect(table1.line == 22)
    }

    @Test func unitMarkersWithAndWithoutASpace() throws {
        let table = try AnnexTable.parse(Self.annex)
        let arms = try #require(table.rows.first { $0.nature == "Bras robotisés" })
        #expect(arms.units == 2)
        #expect(arms.serial == "Er1020250916002 Er1020250910014")
        #expect(arms.inventory == "024524 024525")
        let speakers = try #require(table.rows.first { $0.nature == "Enceinte Bose Revolve Soundlink" })
        #expect(speakers.units == 3)
        #expect(speakers.model == nil)
        #expect(speakers.serial == nil)
        #expect(speakers.inventory == nil, "N/A means unknown")
    }

    @Test func emptyCellsAndNotApplicableMeanUnknown() throws {
        let table = try AnnexTable.parse(Self.annex)
        let microphone = try #require(table.rows.first { $0.nature == "Microphone pour enceinte" })
        #expect(microphone.serial == nil)
        #expect(microphone.inventory == nil)
        let hologram = try #require(table.rows.first { $0.nature == "Générateur d'hologramme" })
        #expect(hologram.serial == nil)
        #expect(hologram.inventory == "18891")
        let touchTable = try #require(table.rows.first { $0.nature.hasPrefix("Table tactile") })
        #expect(touchTable.serial == "062.765")
        #expect(touchTable.inventory == nil, "a trailing empty cell")
    }

    @Test func aSerialWithSpacesIsOneSerialWhenThereIsOneUnit() throws {
        let table = try AnnexTable.parse(Self.annex)
        let laser = try #require(table.rows.first { $0.nature == "Découpeuse laser" })
        #expect(laser.units == 1)
        let units = AnnexImporter.units(of: laser)
        #expect(units.count == 1)
        #expect(units[0].serial == "S4 2082")
        let scanner = try #require(table.rows.first { $0.nature == "Scanner 3D" })
        #expect(AnnexImporter.units(of: scanner)[0].serial == "LE .40.43534248")
    }

    @Test func robotArmsExpandIntoTwoUnitsWithTheirOwnNumbers() throws {
        let table = try AnnexTable.parse(Self.annex)
        let arms = try #require(table.rows.first { $0.nature == "Bras robotisés" })
        let units = AnnexImporter.units(of: arms)
        #expect(units.map(\.serial) == ["Er1020250916002", "Er1020250910014"])
        #expect(units.map(\.inventoryNumber) == ["24524", "24525"])
        #expect(units.map(\.index) == [1, 2])
        #expect(units[0].remarks.contains { $0.code == .unitExpansion })
        #expect(units[0].remarks.contains { $0.code == .inventoryNumberNormalised && $0.message.contains("024524") })
    }

    @Test func speakersExpandIntoThreeUnknownUnitsWithWarnings() throws {
        let table = try AnnexTable.parse(Self.annex)
        let speakers = try #require(table.rows.first { $0.nature == "Enceinte Bose Revolve Soundlink" })
        let units = AnnexImporter.units(of: speakers)
        #expect(units.count == 3)
        for unit in units {
            #expect(unit.serial == nil && unit.inventoryNumber == nil)
            #expect(unit.remarks.contains { $0.code == .unknownSerial })
            #expect(unit.remarks.contains { $0.code == .unknownInventoryNumber })
            #expect(unit.remarks.contains { $0.code == .unknownModel })
        }
    }

    @Test func leadingZerosAreNotSignificant() {
        #expect(InventoryNumber.normalise("012547") == "12547")
        #expect(InventoryNumber.normalise(" 024000 ") == "24000")
        #expect(InventoryNumber.normalise("12547") == "12547")
        #expect(InventoryNumber.normalise("000") == nil)
        #expect(InventoryNumber.normalise("12 34") == nil)
    }

    @Test func aCellThatDoesNotSplitIntoTheUnitsIsKeptInTheNotes() throws {
        let text = "Nature\tModèle\tN° de série\tInventaire\nTabouret *3\tX\tA B\t100 101\n"
        let row = try AnnexTable.parse(text).rows[0]
        let units = AnnexImporter.units(of: row)
        #expect(units.count == 3)
        #expect(units.allSatisfy { $0.serial == nil && $0.inventoryNumber == nil })
        #expect(units[0].remarks.filter { $0.code == .cellNotSplit }.count == 2)
        #expect(units.allSatisfy { $0.notes.contains("annex serial cell: A B") && $0.notes.contains("annex inventory cell: 100 101") })
    }

    @Test func findsTheTableInsideTheWholeAgreementText() throws {
        let text = "CONVENTION DE PARTENARIAT\n\nANNEXE 1 (2026)\n\n" + Self.annex + "\nFait à Lens\n"
        let table = try AnnexTable.parse(text)
        #expect(table.linesBeforeHeader == 4)
        #expect(table.rows.count == 25)
        #expect(table.skipped.map(\.reason).contains { $0.contains("Fait à Lens") })
    }

    @Test func refusesTextWithoutTheHeader() {
        #expect(throws: Problem.self) { try AnnexTable.parse("Nature;Modèle\nx;y\n") }
    }

    @Test func reportsRowsWithMissingCells() throws {
        let table = try AnnexTable.parse("Nature\tModèle\tN° de série\tInventaire\nPerceuse\tBosch\n")
        #expect(table.rows[0].remarks.contains { $0.code == .missingCells })
        #expect(table.rows[0].inventory == nil)
    }
}
