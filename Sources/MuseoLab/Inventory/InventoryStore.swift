import Foundation
import PostgresNIO

/// How the inventory is read and written: one type per statement, rows decoded by column name.
/// A list of machines is read in one statement, with their owners' names.
///
/// Dates travel as text: an optional one is cast `$n::text::date`, so that a `NULL` sent first
/// cannot make the parameter a `date` the later texts would not fit.
enum InventoryStore {
    /// The columns and joins every machine read shares; `where` chooses the machines.
    static func select(where condition: String, suffix: String = "") -> String {
        """
        SELECT m.id, m.nature, m.model, m.serial_number, m.inventory_number, m.owner_organisation_id,
               o.name AS owner_name, m.category, m.status, m.bookable, m.requires_authorisation, m.annex_year,
               m.unit_index, m.acquired_on::text AS acquired_on, m.notes, m.created_at, m.updated_at, m.retired_at
        FROM machines m JOIN organisations o ON o.id = m.owner_organisation_id
        WHERE \(condition)
        ORDER BY m.position\(suffix)
        """
    }

    /// Machines by id, status, category and bookable (each optional).
    static let filtered = """
        ($1::uuid IS NULL OR m.id = $1::uuid)
          AND ($2::text IS NULL OR m.status = $2::text)
          AND ($3::text IS NULL OR m.category = $3::text)
          AND ($4::boolean IS NULL OR m.bookable = $4::boolean)
        """

    static func machine(_ r: PostgresRandomAccessRow) throws -> Machine {
        Machine(
            id: try r.value("id"), nature: try r.value("nature"), model: try r.value("model"),
            serialNumber: try r.value("serial_number"), inventoryNumber: try r.value("inventory_number"),
            ownerOrganisationId: try r.value("owner_organisation_id"), ownerName: try r.value("owner_name"),
            category: try r.value("category"), status: try r.value("status", as: MachineStatus.self),
            bookable: try r.value("bookable"), requiresAuthorisation: try r.value("requires_authorisation"),
            annexYear: try r.value("annex_year", as: Int32?.self).map(Int.init), unitIndex: Int(try r.value("unit_index", as: Int32.self)),
            acquiredOn: try r.value("acquired_on", as: String?.self).map { try CalendarDate.reading($0, column: "acquired_on") },
            notes: try r.value("notes"), createdAt: try r.value("created_at"), updatedAt: try r.value("updated_at"),
            retiredAt: try r.value("retired_at"))
    }

