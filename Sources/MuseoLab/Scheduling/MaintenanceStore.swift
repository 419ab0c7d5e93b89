import Foundation
import PostgresNIO

/// How maintenance windows are read and written: one type per statement, rows decoded by column
/// name; a window and the occupation that keeps its machine free are written in one statement.
enum MaintenanceStore {
    static let columns = """
        id, machine_id, lower(period) AS start, upper(period) AS "end", reason, created_by, created_at, withdrawn_at
        """

    static func window(_ r: PostgresRandomAccessRow) throws -> MaintenanceWindow {
        MaintenanceWindow(
            id: try r.value("id"), machineId: try r.value("machine_id"), period: Period(start: try r.value("start"), end: try r.value("end")),
            reason: try r.value("reason"), createdBy: try r.value("created_by"), createdAt: try r.value("created_at"),
            withdrawnAt: try r.value("withdrawn_at"), cancelledSessionIds: [])
    }

    /// A machine's windows, in their order, withdrawn ones when asked.
    struct Listed: Statement {
        static let sql = """
            SELECT \(columns) FROM maintenance_windows WHERE machine_id = $1::uuid AND ($2::boolean OR withdrawn_at IS NULL)
            ORDER BY lower(period)
            """
        var machineId: UUID, includingWithdrawn: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(machineId)
            bindings.append(includingWithdrawn)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MaintenanceWindow { try MaintenanceStore.window(r) }
    }

    /// Every machine's windows in force that overlap a period (the planner's week), in their order.
    struct Within: Statement {
        static let sql = """
            SELECT \(columns) FROM maintenance_windows
            WHERE withdrawn_at IS NULL AND period && tstzrange($1::timestamptz, $2::timestamptz, '[)')
            ORDER BY lower(period), machine_id
            """
        var period: Period
        func makeBindings() throws -> PostgresBindings { .with(period.start, period.end) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MaintenanceWindow { try MaintenanceStore.window(r) }
    }

    /// A machine's nature, locked while maintenance is scheduled on it.
    struct LockedMachine: Statement {
        static let sql = "SELECT nature FROM machines WHERE id = $1::uuid FOR UPDATE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { try r.value("nature") }
    }

    /// What occupies a machine during a period: sessions and maintenance windows.
    struct Occupying: Statement {
        static let sql = """
            SELECT o.session_id, o.maintenance_id FROM machine_occupations o
            WHERE o.machine_id = $1::uuid AND o.active AND o.period && tstzrange($2::timestamptz, $3::timestamptz, '[)')
            ORDER BY lower(o.period)
            """
        var machineId: UUID, period: Period
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(machineId)
            bindings.append(period.start)
            bindings.append(period.end)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (sessionId: UUID?, maintenanceId: UUID?) {
            (try r.value("session_id"), try r.value("maintenance_id"))
        }
    }

    /// The references of sessions, in their order (`S-000042`).
    struct SessionReferences: Statement {
        static let sql = "SELECT number FROM support_sessions WHERE id = ANY($1::uuid[]) ORDER BY number"
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { "S-" + zeroPadded(try r.value("number", as: Int64.self), width: 6) }
    }

    /// A window scheduled, with the occupation that keeps its machine free (the exclusion
    /// constraint refuses it over anything else active); answers the window.
    struct Scheduled: Statement {
        static let sql = """
            WITH window_ AS (
                INSERT INTO maintenance_windows (machine_id, period, reason, created_by)
                VALUES ($1::uuid, tstzrange($2::timestamptz, $3::timestamptz, '[)'), $4::text, $5::text)
                RETURNING *),
            occupation AS (
                INSERT INTO machine_occupations (machine_id, period, maintenance_id) SELECT machine_id, period, id FROM window_)
            SELECT \(columns) FROM window_
            """
        var machineId: UUID, period: Period, reason: String, createdBy: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(machineId)
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(reason)
            bindings.append(createdBy)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MaintenanceWindow { try MaintenanceStore.window(r) }
    }

    /// A window withdrawn (kept, with who and when); answers it, or nothing when it was not in force.
    struct Withdrawn: Statement {
        static let sql = """
            UPDATE maintenance_windows SET withdrawn_at = now(), withdrawn_by = $2::text WHERE id = $1::uuid AND withdrawn_at IS NULL
            RETURNING \(columns)
            """
        var id: UUID, withdrawnBy: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(withdrawnBy)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MaintenanceWindow { try MaintenanceStore.window(r) }
    }

    /// Whether a window exists, withdrawn or not.
    struct Exists: IdExists {
        static let table = "maintenance_windows"
        var id: UUID
    }
}
