import Foundation

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
            guard try await session.exists(InventoryStore.MachineExists(id: machineId)) else { throw Problem.notFound("machine") }
            return try await session.run(MaintenanceStore.Listed(machineId: machineId, includingWithdrawn: includingWithdrawn))
        }
    }

    /// The windows in force on any machine during a period (at most 400 days, as any window).
    public func within(_ window: Period, by actor: Actor) async throws -> [MaintenanceWindow] {
        try actor.require(.viewInventory, "see maintenance windows")
        guard window.end > window.start else { throw Problem(.endNotAfterStart, "the end of the window must be after its start", field: "to") }
        guard window.end.timeIntervalSince(window.start) <= 400 * 86_400 else { throw Problem.invalid("to", "a window is at most 400 days") }
        return try await database.read { try await $0.run(MaintenanceStore.Within(period: window)) }
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
            guard let nature = try await session.run(MaintenanceStore.LockedMachine(id: machineId)).first else {
                throw Problem.notFound("machine")
            }
            // Not locked here: the sessions are locked by their life cycle, before their occupations,
            // as every move of a session does (an occupation locked first would deadlock a confirmation).
            let overlapping = try await session.run(MaintenanceStore.Occupying(machineId: machineId, period: period))
            if overlapping.contains(where: { $0.1 != nil }) {
                throw Problem(.bookingConflict, "the \(nature) already has a maintenance window then", field: "start")
            }
            let sessions = overlapping.compactMap(\.0)
            if !sessions.isEmpty && !cancelConflicting {
                let numbers = try await session.run(MaintenanceStore.SessionReferences(ids: sessions))
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
            var window = try await session.run(MaintenanceStore.Scheduled(machineId: machineId, period: period, reason: reason, createdBy: actor.label))[0]
            window.cancelledSessionIds = cancelled.map(\.id)
            return window
        }
    }

    /// Withdraws a maintenance window: the machine can be booked then again.
    public func withdraw(_ id: UUID, by actor: Actor) async throws -> MaintenanceWindow {
        try actor.require(.manageInventory, "withdraw maintenance windows")
        return try await database.write(as: actor, action: "maintenance.withdraw") { session in
            guard let window = try await session.run(MaintenanceStore.Withdrawn(id: id, withdrawnBy: actor.label)).first else {
                guard try await session.exists(MaintenanceStore.Exists(id: id)) else { throw Problem.notFound("maintenance window") }
                throw Problem.conflict("this maintenance window is already withdrawn")
            }
            return window
        }
    }
}
