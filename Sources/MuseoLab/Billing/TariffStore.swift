import Foundation
import PostgresNIO

/// How tariff grids are read and written: one type per statement, rows decoded by column name.
/// Versions are read in three statements whatever their number (versions, items, prices), and a
/// grid's items are written in two (items, then all their prices).
enum TariffStore {
    /// The customer categories a price column may name.
    struct Categories: Statement {
        static let sql = "SELECT code FROM tariff_categories ORDER BY code"
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { try r.value("code") }
    }

    /// The version effective from a date, locked while it is replaced.
    struct VersionFrom: Statement {
        static let sql = "SELECT id, locked_at FROM tariff_versions WHERE effective_from = $1::text::date FOR UPDATE"
        var effectiveFrom: CalendarDate
        func makeBindings() throws -> PostgresBindings { .with(effectiveFrom.description) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, lockedAt: Date?) { (try r.value("id"), try r.value("locked_at")) }
    }

    /// How many draft invoices a version prices.
    struct DraftsPricedBy: Statement {
        static let sql = """
            SELECT count(DISTINCT i.id) AS drafts FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
            WHERE i.status = 'draft' AND l.tariff_version_id = $1::uuid
            """
        var versionId: UUID
        func makeBindings() throws -> PostgresBindings { .with(versionId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int { Int(try r.value("drafts", as: Int64.self)) }
    }

    /// The prices of an unlocked version's items, before they are replaced (a locked version's
    /// The items in force of an unlocked version marked withdrawn, before others replace them
    /// (their prices stay theirs).
    struct ItemsWithdrawn: Statement {
        static let sql = "UPDATE tariff_items SET withdrawn_at = now() WHERE version_id = $1::uuid AND withdrawn_at IS NULL"
        var versionId: UUID
        func makeBindings() throws -> PostgresBindings { .with(versionId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A replaced version's new label and source.
    struct VersionRelabelled: Statement {
        static let sql = "UPDATE tariff_versions SET label = $2::text, source_sha256 = $3::text WHERE id = $1::uuid"
        var id: UUID, label: String, sourceSHA256: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(label)
            bindings.append(sourceSHA256)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A new version; answers its id.
    struct VersionAdded: Statement {
        static let sql = """
            INSERT INTO tariff_versions (effective_from, label, source_sha256) VALUES ($1::text::date, $2::text, $3::text) RETURNING id
            """
        var effectiveFrom: CalendarDate, label: String, sourceSHA256: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(effectiveFrom.description)
            bindings.append(label)
            bindings.append(sourceSHA256)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A version's items, in one statement; answers each item's id by code.
    struct ItemsAdded: Statement {
        static let sql = """
            INSERT INTO tariff_items (version_id, code, label, unit, applies_to, room_code, machine_category, vat_rate_bp, vat_exemption)
            SELECT $1::uuid, i.code, i.label, i.unit, i.applies_to, i.room_code, i.machine_category, i.vat_rate_bp, i.vat_exemption
            FROM jsonb_to_recordset($2::jsonb) AS i(code text, label text, unit text, applies_to text, room_code text,
                 machine_category text, vat_rate_bp integer, vat_exemption text)
            RETURNING id, code
            """
        var versionId: UUID
        var items: [TariffItem]

        /// An item as `jsonb_to_recordset` reads it (absent keys are NULL).
        struct JSONItem: Encodable {
            var code: String, label: String, unit: String, applies_to: String, room_code: String?, machine_category: String?
            var vat_rate_bp: Int?, vat_exemption: String?
        }

        func makeBindings() throws -> PostgresBindings {
            let rows = items.map { item in
                let rate: Int? = if case .rate(let bp) = item.vat { bp } else { nil }
                let mention: String? = if case .exempt(let text) = item.vat { text } else { nil }
                return JSONItem(
                    code: item.code, label: item.label, unit: item.unit.rawValue, applies_to: item.appliesTo.rawValue, room_code: item.roomCode,
                    machine_category: item.machineCategory, vat_rate_bp: rate, vat_exemption: mention)
            }
            var bindings = PostgresBindings()
            bindings.append(versionId)
            try bindings.appendJSON(rows)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, code: String) { (try r.value("id"), try r.value("code")) }
    }

    /// The prices of items just added, in one statement.
    struct PricesAdded: Statement {
        static let sql = """
            INSERT INTO tariff_prices (item_id, tariff_category, unit_price_cents)
            SELECT p.item_id, p.tariff_category, p.unit_price_cents
            FROM jsonb_to_recordset($1::jsonb) AS p(item_id uuid, tariff_category text, unit_price_cents integer)
            """
        struct Price: Encodable {
            var item_id: UUID, tariff_category: String, unit_price_cents: Int
        }
        var prices: [Price]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.appendJSON(prices)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The version in force on a date: the latest effective on or before it.
    struct VersionInForce: Statement {
        static let sql = "SELECT id FROM tariff_versions WHERE effective_from <= $1::text::date ORDER BY effective_from DESC LIMIT 1"
        var date: CalendarDate
        func makeBindings() throws -> PostgresBindings { .with(date.description) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Versions (some, or all when `ids` is nil), in the order they take effect, without items.
    struct Versions: Statement {
        static let sql = """
            SELECT id, effective_from::text AS effective_from, label, locked_at FROM tariff_versions
            WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[])
            ORDER BY effective_from
            """
        var ids: [UUID]?
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TariffVersion {
            TariffVersion(id: try r.value("id"), effectiveFrom: try r.date("effective_from"), label: try r.value("label"), lockedAt: try r.value("locked_at"), items: [])
        }
    }

    /// The items of versions, by code, with their version's id and their own.
    struct Items: Statement {
        static let sql = """
            SELECT id, version_id, code, label, unit, applies_to, room_code, machine_category, vat_rate_bp, vat_exemption
            FROM tariff_items WHERE withdrawn_at IS NULL AND ($1::uuid[] IS NULL OR version_id = ANY($1::uuid[])) ORDER BY code
            """
        var versionIds: [UUID]?
        func makeBindings() throws -> PostgresBindings { .with(versionIds) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, versionId: UUID, item: TariffItem) {
            let (rate, exemption): (Int32?, String?) = (try r.value("vat_rate_bp"), try r.value("vat_exemption"))
            return (try r.value("id"), try r.value("version_id"), TariffItem(
                code: try r.value("code"), label: try r.value("label"), unit: try r.value("unit", as: TariffItem.Unit.self),
                appliesTo: try r.value("applies_to", as: TariffItem.Scope.self), roomCode: try r.value("room_code"),
                machineCategory: try r.value("machine_category"),
                vat: rate.map { .rate(basisPoints: Int($0)) } ?? .exempt(mention: exemption ?? ""), prices: [:]))
        }
    }

    /// The prices of versions' items, by customer category.
    struct Prices: Statement {
        static let sql = """
            SELECT p.item_id, p.tariff_category, p.unit_price_cents FROM tariff_prices p JOIN tariff_items i ON i.id = p.item_id
            WHERE i.withdrawn_at IS NULL AND ($1::uuid[] IS NULL OR i.version_id = ANY($1::uuid[]))
            """
        var versionIds: [UUID]?
        func makeBindings() throws -> PostgresBindings { .with(versionIds) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (itemId: UUID, category: String, cents: Int) {
            (try r.value("item_id"), try r.value("tariff_category"), Int(try r.value("unit_price_cents", as: Int32.self)))
        }
    }

    /// Versions with their items and prices (some, or all when `ids` is nil): three statements.
    static func versions(_ ids: [UUID]?, _ session: SQLSession) async throws -> [TariffVersion] {
        var prices: [UUID: [String: Int]] = [:]
        for price in try await session.run(Prices(versionIds: ids)) { prices[price.itemId, default: [:]][price.category] = price.cents }
        var items: [UUID: [TariffItem]] = [:]
        for row in try await session.run(Items(versionIds: ids)) {
            var item = row.item
            item.prices = prices[row.id] ?? [:]
            items[row.versionId, default: []].append(item)
        }
        return try await session.run(Versions(ids: ids)).map { version in
            var version = version
            version.items = items[version.id] ?? []
            return version
        }
    }
}
