import Crypto
import Foundation
import PostgresNIO

/// How a tariff item is taxed: a VAT rate in basis points, or an exemption with its legal mention.
public enum VATTreatment: Sendable, Hashable, Codable {
    case rate(basisPoints: Int)
    case exempt(mention: String)

    /// `20 %`, `5,5 %`, or the mention.
    public var label: String {
        switch self {
        case .rate(let bp): "\(Money.percent(bp)) %"
        case .exempt(let mention): mention
        }
    }
}

/// One priced item of the grid.
public struct TariffItem: Sendable, Equatable, Codable {
    public enum Unit: String, Sendable, Codable, CaseIterable {
        case hour, halfDay = "half_day", day, unit

        /// The minutes one unit covers, when it is a duration.
        public var minutes: Int? {
            switch self {
            case .hour: 60
            case .halfDay: 240
            case .day: 480
            case .unit: nil
            }
        }
    }

    public enum Scope: String, Sendable, Codable, CaseIterable {
        case support, machine, roomRental = "room_rental", roomServiceFee = "room_service_fee", consumable
    }

    public var code: String
    public var label: String
    public var unit: Unit
    public var appliesTo: Scope
    public var roomCode: String?
    public var machineCategory: String?
    public var vat: VATTreatment
    /// Unit price in cents, by customer category (missing: not offered to that category).
    public var prices: [String: Int]
}

/// A version of the grid, in force from its effective date until the next one.
public struct TariffVersion: Sendable, Equatable, Codable {
    public var id: UUID
    public var effectiveFrom: CalendarDate
    public var label: String
    public var lockedAt: Date?
    public var items: [TariffItem]
}

