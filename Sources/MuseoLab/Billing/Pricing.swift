import Foundation

/// One priced line: what a billable item becomes on an invoice.
public struct PricedLine: Sendable, Equatable, Codable {
    public var description: String
    public var serviceDate: CalendarDate
    /// Thousandths of the unit (1.5 hours is 1500).
    public var quantityMilli: Int
    public var unit: TariffItem.Unit
    public var unitPriceCents: Int
    /// `quantity × unit price`, rounded to the cent on its own (EN 16931).
    public var netCents: Int
    public var vat: VATTreatment
    public var tariffVersionId: UUID
    public var tariffItemCode: String
}

/// Prices billable items with the grid version in force on their service date, at the
/// price of the customer's category.
///
/// - Overage hours: the `support` hour, for the minutes billed.
/// - Room rental: the cheapest way the grid offers for the room (hours; half-days of 4 h;
///   days of 8 h, each begun counted whole).
/// - Room service fees: every service fee of the grid for the room (or all rooms), per
///   booking (`unit`) or per duration.
/// - Machine use: the machine hour of the machine's category, else the general one.
/// - Consumables: the item named, times the quantity.
enum Pricing {
    struct Context {
        var version: TariffVersion
        var category: String
        var roomCode: String?
        var machineCategory: String?
    }

    static func price(_ item: BillableItem, _ context: Context) throws -> [PricedLine] {
        let version = context.version
        func price(of tariff: TariffItem) throws -> Int {
            guard let cents = tariff.prices[context.category] else {
                throw Problem(
                    .conflict, "the grid of \(version.effectiveFrom) has no \(context.category) price for \(tariff.code) (\(tariff.label))",
                    field: "tariffs")
            }
            return cents
        }
        func line(_ tariff: TariffItem, quantityMilli: Int, description: String) throws -> PricedLine {
            let unitPrice = try price(of: tariff)
            return PricedLine(
                description: description, serviceDate: item.serviceDate, quantityMilli: quantityMilli, unit: tariff.unit,
                unitPriceCents: unitPrice, netCents: Money.multiply(unitPrice, by: quantityMilli, over: 1000), vat: tariff.vat,
                tariffVersionId: version.id, tariffItemCode: tariff.code)
        }
        /// Thousandths of `unit` in `minutes`: exact for hours, whole units begun for half-days and days.
        func quantity(_ minutes: Int, in unit: TariffItem.Unit) -> Int {
            switch unit {
            case .hour: return Money.multiply(minutes, by: 1000, over: 60)
            case .halfDay, .day: return ((minutes + unit.minutes! - 1) / unit.minutes!) * 1000
            case .unit: return 1000
            }
        }
        func missing(_ what: String) -> Problem {
            Problem(.conflict, "the grid of \(version.effectiveFrom) prices no \(what)", field: "tariffs")
        }

        switch item.kind {
        case .supportOverage:
            guard let tariff = version.items.first(where: { $0.appliesTo == .support && $0.unit == .hour }) else { throw missing("support hour") }
            return [try line(tariff, quantityMilli: quantity(item.minutes ?? 0, in: .hour), description: "\(tariff.label) – \(item.description)")]

        case .roomRental:
            let options = version.items.filter { $0.appliesTo == .roomRental && ($0.roomCode == nil || $0.roomCode == context.roomCode) && $0.unit != .unit }
            let priced = try options.filter { $0.prices[context.category] != nil }
                .map { try line($0, quantityMilli: quantity(item.minutes ?? 0, in: $0.unit), description: "\($0.label) – \(item.description)") }
            guard let cheapest = priced.min(by: { ($0.netCents, $0.tariffItemCode) < ($1.netCents, $1.tariffItemCode) }) else {
                if let first = options.first { _ = try price(of: first) }
                throw missing("rental of the \(context.roomCode ?? "room")")
            }
            return [cheapest]

        case .roomServiceFees:
            let fees = version.items.filter { $0.appliesTo == .roomServiceFee && ($0.roomCode == nil || $0.roomCode == context.roomCode) }
            return try fees.map { fee in
                try line(fee, quantityMilli: fee.unit == .unit ? 1000 * item.quantity : quantity(item.minutes ?? 0, in: fee.unit),
                         description: "\(fee.label) – \(item.description)")
            }

        case .machineUse:
            let hourly = version.items.filter { $0.appliesTo == .machine && $0.unit == .hour }
            guard let tariff = hourly.first(where: { $0.machineCategory != nil && $0.machineCategory == context.machineCategory })
                ?? hourly.first(where: { $0.machineCategory == nil })
            else { throw missing("machine hour") }
            return [try line(tariff, quantityMilli: quantity(item.minutes ?? 0, in: .hour), description: "\(tariff.label) – \(item.description)")]

        case .consumable:
            guard let code = item.tariffItemCode, let tariff = version.items.first(where: { $0.code == code && $0.appliesTo == .consumable }) else {
                throw missing("consumable \(item.tariffItemCode ?? "")")
            }
            return [try line(tariff, quantityMilli: 1000 * item.quantity, description: "\(tariff.label) – \(item.description)")]
        }
    }
}

