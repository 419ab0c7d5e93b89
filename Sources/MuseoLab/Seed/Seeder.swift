import Foundation
import Logging
import PostgresNIO

/// What a new MuséoLab database starts with: the reference data of the agreement
/// (organisations, the agreement, rooms, allowances), the 2026 annex-1 inventory,
/// and an administrator whose token is shown once.
public struct Seeder: Sendable {
    let database: Database
    let folder: URL
    let now: @Sendable () -> Date

    /// The annexes shipped with the service, imported once each.
    static let annexes: [(year: Int, file: String, defaults: String?)] = [
        (2026, "annexe-1-2026.tsv", "inventory-2026-defaults.sql")
    ]

    public static let administratorEmail = "admin@museolab.local"

    /// - Parameter folder: the `sql/seed` folder.
    public init(database: Database, folder: URL, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.folder = folder
        self.now = now
    }

    /// Reference data first, then each shipped annex not yet imported.
    /// - Returns: the import reports of the annexes imported now.
    @discardableResult
    public func seed() async throws -> [InventoryImportReport] {
        let reference = try String(contentsOf: folder.appendingPathComponent("reference.sql"), encoding: .utf8)
        try await database.write(as: .system("seed"), action: "seed.reference") { session in
            for statement in SQLScript.statements(reference) {
                try await session.execute(PostgresQuery(unsafeSQL: statement))
            }
        }
        // The example 2026 tariff grid, once, for LLV to replace with its own.
        let hasGrid = try await database.read { try await $0.first("SELECT 1 FROM tariff_versions LIMIT 1") != nil }
        if !hasGrid {
            let grid = try String(contentsOf: folder.appendingPathComponent("tariffs-2026.tsv"), encoding: .utf8)
            _ = try await TariffGrid(database: database).load(
                grid, effectiveFrom: CalendarDate("2026-01-01")!, label: "Grille 2026 (EXEMPLE : chiffres fictifs à remplacer)", by: .system("seed"))
        }
        var reports: [InventoryImportReport] = []
        for annex in Self.annexes {
            let imported = try await database.read { session in
                try await session.first("SELECT 1 FROM inventory_imports WHERE annex_year = \(annex.year)") != nil
            }
            guard !imported else { continue }
            let text = try String(contentsOf: folder.appendingPathComponent(annex.file), encoding: .utf8)
            let report = try await AnnexImporter(database: database).importAnnex(
                text, source: annex.file, year: annex.year, dryRun: false, by: .system("seed"))
            if let defaults = annex.defaults {
                let sql = try String(contentsOf: folder.appendingPathComponent(defaults), encoding: .utf8)
                try await database.write(as: .system("seed"), action: "seed.inventory-defaults") { session in
                    for statement in SQLScript.statements(sql) {
                        try await session.execute(PostgresQuery(unsafeSQL: statement))
                    }
                }
            }
            database.logger.info(
                "annex imported", metadata: ["year": "\(annex.year)", "created": "\(report.totals.created)", "warnings": "\(report.totals.warnings)"])
            reports.append(report)
        }
        return reports
    }

    /// Creates the first administrator when there is no active one.
    /// - Parameter issuingToken: give them an API token too (to show once), or not (where the
    ///   output is a log, the operator makes one with the CLI).
    /// - Returns: the administrator's address and token, `nil` when an administrator exists.
    public func ensureAdministrator(issuingToken: Bool = true) async throws -> (email: String, token: IssuedToken?)? {
        let hasAdmin = try await database.read { session in
            try await session.first("SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL") != nil
        }
        guard !hasAdmin else { return nil }
        let system = Actor.system("seed")
        let provider = try await database.read { session in
            try await session.first(
                "SELECT provider_organisation_id FROM agreements ORDER BY starts_on DESC LIMIT 1")?.decode(UUID.self)
        }
        guard let provider else { throw Problem.conflict("no agreement: cannot tell which organisation runs the MuséoLab") }
        let users = Users(database: database)
        let existing = try? await users.find(Self.administratorEmail, by: system)
        let admin: User
        if let existing, existing.isActive, existing.role == .admin {
            admin = existing
        } else if let existing {
            // A disabled or demoted first administrator: a new account keeps the history apart.
            let suffix = Int(now().timeIntervalSince1970)
            admin = try await users.add(
                NewUser(email: "admin+\(suffix)@museolab.local", displayName: "Administrateur MuséoLab", organisationId: provider, role: .admin),
                by: system)
            _ = existing
        } else {
            admin = try await users.add(
                NewUser(email: Self.administratorEmail, displayName: "Administrateur MuséoLab", organisationId: provider, role: .admin),
                by: system)
        }
        guard issuingToken else { return (admin.email, nil) }
        let token = try await AccessTokens(database: database, now: now).create(
            for: admin.id, label: "first administrator token", expiresAt: now().addingTimeInterval(365 * 24 * 3600), by: system)
        return (admin.email, token)
    }
}
