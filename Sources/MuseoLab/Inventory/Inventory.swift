import Foundation

/// The machine inventory: what can be listed, added, changed, exported. Everyone
/// signed in sees it; managers change it.
public struct Inventory: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func list(_ filter: MachineFilter = .init(), by actor: Actor) async throws -> [Machine] {
        try actor.require(.viewInventory, "see the inventory")
        let category = try filter.category.map { try Validate.slug($0, field: "category") }
        return try await database.read { session in
            try await Self.load(session, id: nil, filter: MachineFilter(status: filter.status, category: category, bookable: filter.bookable))
        }
    }

    public func get(_ id: UUID, by actor: Actor) async throws -> Machine {
        try actor.require(.viewInventory, "see the inventory")
        return try await database.read { session in
            guard let machine = try await Self.load(session, id: id, filter: .init()).first else {
                throw Problem.notFound("machine")
            }
            return machine
        }
    }

    /// Finds a machine by id or by inventory number (`012547` and `12547` alike): the CLI's way of naming one.
    public func find(_ reference: String, by actor: Actor) async throws -> Machine {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        try actor.require(.viewInventory, "see the inventory")
        guard let number = InventoryNumber.normalise(reference) else {
            throw Problem.invalid("machine", "\"\(reference)\" is neither a machine id nor an inventory number")
        }
        let ids = try await database.read { session in
            try await session.run(InventoryStore.Numbered(inventoryNumber: number))
        }
        guard let id = ids.first else { throw Problem.notFound("machine with inventory number \(number)") }
        guard ids.count == 1 else {
            throw Problem.conflict("several owners use the inventory number \(number): name the machine by its id")
        }
        return try await get(id, by: actor)
    }

    /// Adds an asset acquired later (article 5-2) to the inventory.
    public func add(_ new: NewMachine, by actor: Actor) async throws -> Machine {
        try actor.require(.manageInventory, "add machines")
        let nature = try Validate.text(new.nature, field: "nature", maxLength: 200)
        let model = try Validate.optionalText(new.model, field: "model", maxLength: 200)
        let serial = try Validate.optionalText(new.serialNumber, field: "serialNumber", maxLength: 100)
        let inventoryNumber = try new.inventoryNumber.map(Self.inventoryNumber)
        let category = try new.category.map { try Validate.slug($0, field: "category") }
        let notes = try Validate.optionalText(new.notes, field: "notes", maxLength: 2000)
        let annexYear = new.annexYear ?? new.acquiredOn?.year ?? ParisClock.date(of: now()).year
        guard (2000...2100).contains(annexYear) else { throw Problem.invalid("annexYear", "must be between 2000 and 2100") }

        return try await database.write(as: actor, action: "machine.add") { session in
            let owner = try await Self.resolveOwner(new.ownerOrganisationId, session)
            if let inventoryNumber { try await Self.requireFreeInventoryNumber(inventoryNumber, owner: owner, except: nil, session) }
            let id = try await session.run(InventoryStore.Added(
                nature: nature, model: model, serialNumber: serial, inventoryNumber: inventoryNumber, owner: owner, category: category,
                bookable: new.bookable, requiresAuthorisation: new.requiresAuthorisation, annexYear: annexYear,
                acquiredOn: new.acquiredOn, notes: notes))[0]
            return try await Self.load(session, id: id, filter: .init())[0]
        }
    }

    /// Changes a machine: status (in service, maintenance, retired), bookable,
    /// authorisation required, category, or corrections to what the annex said.
    public func update(_ id: UUID, _ changes: MachineChanges, by actor: Actor) async throws -> Machine {
        try actor.require(.manageInventory, "change machines")
        guard !changes.isEmpty else { throw Problem(.invalidField, "nothing to change: give at least one field") }
        let nature = try changes.nature.map { try Validate.text($0, field: "nature", maxLength: 200) }
        let model = try changes.model.map { try Validate.text($0, field: "model", maxLength: 200) }
        let serial = try changes.serialNumber.map { try Validate.text($0, field: "serialNumber", maxLength: 100) }
        let inventoryNumber = try changes.inventoryNumber.map(Self.inventoryNumber)
        let category = try changes.category.map { try Validate.slug($0, field: "category") }
        let notes = try changes.notes.map { try Validate.text($0, field: "notes", maxLength: 2000) }

        return try await database.write(as: actor, action: "machine.update") { session in
            guard let current = try await Self.load(session, id: id, filter: .init(), lock: true).first else {
                throw Problem.notFound("machine")
            }
            let status = changes.status ?? current.status
            // Retiring a machine takes it out of booking; a retired one cannot be made bookable.
            let bookable = status == .retired && changes.bookable == nil ? false : (changes.bookable ?? current.bookable)
            if status == .retired && bookable {
                throw Problem.conflict("a retired machine cannot be bookable: put it back in service first", field: "bookable")
            }
            if let inventoryNumber {
                try await Self.requireFreeInventoryNumber(inventoryNumber, owner: current.ownerOrganisationId, except: id, session)
            }
            _ = try await session.run(InventoryStore.Changed(
                id: id, nature: nature, model: model, serialNumber: serial, inventoryNumber: inventoryNumber, category: category,
                status: status, bookable: bookable, requiresAuthorisation: changes.requiresAuthorisation,
                acquiredOn: changes.acquiredOn, notes: notes))
            return try await Self.load(session, id: id, filter: .init())[0]
        }
    }

    // MARK: - Export

    /// The inventory as an annex table that imports back to the same inventory:
    /// the four annex columns, then category, status, bookable, authorisation and annex year.
    public func export(by actor: Actor) async throws -> String {
        let machines = try await list(by: actor)
        let columns: [AnnexTable.Column] = [.nature, .model, .serial, .inventory, .category, .status, .bookable, .authorisation, .annex]
        var lines = [columns.map(\.header).joined(separator: "\t")]
        var index = 0
        while index < machines.count {
            let machine = machines[index]
            // Consecutive identical assets with neither serial nor inventory number are written `*N`, as in the annex.
            var count = 1
            if machine.serialNumber == nil, machine.inventoryNumber == nil {
                while index + count < machines.count, Self.sameUnidentifiedAsset(machine, machines[index + count]) {
                    count += 1
                }
            }
            let cells: [String?] = [
                count > 1 ? "\(machine.nature) *\(count)" : machine.nature, machine.model, machine.serialNumber,
                machine.inventoryNumber, machine.category, machine.status.rawValue, machine.bookable ? "oui" : "non",
                machine.requiresAuthorisation ? "oui" : "non", machine.annexYear.map(String.init),
            ]
            lines.append(cells.map { ($0 ?? "").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: "\t"))
            index += count
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func sameUnidentifiedAsset(_ a: Machine, _ b: Machine) -> Bool {
        b.serialNumber == nil && b.inventoryNumber == nil && a.nature == b.nature && a.model == b.model
            && a.category == b.category && a.status == b.status && a.bookable == b.bookable
            && a.requiresAuthorisation == b.requiresAuthorisation && a.annexYear == b.annexYear
            && a.ownerOrganisationId == b.ownerOrganisationId
    }

    // MARK: - Store

    static func inventoryNumber(_ text: String) throws -> String {
        guard let number = InventoryNumber.normalise(text) else {
            throw Problem.invalid("inventoryNumber", "\"\(text)\" is not an inventory number (letters, digits, '.', '/', '-')")
        }
        return number
    }

    static func requireFreeInventoryNumber(_ number: String, owner: UUID, except id: UUID?, _ session: SQLSession) async throws {
        if let other = try await session.run(InventoryStore.NumberTaken(owner: owner, inventoryNumber: number, except: id)).first {
            throw Problem(.duplicate, "the inventory number \(number) is already that of \(other)", field: "inventoryNumber")
        }
    }

    /// The owner of new assets: the one given, else the organisation lending its
    /// equipment under the agreement in force (the university).
    static func resolveOwner(_ given: UUID?, _ session: SQLSession) async throws -> UUID {
        if let given {
            guard try await session.exists(PeopleStore.OrganisationExists(id: given)) else {
                throw Problem.invalid("ownerOrganisationId", "no organisation has the id \(given)")
            }
            return given
        }
        guard let owner = try await session.run(InventoryStore.LendingOrganisation()).first else {
            throw Problem.invalid("ownerOrganisationId", "no agreement names the lending organisation: give the owner")
        }
        return owner
    }

    /// Machines by id and filter (each optional), in inventory order, locked when asked: one statement.
    static func load(_ session: SQLSession, id: UUID?, filter: MachineFilter, lock: Bool = false) async throws -> [Machine] {
        lock
            ? try await session.run(InventoryStore.LockedMachines(id: id, filter: filter))
            : try await session.run(InventoryStore.Machines(id: id, filter: filter))
    }
}