/// The versioned tariff grid: the version in force on a service date prices it; a
/// version that priced an issued invoice is locked (the database refuses changes).
public struct TariffGrid: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Loads a grid table (tab-separated: code, label, unit, applies_to, room, machine_category,
    /// vat, then one price column per customer category) as the version effective from a date.
    /// Re-loading an unlocked version replaces its items; a locked one is refused.
    public func load(_ text: String, effectiveFrom: CalendarDate, label: String?, by actor: Actor) async throws -> TariffVersion {
        try actor.require(.manageBilling, "load the tariff grid")
        let items = try Self.parse(text)
        let label = try Validate.optionalText(label, field: "label", maxLength: 200) ?? "Grille tarifaire du \(effectiveFrom)"
        let sha = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return try await database.write(as: actor, action: "tariffs.load") { session in
            try await Self.checkCategories(items, session)
            let versionId: UUID
            if let existing = try await session.run(TariffStore.VersionFrom(effectiveFrom: effectiveFrom)).first {
                guard existing.lockedAt == nil else {
                    throw Problem.conflict("the grid effective from \(effectiveFrom) priced an issued invoice: it cannot change; load a new version instead")
                }
                versionId = existing.id
                let drafts = try await session.run(TariffStore.DraftsPricedBy(versionId: versionId))[0]
                guard drafts == 0 else {
                    throw Problem.conflict("\(drafts) draft invoice(s) are priced by the grid effective from \(effectiveFrom): issue or discard them first")
                }
                _ = try await session.run(TariffStore.ItemsWithdrawn(versionId: versionId))
                _ = try await session.run(TariffStore.VersionRelabelled(id: versionId, label: label, sourceSHA256: sha))
            } else {
                versionId = try await session.run(TariffStore.VersionAdded(effectiveFrom: effectiveFrom, label: label, sourceSHA256: sha))[0]
            }
            let added = Dictionary(uniqueKeysWithValues: try await session.run(TariffStore.ItemsAdded(versionId: versionId, items: items)).map { ($0.code, $0.id) })
            let prices = try items.flatMap { item in
                guard let itemId = added[item.code] else { throw Problem.conflict("the grid's item \(item.code) was not recorded") }
                return item.prices.sorted { $0.key < $1.key }.map { TariffStore.PricesAdded.Price(item_id: itemId, tariff_category: $0.key, unit_price_cents: $0.value) }
            }
            if !prices.isEmpty { _ = try await session.run(TariffStore.PricesAdded(prices: prices)) }
            // Open items from that date are priced again by the grid now in force on their day.
            try await Pricing.snapshot(from: effectiveFrom, session)
            return try await Self.version(versionId, session)
        }
    }

    /// What loading a grid table would record, item by item in the table's order, checked as
    /// `load` checks it (the table, the customer categories) but without recording anything.
    public func preview(_ text: String, by actor: Actor) async throws -> [TariffTableLine] {
        try actor.require(.manageBilling, "load the tariff grid")
        let lines = try Self.read(text)
        try await database.read { session in try await Self.checkCategories(lines.map(\.item), session) }
        return lines
    }

    /// Every price column of the table names a customer category.
    static func checkCategories(_ items: [TariffItem], _ session: SQLSession) async throws {
        let categories = Set(try await session.run(TariffStore.Categories()))
        for item in items {
            for category in item.prices.keys where !categories.contains(category) {
                throw Problem.tariffTable(.unknownCategory(category, known: categories.sorted()))
            }
        }
    }

    /// The version in force on a date.
    public func inForce(on date: CalendarDate) async throws -> TariffVersion {
        try await database.read { session in
            guard let version = try await Self.inForce(on: date, session) else {
                throw Problem.notFound("tariff grid in force on \(date)")
            }
            return version
        }
    }

    /// Every version, in the order they take effect: three statements whatever their number.
    public func versions() async throws -> [TariffVersion] {
        try await database.read { session in
            try await TariffStore.versions(nil, session)
        }
    }

    // MARK: - Reading the table

    static let columns = ["code", "label", "unit", "applies_to", "room", "machine_category", "vat"]

    static func parse(_ text: String) throws -> [TariffItem] {
        try read(text).map(\.item)
    }

    static func read(_ text: String) throws -> [TariffTableLine] {
        // Split on any line break: "\r\n" (a form's textarea, a Windows file) is one Character, never equal to "\n".
        // Lines keep their number in the file, blank and comment lines counted, as a spreadsheet shows them.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init).enumerated()
            .filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty && !$0.element.hasPrefix("#") }
            .map { (number: $0.offset + 1, text: $0.element) }
        guard let header = lines.first?.text.split(separator: "\t", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }),
            Array(header.prefix(columns.count)) == columns, header.count > columns.count
        else {
            throw Problem.tariffTable(.header(expected: columns))
        }
        let categories = Array(header.dropFirst(columns.count))
        var items: [TariffTableLine] = []
        for (line, text) in lines.dropFirst() {
            let cells = text.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == header.count else { throw Problem.tariffTable(.cellCount(line: line, found: cells.count, expected: header.count)) }
            guard let code = try? Validate.slug(cells[0], field: "table") else { throw Problem.tariffTable(.code(line: line, value: cells[0])) }
            guard !items.contains(where: { $0.item.code == code }) else { throw Problem.tariffTable(.duplicateCode(line: line, code: code)) }
            guard let label = try? Validate.text(cells[1], field: "table", maxLength: 200) else { throw Problem.tariffTable(.label(line: line)) }
            guard let unit = TariffItem.Unit(rawValue: cells[2]) else { throw Problem.tariffTable(.unit(line: line, value: cells[2])) }
            guard let scope = TariffItem.Scope(rawValue: cells[3]) else { throw Problem.tariffTable(.scope(line: line, value: cells[3])) }
            var prices: [String: Int] = [:]
            for (category, cell) in zip(categories, cells.dropFirst(columns.count)) where !cell.isEmpty {
                guard let cents = Money.parseCents(cell), cents >= 0 else {
                    throw Problem.tariffTable(.price(line: line, value: cell, category: category))
                }
                prices[category] = cents
            }
            items.append(TariffTableLine(line: line, item: TariffItem(
                code: code, label: label, unit: unit, appliesTo: scope,
                roomCode: cells[4].isEmpty ? nil : cells[4], machineCategory: cells[5].isEmpty ? nil : cells[5], vat: try vat(cells[6], line: line),
                prices: prices)))
        }
        guard !items.isEmpty else { throw Problem.tariffTable(.noItem) }
        return items
    }

    /// `20%`, `5,5 %`, or `exempt: <legal mention>`.
    static func vat(_ cell: String, line: Int) throws -> VATTreatment {
        if cell.lowercased().hasPrefix("exempt:") {
            let mention = cell.dropFirst("exempt:".count).trimmingCharacters(in: .whitespaces)
            guard !mention.isEmpty else { throw Problem.tariffTable(.exemptionWithoutMention(line: line)) }
            return .exempt(mention: mention)
        }
        let number = cell.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)
        guard let bp = Money.parseCents(number), (0...10_000).contains(bp) else { throw Problem.tariffTable(.vat(line: line, value: cell)) }
        return .rate(basisPoints: bp)
    }

    // MARK: - Store

    static func inForce(on date: CalendarDate, _ session: SQLSession) async throws -> TariffVersion? {
        guard let id = try await session.run(TariffStore.VersionInForce(date: date)).first else { return nil }
        return try await version(id, session)
    }

    static func version(_ id: UUID, _ session: SQLSession) async throws -> TariffVersion {
        guard let version = try await TariffStore.versions([id], session).first else { throw Problem.notFound("tariff version") }
        return version
    }
}
