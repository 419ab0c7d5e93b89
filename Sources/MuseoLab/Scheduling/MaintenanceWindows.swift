import Foundation
import PostgresNIO

/// A time when a machine is being maintained by LLV (article 5-2) and cannot be booked.
public struct MaintenanceWindow: Sendable, Equatable, Codable {
    public var id: UUID
    public var machineId: UUID
    public var period: Period
    public var reason: String
    public var createdBy: String
    public var createdAt: Date
    public var withdrawnAt: Date?
    /// The sessions cancelled to make room for it, when the manager asked so.
    public var cancelledSessionIds: [UUID]
}

/// Maintenance windows: refused over active bookings, unless the manager asks to cancel them.
public struct MaintenanceWindows: Sendable {
    let database: Database
    /// Sessions in the way are cancelled through their own life cycle.
    let events: DomainEvents

    init(database: Database, events: DomainEvents) {
        self.database = database
        self.events = events
    }

    public func list(machineId: UUID, includingWithdrawn: Bool = false, by actor: Actor) async throws -> [MaintenanceWindow] {
        try actor.require(.viewInventory, "see maintenance windows")
        return try await database.read { session in
            guard try await session.first("SELECT 1 FROM machines WHERE id = \(machineId)") != nil else { throw Problem.notFound("machine") }
            return try await session.rows(
                """
                SELECT id, machine_id, lower(period) AS start, upper(period) AS "end", reason, created_by, created_at, withdrawn_at
                FROM maintenance_windows WHERE machine_id = \(machineId) AND (\(includingWithdrawn) OR withdrawn_at IS NULL)
                ORDER BY lower(period)
                """
            ).map { try Self.window($0, cancelled: []) }
        }
    }

    /// Schedules maintenance. Over active bookings it is refused (409), unless
    /// `cancelConflicting`: then each is cancelled with the reason, and its requester notified.
    public func add(
        machineId: UUID, period: Period, reason: String, cancelConflicting: Bool, by actor: Actor
    ) async throws -> MaintenanceWindow {
        try actor.require(.manageInventory, "schedule maintenance")
        guard period.end > period.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        let reason = try Validate.text(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "maintenance.add") { session in
            guard let machine = try await session.first("SELECT nature FROM machines WHERE id = \(machineId) FOR UPDATE") else {
                throw Problem.notFound("machine")
            }
            let nature = try machine.decode(String.self)
            // Not locked here: the sessions are locked by their life cycle, before their occupations,
            // as every move of a session does (an occupation locked first would deadlock a confirmation).
            let overlapping = try await session.rows(
                """
                SELECT o.session_id, o.maintenance_id FROM machine_occupations o
                WHERE o.machine_id = \(machineId) AND o.active AND o.period && tstzrange(\(period.start), \(period.end), '[)')
                ORDER BY lower(o.period)
                """
            ).map { try $0.decode((UUID?, UUID?).self) }
            if overlapping.contains(where: { $0.1 != nil }) {
                throw Problem(.bookingConflict, "the \(nature) already has a maintenance window then", field: "start")
            }
            let sessions = overlapping.compactMap(\.0)
            if !sessions.isEmpty && !cancelConflicting {
                let numbers = try await session.rows("SELECT number FROM support_sessions WHERE id = ANY(\(sessions)) ORDER BY number")
                    .map { String(format: "S-%06d", try $0.decode(Int64.self)) }
                throw Problem(
                    .bookingConflict,
                    "the \(nature) is booked then (\(numbers.joined(separator: ", "))): ask to cancel those sessions to schedule the maintenance",
                    field: "cancelConflicting")
            }
            // Each is cancelled as it is once locked (one cancelled meanwhile stays as it is); what
            // follows (the quota released, the requester told) follows from its move.
            let cancelled = try await SessionLifecycle(events: events).move(sessions, by: actor, session) {
                SessionTransitions.cancelForMaintenance($0, machine: nature, reason: reason)
            }
            let row = try await session.first(
                """
                INSERT INTO maintenance_windows (machine_id, period, reason, created_by)
                VALUES (\(machineId), tstzrange(\(period.start), \(period.end), '[)'), \(reason), \(actor.label))
                RETURNING id, machine_id, lower(period) AS start, upper(period) AS "end", reason, created_by, created_at, withdrawn_at
                """)
            let window = try Self.window(row!, cancelled: cancelled.map(\.id))
            try await session.execute(
                """
                INSERT INTO machine_occupations (machine_id, period, maintenance_id)
                VALUES (\(machineId), tstzrange(\(period.start), \(period.end), '[)'), \(window.id))
                """)
            return window
        }
    }

    /// Withdraws a maintenance window: the machine can be booked then again.
    public func withdraw(_ id: UUID, by actor: Actor) async throws -> MaintenanceWindow {
        try actor.require(.manageInventory, "withdraw maintenance windows")
        return try await database.write(as: actor, action: "maintenance.withdraw") { session in
            let row = try await session.first(
                """
                UPDATE maintenance_windows SET withdrawn_at = now(), withdrawn_by = \(actor.label)
                WHERE id = \(id) AND withdrawn_at IS NULL
                RETURNING id, machine_id, lower(period) AS start, upper(period) AS "end", reason, created_by, created_at, withdrawn_at
                """)
            guard let row else {
                guard try await session.first("SELECT 1 FROM maintenance_windows WHERE id = \(id)") != nil else {
                    throw Problem.notFound("maintenance window")
                }
                throw Problem.conflict("this maintenance window is already withdrawn")
            }
            return try Self.window(row, cancelled: [])
        }
    }

    static func window(_ row: PostgresRow, cancelled: [UUID]) throws -> MaintenanceWindow {
        let r = row.makeRandomAccess()
        return MaintenanceWindow(
            id: try r.value("id"), machineId: try r.value("machine_id"), period: Period(start: try r.value("start"), end: try r.value("end")),
            reason: try r.value("reason"), createdBy: try r.value("created_by"), createdAt: try r.value("created_at"),
            withdrawnAt: try r.value("withdrawn_at"), cancelledSessionIds: cancelled)
    }
}