extension Pricing {
    /// Prices stored items with the grid in force on each one's service date, at its customer's
    /// category: `nil` for an item when no grid is in force on its date. Each version in force is
    /// read once, however many items it prices.
    static func price(_ items: [UUID], _ session: SQLSession) async throws -> [UUID: [PricedLine]?] {
        guard !items.isEmpty else { return [:] }
        var priced: [UUID: [PricedLine]?] = [:]
        var versions = VersionsInForce()
        for found in try await session.run(BillableItemStore.Repriceable(ids: items, from: nil)) {
            guard let version = try await versions.on(found.item.serviceDate, session) else {
                priced[found.item.id] = .some(nil)
                continue
            }
            priced[found.item.id] = try price(
                found.item, .init(version: version, category: found.category, roomCode: found.roomCode, machineCategory: found.machineCategory))
        }
        return priced
    }

    /// The grid versions in force on the days asked, each read once.
    struct VersionsInForce {
        private var byDay: [CalendarDate: TariffVersion?] = [:]

        mutating func on(_ day: CalendarDate, _ session: SQLSession) async throws -> TariffVersion? {
            if let known = byDay[day] { return known }
            let version = try await TariffGrid.inForce(on: day, session)
            byDay[day] = .some(version)
            return version
        }
    }

    /// Snapshots the price of open items that no draft holds yet: the items just recorded, or
    /// every item from a date when a grid version effective then is loaded. An item the grid
    /// cannot price yet (no price for its customer's category) stays unpriced; drafting it says
    /// why. Three reads (the items, the grid in force on each of their days) and one write, not
    /// four reads and a write per item.
    static func snapshot(items: [UUID]? = nil, from date: CalendarDate? = nil, _ session: SQLSession) async throws {
        var versions = VersionsInForce()
        var prices: [(id: UUID, lines: [PricedLine]?)] = []
        for found in try await session.run(BillableItemStore.Repriceable(ids: items, from: date)) {
            var lines: [PricedLine]?
            if let version = try await versions.on(found.item.serviceDate, session) {
                do {
                    lines = try price(found.item, .init(version: version, category: found.category, roomCode: found.roomCode, machineCategory: found.machineCategory))
                } catch let problem as Problem where problem.kind.isConflict {
                    lines = nil
                }
            }
            prices.append((found.item.id, lines))
        }
        if !prices.isEmpty { _ = try await session.run(BillableItemStore.PricedAll(prices: prices)) }
    }

    /// What over-quota minutes would cost the agreement's customer before VAT, priced as a
    /// billed overage item would be; `nil` when no grid is in force or it has no price for them.
    static func estimateOverage(minutes: Int, agreementId: UUID, on date: CalendarDate, _ session: SQLSession) async throws -> Int? {
        guard let version = try await TariffGrid.inForce(on: date, session),
            let (customer, category) = try await session.run(BillableItemStore.CustomerOfAgreement(agreementId: agreementId)).first
        else { return nil }
        let item = BillableItem(
            id: UUID(), kind: .supportOverage, customerOrganisationId: customer, agreementId: agreementId, roomBookingId: nil, overageItemId: nil,
            sessionId: nil, serviceDate: date, description: "estimation", minutes: minutes, quantity: 1, tariffItemCode: nil, status: .open,
            cancellationReason: nil)
        // A grid without a price for it is not an error here: the preview just has no estimate.
        return (try? price(item, .init(version: version, category: category, roomCode: nil, machineCategory: nil)))?.reduce(0) { $0 + $1.netCents }
    }
}

/// The totals of a document, EN 16931 style: line nets rounded on their own, VAT per
/// rate on the sum of the line nets of that rate, exemptions listed apart.
public struct DocumentTotals: Sendable, Equatable, Codable {
    public struct VATGroup: Sendable, Equatable, Codable {
        public var vat: VATTreatment
        public var taxableCents: Int
        public var vatCents: Int
    }

    public var netCents: Int
    public var vatCents: Int
    public var grossCents: Int { netCents + vatCents }
    public var groups: [VATGroup]

    public init(lines: [(net: Int, vat: VATTreatment)]) {
        var taxable: [VATTreatment: Int] = [:]
        for line in lines { taxable[line.vat, default: 0] += line.net }
        groups = taxable.map { vat, cents in
            let tax: Int = if case .rate(let bp) = vat { Money.multiply(cents, by: bp, over: 10_000) } else { 0 }
            return VATGroup(vat: vat, taxableCents: cents, vatCents: tax)
        }.sorted { a, b in
            switch (a.vat, b.vat) {
            case (.rate(let x), .rate(let y)): x > y
            case (.rate, .exempt): true
            case (.exempt, .rate): false
            case (.exempt(let x), .exempt(let y)): x < y
            }
        }
        netCents = lines.map(\.net).reduce(0, +)
        vatCents = groups.map(\.vatCents).reduce(0, +)
    }
}
