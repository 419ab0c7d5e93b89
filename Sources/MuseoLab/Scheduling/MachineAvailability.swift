import Foundation

/// When a machine is free: the opening hours, minus closure days, bookings and maintenance.
public struct MachineAvailability: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The longest window one may ask about at once.
    public static let maximumWindowDays = 62

    public func free(_ machineId: UUID, within window: Period, by actor: Actor) async throws -> [Period] {
        try actor.require(.viewInventory, "see machine availability")
        guard window.end > window.start else { throw Problem(.endNotAfterStart, "`to` must be after `from`", field: "to") }
        guard window.duration <= Double(Self.maximumWindowDays) * 86_400 else {
            throw Problem.invalid("to", "ask for at most \(Self.maximumWindowDays) days at once")
        }
        return try await database.read { session in
            guard let (status, bookable) = try await session.run(OccupationStore.Standing(machineId: machineId)).first else {
                throw Problem.notFound("machine")
            }
            guard status == .inService, bookable else { return [] }
            let busy = try await session.run(OccupationStore.Occupied(machineId: machineId, window: window))
            return try await FablabCalendar.openPeriods(session, within: window).subtracting(busy).periods
        }
    }

    /// What occupies a machine in a window (sessions and maintenance), for its busy-time feed.
    static func busy(_ machineId: UUID, _ session: SQLSession) async throws -> [(id: UUID, period: Period, maintenance: Bool, active: Bool, revision: Int)] {
        try await session.run(OccupationStore.Busy(machineId: machineId))
    }
}
