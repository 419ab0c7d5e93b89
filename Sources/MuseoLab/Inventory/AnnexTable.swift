import Foundation

/// Annex 1 of the agreement as a table: the tab-separated list
/// `Nature / Modèle / N° de série / Inventaire`, read exactly as written.
///
/// Reading never drops anything silently: lines that are not table rows, and rows
/// with missing or extra cells, are reported. Lines before the header (the rest of
/// the agreement, when the whole text is given) are skipped.
public struct AnnexTable: Sendable {
    public enum Column: String, Sendable, CaseIterable {
        case nature, model, serial, inventory
        // Optional columns written by `inventory export`, so an export imports back whole.
        case category, status, bookable, authorisation, annex

        /// The exported header's name for the column.
        public var header: String {
            switch self {
            case .nature: "Nature"
            case .model: "Modèle"
            case .serial: "N° de série"
            case .inventory: "Inventaire"
            case .category: "Catégorie"
            case .status: "État"
            case .bookable: "Réservable"
            case .authorisation: "Habilitation requise"
            case .annex: "Annexe"
            }
        }

        /// Recognises a header cell however it is accented or typeset (`N ^o de série`).
        static func recognise(_ cell: String) -> Column? {
            let folded = cell.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
                .filter { $0.isLetter }
            if folded.contains("nature") { return .nature }
            if folded.contains("modele") { return .model }
            if folded.contains("serie") { return .serial }
            if folded.contains("inventaire") { return .inventory }
            if folded.contains("categorie") { return .category }
            if folded == "etat" || folded == "statut" { return .status }
            if folded.contains("reservable") { return .bookable }
            if folded.contains("habilitation") { return .authorisation }
            if folded.contains("annexe") { return .annex }
            return nil
        }
    }

    /// One row of the table as written.
    public struct Row: Sendable, Equatable {
        /// 1-based line number in the source text.
        public var line: Int
        /// The nature without its `*N` unit marker.
        public var nature: String
        /// `N` from a trailing `*N` (`Bras robotisés *2`), else 1.
        public var units: Int
        public var model: String?
        /// The serial cell; `nil` when empty or `N/A`.
        public var serial: String?
        /// The inventory cell as written; `nil` when empty or `N/A`.
        public var inventory: String?
        /// Cells of the optional columns, by column.
        public var extras: [Column: String]
        /// What was odd about the row's shape (missing or extra cells).
        public var remarks: [ImportRemark]
    }

    public var headerLine: Int
    public var columns: [Column?]
    public var rows: [Row]
    /// Lines after the header that are not rows (blank lines are skipped without a word).
    public var skipped: [(line: Int, reason: String)]
    /// How many lines came before the header.
    public var linesBeforeHeader: Int

    public struct NoHeader: Error {}

    /// Reads the table out of `text`.
    public static func parse(_ text: String) throws -> AnnexTable {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let headerIndex = lines.firstIndex(where: isHeader) else {
            throw Problem.invalid(
                "file", "no annex table found: expected a tab-separated header Nature / Modèle / N° de série / Inventaire")
        }
        let columns = lines[headerIndex].split(separator: "\t", omittingEmptySubsequences: false).map {
            Column.recognise(String($0))
        }
        var table = AnnexTable(headerLine: headerIndex + 1, columns: columns, rows: [], skipped: [], linesBeforeHeader: headerIndex)

        for index in lines.indices where index > headerIndex {
            let lineNumber = index + 1
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard line.contains("\t") else {
                table.skipped.append((lineNumber, "not a table row (no tab): \"\(line.prefix(60))\""))
                continue
            }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            var remarks: [ImportRemark] = []
            if cells.count < columns.count {
                remarks.append(.init(.missingCells, "\(cells.count) cells where the header has \(columns.count): the missing ones are read as empty"))
            } else if cells.count > columns.count, cells[columns.count...].contains(where: { !$0.isEmpty }) {
                remarks.append(.init(.extraCells, "\(cells.count) cells where the header has \(columns.count): the extra ones are ignored"))
            }
            func cell(_ column: Column) -> String? {
                guard let position = columns.firstIndex(of: column), position < cells.count else { return nil }
                let value = cells[position]
                return isUnknown(value) ? nil : value
            }
            guard let written = cell(.nature) else {
                table.skipped.append((lineNumber, "no nature: a row must say what the asset is"))
                continue
            }
            let (nature, units) = splitUnitMarker(written)
            var extras: [Column: String] = [:]
            for column in [Column.category, .status, .bookable, .authorisation, .annex] {
                if let value = cell(column) { extras[column] = value }
            }
            table.rows.append(Row(
                line: lineNumber, nature: nature, units: units, model: cell(.model), serial: cell(.serial),
                inventory: cell(.inventory), extras: extras, remarks: remarks))
        }
        return table
    }

    /// Empty cells and `N/A` mean unknown.
    static func isUnknown(_ cell: String) -> Bool {
        cell.isEmpty || cell.uppercased() == "N/A"
    }

    /// `Bras robotisés *2` is two units of `Bras robotisés`; `Enceinte … Soundlink*3`, three.
    static func splitUnitMarker(_ nature: String) -> (String, Int) {
        guard let star = nature.lastIndex(of: "*") else { return (nature, 1) }
        let count = nature[nature.index(after: star)...].trimmingCharacters(in: .whitespaces)
        guard !count.isEmpty, count.allSatisfy({ $0.isASCII && $0.isNumber }), let units = Int(count), (1...999).contains(units)
        else { return (nature, 1) }
        let base = nature[..<star].trimmingCharacters(in: .whitespaces)
        return base.isEmpty ? (nature, 1) : (base, units)
    }

    static func isHeader(_ line: String) -> Bool {
        let recognised = Set(line.split(separator: "\t").compactMap { Column.recognise(String($0)) })
        return recognised.isSuperset(of: [.nature, .model, .serial, .inventory])
    }
}

/// Something the importer noticed about a row: every irregularity is said, none is silent.
public struct ImportRemark: Sendable, Equatable, Codable {
    public enum Code: String, Sendable, Codable {
        case unknownSerial = "unknown_serial"
        case unknownInventoryNumber = "unknown_inventory_number"
        case unknownModel = "unknown_model"
        case unitExpansion = "unit_expansion"
        case repeatedInventoryNumber = "repeated_inventory_number"
        case repeatedSerialNumber = "repeated_serial_number"
        case cellNotSplit = "cell_not_split"
        case invalidInventoryNumber = "invalid_inventory_number"
        case invalidValue = "invalid_value"
        case differsFromInventory = "differs_from_inventory"
        case missingCells = "missing_cells"
        case extraCells = "extra_cells"
        /// Not a warning: how a value was read (`024524` is `24524`).
        case inventoryNumberNormalised = "inventory_number_normalised"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Notes say how something was read; everything else is a warning.
    public var isWarning: Bool { code != .inventoryNumberNormalised }
}
