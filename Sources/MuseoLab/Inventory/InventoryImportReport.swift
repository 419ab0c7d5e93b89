import Foundation

/// What an annex import did, line by line, then in total.
public struct InventoryImportReport: Sendable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// A new asset was added to the inventory.
        case created
        /// The asset was already there, as written.
        case matched
        /// The asset was already there; unknown details were filled in from the annex.
        case updated
        /// The same asset was already listed earlier in this table: not created twice.
        case repeated
    }

    /// One unit of one row: a `*N` row gives N lines.
    public struct Line: Sendable, Codable {
        public var line: Int
        public var outcome: Outcome
        public var machineId: UUID?
        public var nature: String
        public var model: String?
        public var serialNumber: String?
        public var inventoryNumber: String?
        public var unit: Int
        public var units: Int
        public var remarks: [ImportRemark]
    }

    public struct Skipped: Sendable, Codable {
        public var line: Int
        public var reason: String
    }

    public struct Totals: Sendable, Codable, Equatable {
        public var rows = 0
        public var units = 0
        public var created = 0
        public var matched = 0
        public var updated = 0
        public var repeated = 0
        public var skipped = 0
        public var warnings = 0
    }

    public var year: Int
    public var dryRun: Bool
    public var source: String
    public var sha256: String
    public var lines: [Line]
    public var skipped: [Skipped]
    public var totals: Totals
}
