import Crypto
import Foundation

/// Imports an annex table into the inventory: one asset per physical unit.
///
/// Identity: the inventory number; for an asset without one, its serial number;
/// for an asset with neither, its nature, model and occurrence (the k-th such asset
/// in the table). So re-importing the same annex, or an export, changes nothing.
/// Existing assets are never overwritten: unknown details are filled in, and
/// differences are reported.
public struct AnnexImporter: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Imports `text` as the annex of `year`. With `dryRun`, reports the same but changes nothing.
    public func importAnnex(
        _ text: String, source: String, year: Int, owner ownerId: UUID? = nil, dryRun: Bool, by actor: Actor
    ) async throws -> InventoryImportReport {
        try actor.require(.manageInventory, "import the inventory")
        guard (2000...2100).contains(year) else { throw Problem.invalid("year", "the annex year must be between 2000 and 2100") }
        let table = try AnnexTable.parse(text)
        let sha256 = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()

        return try await database.write(as: actor, action: "inventory.import", commit: !dryRun) { session in
            try await session.lock("inventory-import")
            let owner = try await Inventory.resolveOwner(ownerId, session)
            var state = ImportState()
            var report = InventoryImportReport(
                year: year, dryRun: dryRun, source: source, sha256: sha256, lines: [],
                skipped: table.skipped.map { .init(line: $0.line, reason: $0.reason) }, totals: .init())
            for row in table.rows {
                for unit in Self.units(of: row) {
                    report.lines.append(try await apply(unit, row: row, year: year, owner: owner, state: &state, session))
                }
            }
            report.totals = Self.totals(table: table, lines: report.lines)
            if !dryRun {
                _ = try await session.run(InventoryStore.ImportRecorded(year: year, source: source, sha256: sha256, totals: report.totals))
            }
            return report
        }
    }

    // MARK: - Rows into units

    /// One physical unit as the annex describes it.
    struct Unit {
        var nature: String
        var model: String?
        var serial: String?
        var inventoryNumber: String?
        var index: Int
        var count: Int
        var remarks: [ImportRemark]
        var notes: [String]
    }

    /// Expands a `*N` row into N units: when the serial or inventory cell holds N
    /// space-separated values, one goes to each unit; otherwise a cell with spaces is one value.
    static func units(of row: AnnexTable.Row) -> [Unit] {
        let count = row.units
        let serials = split(row.serial, into: count)
        let inventories = split(row.inventory, into: count)
        // Remarks on the row as a whole go on its first unit; each unit gets its own.
        var rowRemarks: [ImportRemark] = row.remarks
        var notes: [String] = []
        if count > 1 {
            let splitCells = [serials.split ? "serial numbers" : nil, inventories.split ? "inventory numbers" : nil].compactMap { $0 }
            rowRemarks.append(.init(
                .unitExpansion,
                "\"*\(count)\": \(count) units" + (splitCells.isEmpty ? "" : ", \(splitCells.joined(separator: " and ")) given one per unit")))
        }
        for (name, cell, result) in [("serial", row.serial, serials), ("inventory", row.inventory, inventories)]
        where cell != nil && result.values.allSatisfy({ $0 == nil }) {
            rowRemarks.append(.init(
                .cellNotSplit,
                "the \(name) cell \"\(cell!)\" does not hold \(count) values for \(count) units: units created without it, the cell kept in their notes"))
            notes.append("annex \(name) cell: \(cell!)")
        }
        return (0..<count).map { index in
            var remarks = index == 0 ? rowRemarks : []
            if row.model == nil { remarks.append(.init(.unknownModel, "no model")) }
            let serial = serials.values[index]
            if serial == nil, !notes.contains(where: { $0.hasPrefix("annex serial") }) {
                remarks.append(.init(.unknownSerial, "no serial number"))
            }
            var inventoryNumber: String?
            var unitNotes = notes
            if let written = inventories.values[index] {
                if let normalised = InventoryNumber.normalise(written) {
                    inventoryNumber = normalised
                    if normalised != written {
                        remarks.append(.init(.inventoryNumberNormalised, "inventory number \(written) read as \(normalised)"))
                    }
                } else {
                    remarks.append(.init(.invalidInventoryNumber, "\"\(written)\" is not an inventory number: kept in the notes"))
                    unitNotes.append("annex inventory cell: \(written)")
                }
            } else if !notes.contains(where: { $0.hasPrefix("annex inventory") }) {
                remarks.append(.init(.unknownInventoryNumber, "no inventory number"))
            }
            return Unit(
                nature: row.nature, model: row.model, serial: serial, inventoryNumber: inventoryNumber,
                index: index + 1, count: count, remarks: remarks, notes: unitNotes)
        }
    }

    /// The values of a cell for `count` units: the cell itself for one unit; for
    /// several, its space-separated tokens when there are exactly `count` of them.
    static func split(_ cell: String?, into count: Int) -> (values: [String?], split: Bool) {
        guard let cell else { return (Array(repeating: nil, count: count), false) }
        if count == 1 { return ([cell], false) }
        let tokens = cell.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard tokens.count == count else { return (Array(repeating: nil, count: count), false) }
        return (tokens, true)
    }

    // MARK: - Units into the inventory

    struct ImportState {
        var inventoryLines: [String: (line: Int, nature: String)] = [:]
        var serialLines: [String: (line: Int, nature: String)] = [:]
        var occurrences: [String: Int] = [:]
    }

    private func apply(
        _ unit: Unit, row: AnnexTable.Row, year: Int, owner: UUID, state: inout ImportState, _ session: SQLSession
    ) async throws -> InventoryImportReport.Line {
        var line = InventoryImportReport.Line(
            line: row.line, outcome: .created, machineId: nil, nature: unit.nature, model: unit.model,
            serialNumber: unit.serial, inventoryNumber: unit.inventoryNumber, unit: unit.index, units: unit.count,
            remarks: unit.remarks)

        // The same asset listed twice in one table.
        if let number = unit.inventoryNumber, let first = state.inventoryLines[number] {
            line.outcome = .repeated
            line.remarks.append(.init(
                .repeatedInventoryNumber,
                "inventory number \(number) is already listed on line \(first.line) (\(first.nature)): the same asset, not created twice"))
            line.machineId = try await Self.machineId(owner: owner, inventoryNumber: number, session)
            return line
        }
        if unit.inventoryNumber == nil, let serial = unit.serial, let first = state.serialLines[serial] {
            line.outcome = .repeated
            line.remarks.append(.init(
                .repeatedSerialNumber,
                "serial number \(serial) is already listed on line \(first.line) (\(first.nature)): the same asset, not created twice"))
            return line
        }
        if let number = unit.inventoryNumber { state.inventoryLines[number] = (row.line, unit.nature) }
        if let serial = unit.serial { state.serialLines[serial] = (row.line, unit.nature) }

        // Find the asset this unit is.
        let existing: InventoryStore.StoredUnit?
        // Only assets with neither number are told apart by their occurrence.
        var unitIndex = 1
        if let number = unit.inventoryNumber {
            existing = try await session.run(InventoryStore.UnitByInventoryNumber(owner: owner, inventoryNumber: number)).first
        } else if let serial = unit.serial {
            existing = try await session.run(InventoryStore.UnitBySerialNumber(owner: owner, serialNumber: serial)).first
        } else {
            let key = "\(unit.nature)\u{1F}\(unit.model ?? "")"
            unitIndex = state.occurrences[key, default: 0] + 1
            state.occurrences[key] = unitIndex
            existing = try await session.run(
                InventoryStore.UnitByOccurrence(owner: owner, nature: unit.nature, model: unit.model, unitIndex: unitIndex)).first
        }

        if let existing {
            line.machineId = existing.id
            let (filled, remarks) = Self.compare(unit, with: existing)
            line.remarks += remarks
            if filled.isEmpty {
                line.outcome = .matched
            } else {
                line.outcome = .updated
                _ = try await session.run(InventoryStore.FilledIn(id: existing.id, model: unit.model, serialNumber: unit.serial))
            }
            return line
        }

        let extras = try Self.extras(row, remarks: &line.remarks)
        let notes = unit.notes.isEmpty ? nil : unit.notes.joined(separator: "\n")
        line.machineId = try await session.run(InventoryStore.Imported(
            nature: unit.nature, model: unit.model, serialNumber: unit.serial, inventoryNumber: unit.inventoryNumber, owner: owner,
            category: extras.category, status: extras.status, bookable: extras.bookable && extras.status != .retired,
            requiresAuthorisation: extras.authorisation, annexYear: extras.annexYear ?? year, unitIndex: unitIndex, notes: notes)).first
        return line
    }

    /// What the annex says about a stored asset: the details it fills in (unknown in the
    /// inventory), and remarks on those it gives differently (the inventory is kept).
    static func compare(_ unit: Unit, with stored: InventoryStore.StoredUnit) -> (filled: [String], remarks: [ImportRemark]) {
        var filled: [String] = []
        var remarks: [ImportRemark] = []
        for (field, annex, kept) in [("model", unit.model, stored.model), ("serial number", unit.serial, stored.serialNumber)] {
            guard let annex else { continue }
            if kept == nil {
                filled.append(field)
            } else if kept != annex {
                remarks.append(.init(.differsFromInventory, "\(field) is \"\(annex)\" in the annex, \"\(kept!)\" in the inventory: the inventory is kept"))
            }
        }
        if stored.nature != unit.nature {
            remarks.append(.init(.differsFromInventory, "nature is \"\(unit.nature)\" in the annex, \"\(stored.nature)\" in the inventory: the inventory is kept"))
        }
        return (filled, remarks)
    }

    /// The optional columns of an export, read for assets being created.
    static func extras(_ row: AnnexTable.Row, remarks: inout [ImportRemark]) throws
        -> (category: String?, status: MachineStatus, bookable: Bool, authorisation: Bool, annexYear: Int?)
    {
        func flag(_ column: AnnexTable.Column) -> Bool {
            guard let value = row.extras[column] else { return false }
            switch value.lowercased() {
            case "oui", "yes", "true", "1": return true
            case "non", "no", "false", "0": return false
            default:
                remarks.append(.init(.invalidValue, "\(column.header) \"\(value)\" is neither oui nor non: read as non"))
                return false
            }
        }
        var category: String?
        if let value = row.extras[.category] {
            if let slug = try? Validate.slug(value, field: "category") {
                category = slug
            } else {
                remarks.append(.init(.invalidValue, "category \"\(value)\" is not a category name: left empty"))
            }
        }
        var status = MachineStatus.inService
        if let value = row.extras[.status] {
            if let parsed = MachineStatus(rawValue: value) {
                status = parsed
            } else {
                remarks.append(.init(.invalidValue, "status \"\(value)\" is not in_service, maintenance or retired: read as in_service"))
            }
        }
        var annexYear: Int?
        if let value = row.extras[.annex] {
            if let year = Int(value), (2000...2100).contains(year) {
                annexYear = year
            } else {
                remarks.append(.init(.invalidValue, "annex \"\(value)\" is not a year: the import's year is used"))
            }
        }
        return (category, status, flag(.bookable), flag(.authorisation), annexYear)
    }

    static func machineId(owner: UUID, inventoryNumber: String, _ session: SQLSession) async throws -> UUID? {
        try await session.run(InventoryStore.UnitByInventoryNumber(owner: owner, inventoryNumber: inventoryNumber)).first?.id
    }

    static func totals(table: AnnexTable, lines: [InventoryImportReport.Line]) -> InventoryImportReport.Totals {
        var totals = InventoryImportReport.Totals()
        totals.rows = table.rows.count
        totals.units = lines.count
        totals.skipped = table.skipped.count
        for line in lines {
            switch line.outcome {
            case .created: totals.created += 1
            case .matched: totals.matched += 1
            case .updated: totals.updated += 1
            case .repeated: totals.repeated += 1
            }
            totals.warnings += line.remarks.filter(\.isWarning).count
        }
        totals.warnings += table.skipped.count
        return totals
    }
}