    static func filterBindings(id: UUID?, filter: MachineFilter) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(id)
        bindings.append(filter.status?.rawValue)
        bindings.append(filter.category)
        bindings.append(filter.bookable)
        return bindings
    }

    // MARK: - Statements

    /// Machines by id and filter (each optional), in inventory order.
    struct Machines: Statement {
        static let sql = select(where: filtered)
        var id: UUID?
        var filter: MachineFilter
        func makeBindings() throws -> PostgresBindings { filterBindings(id: id, filter: filter) }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> Machine { try machine(row) }
    }

    /// Machines by id and filter (each optional), in inventory order, locked until the transaction ends.
    struct LockedMachines: Statement {
        static let sql = select(where: filtered, suffix: "\nFOR UPDATE OF m")
        var id: UUID?
        var filter: MachineFilter
        func makeBindings() throws -> PostgresBindings { filterBindings(id: id, filter: filter) }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> Machine { try machine(row) }
    }

    /// Whether a machine exists, retired or not.
    struct MachineExists: IdExists {
        static let table = "machines"
        var id: UUID
    }

    /// The machines with an inventory number, whatever their owner.
    struct Numbered: Statement {
        static let sql = "SELECT id FROM machines WHERE inventory_number = $1::text"
        var inventoryNumber: String
        func makeBindings() throws -> PostgresBindings { .with(inventoryNumber) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The nature of the owner's machine, other than `except`, that has an inventory number.
    struct NumberTaken: Statement {
        static let sql = """
            SELECT nature FROM machines
            WHERE owner_organisation_id = $1::uuid AND inventory_number = $2::text AND id IS DISTINCT FROM $3::uuid
            """
        var owner: UUID
        var inventoryNumber: String
        var except: UUID?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(owner)
            bindings.append(inventoryNumber)
            bindings.append(except)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { try r.value("nature") }
    }

    /// The customer of the agreement in force (else of the latest to start): the organisation lending its equipment.
    struct LendingOrganisation: Statement {
        static let sql = """
            SELECT customer_organisation_id FROM agreements
            ORDER BY (current_date BETWEEN starts_on AND ends_on) DESC, starts_on DESC LIMIT 1
            """
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("customer_organisation_id") }
    }

    /// A machine added by hand (article 5-2); answers its id.
    struct Added: Statement {
        static let sql = """
            INSERT INTO machines (nature, model, serial_number, inventory_number, owner_organisation_id, category,
                                  bookable, requires_authorisation, annex_year, acquired_on, notes)
            VALUES ($1::text, $2::text, $3::text, $4::text, $5::uuid, $6::text, $7::boolean,
                    $8::boolean, $9::integer, $10::text::date, $11::text)
            RETURNING id
            """
        var nature: String, model: String?, serialNumber: String?, inventoryNumber: String?
        var owner: UUID, category: String?, bookable: Bool, requiresAuthorisation: Bool
        var annexYear: Int, acquiredOn: CalendarDate?, notes: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(nature)
            bindings.append(model)
            bindings.append(serialNumber)
            bindings.append(inventoryNumber)
            bindings.append(owner)
            bindings.append(category)
            bindings.append(bookable)
            bindings.append(requiresAuthorisation)
            bindings.append(Int32(annexYear))
            bindings.append(acquiredOn?.description)
            bindings.append(notes)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A machine's changes: each field given replaces the stored one; status and bookable are
    /// always written, and retiring stamps `retired_at` (once), leaving service clears it.
    struct Changed: Statement {
        static let sql = """
            UPDATE machines SET
                nature = coalesce($2::text, nature),
                model = coalesce($3::text, model),
                serial_number = coalesce($4::text, serial_number),
                inventory_number = coalesce($5::text, inventory_number),
                category = coalesce($6::text, category),
                status = $7::text,
                bookable = $8::boolean,
                requires_authorisation = coalesce($9::boolean, requires_authorisation),
                acquired_on = coalesce($10::text::date, acquired_on),
                notes = coalesce($11::text, notes),
                retired_at = CASE WHEN $7::text = 'retired' THEN coalesce(retired_at, now()) END
            WHERE id = $1::uuid
            """
        var id: UUID
        var nature: String?, model: String?, serialNumber: String?, inventoryNumber: String?, category: String?
        var status: MachineStatus, bookable: Bool, requiresAuthorisation: Bool?
        var acquiredOn: CalendarDate?, notes: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(nature)
            bindings.append(model)
            bindings.append(serialNumber)
            bindings.append(inventoryNumber)
            bindings.append(category)
            bindings.append(status.rawValue)
            bindings.append(bookable)
            bindings.append(requiresAuthorisation)
            bindings.append(acquiredOn?.description)
            bindings.append(notes)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    // MARK: - Annex imports

    /// A stored machine an annex unit is compared with.
    struct StoredUnit: Sendable {
        var id: UUID
        var nature: String
        var model: String?
        var serialNumber: String?
    }

    static func storedUnit(_ r: PostgresRandomAccessRow) throws -> StoredUnit {
        StoredUnit(id: try r.value("id"), nature: try r.value("nature"), model: try r.value("model"), serialNumber: try r.value("serial_number"))
    }

    /// The owner's machine with an inventory number.
    struct UnitByInventoryNumber: Statement {
        static let sql = """
            SELECT id, nature, model, serial_number FROM machines
            WHERE owner_organisation_id = $1::uuid AND inventory_number = $2::text
            """
        var owner: UUID
        var inventoryNumber: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(owner)
            bindings.append(inventoryNumber)
            return bindings
        }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> StoredUnit { try storedUnit(row) }
    }

    /// The owner's first machine (by creation) with a serial number and no inventory number.
    struct UnitBySerialNumber: Statement {
        static let sql = """
            SELECT id, nature, model, serial_number FROM machines
            WHERE owner_organisation_id = $1::uuid AND serial_number = $2::text AND inventory_number IS NULL
            ORDER BY created_at, id LIMIT 1
            """
        var owner: UUID
        var serialNumber: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(owner)
            bindings.append(serialNumber)
            return bindings
        }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> StoredUnit { try storedUnit(row) }
    }

    /// The owner's machine with neither number that is the given occurrence of a nature and model.
    struct UnitByOccurrence: Statement {
        static let sql = """
            SELECT id, nature, model, serial_number FROM machines
            WHERE owner_organisation_id = $1::uuid AND inventory_number IS NULL AND serial_number IS NULL
              AND nature = $2::text AND model IS NOT DISTINCT FROM $3::text AND unit_index = $4::integer
            """
        var owner: UUID
        var nature: String
        var model: String?
        var unitIndex: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(owner)
            bindings.append(nature)
            bindings.append(model)
            bindings.append(Int32(unitIndex))
            return bindings
        }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> StoredUnit { try storedUnit(row) }
    }

    /// Fills in a machine's unknown model and serial number; known ones are kept.
    struct FilledIn: Statement {
        static let sql = """
            UPDATE machines SET model = coalesce(model, $2::text), serial_number = coalesce(serial_number, $3::text)
            WHERE id = $1::uuid
            """
        var id: UUID
        var model: String?
        var serialNumber: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(model)
            bindings.append(serialNumber)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A machine created from an annex unit (a retired one stamped retired now); answers its id.
    struct Imported: Statement {
        static let sql = """
            INSERT INTO machines (nature, model, serial_number, inventory_number, owner_organisation_id, category, status,
                                  bookable, requires_authorisation, annex_year, unit_index, notes, retired_at)
            VALUES ($1::text, $2::text, $3::text, $4::text, $5::uuid, $6::text, $7::text,
                    $8::boolean, $9::boolean, $10::integer, $11::integer, $12::text,
                    CASE WHEN $7::text = 'retired' THEN now() END)
            RETURNING id
            """
        var nature: String, model: String?, serialNumber: String?, inventoryNumber: String?
        var owner: UUID, category: String?, status: MachineStatus, bookable: Bool, requiresAuthorisation: Bool
        var annexYear: Int, unitIndex: Int, notes: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(nature)
            bindings.append(model)
            bindings.append(serialNumber)
            bindings.append(inventoryNumber)
            bindings.append(owner)
            bindings.append(category)
            bindings.append(status.rawValue)
            bindings.append(bookable)
            bindings.append(requiresAuthorisation)
            bindings.append(Int32(annexYear))
            bindings.append(Int32(unitIndex))
            bindings.append(notes)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The record of an import: the annex, its source and hash, and what it did.
    struct ImportRecorded: Statement {
        static let sql = """
            INSERT INTO inventory_imports (annex_year, source_name, source_sha256, created_count, matched_count,
                                           updated_count, repeated_count, warning_count)
            VALUES ($1::integer, $2::text, $3::text, $4::integer, $5::integer, $6::integer, $7::integer, $8::integer)
            """
        var year: Int
        var source: String
        var sha256: String
        var totals: InventoryImportReport.Totals
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(Int32(year))
            bindings.append(source)
            bindings.append(sha256)
            bindings.append(Int32(totals.created))
            bindings.append(Int32(totals.matched))
            bindings.append(Int32(totals.updated))
            bindings.append(Int32(totals.repeated))
            bindings.append(Int32(totals.warnings))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }
}
