import Foundation
import PostgresNIO

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
            guard let row = try await session.first("SELECT status, bookable FROM machines WHERE id = \(machineId)") else {
                throw Problem.notFound("machine")
            }
            let (status, bookable) = try row.decode((String, Bool).self)
            guard status == MachineStatus.inService.rawValue, bookable else { return [] }
            let busy = try await session.rows(
                """
                SELECT lower(period), upper(period) FROM machine_occupations
                WHERE machine_id = \(machineId) AND active AND period && tstzrange(\(window.start), \(window.end), '[)')
                """
            ).map { row -> Period in
                let (start, end) = try row.decode((Date, Date).self)
                return Period(start: start, end: end)
            }
            return try await FablabCalendar.openPeriods(session, within: window).subtracting(busy).periods
        }
    }

    /// What occupies a machine in a window (sessions and maintenance), for its busy-time feed.
    static func busy(_ machineId: UUID, _ session: SQLSession) async throws -> [(id: UUID, period: Period, maintenance: Bool, active: Bool, revision: Int)] {
        try await session.rows(
            """
            SELECT o.id, lower(o.period) AS starts_at, upper(o.period) AS ends_at, o.maintenance_id IS NOT NULL AS maintenance, o.active,
                   coalesce(s.revision, CASE WHEN w.withdrawn_at IS NULL THEN 0 ELSE 1 END) AS revision
            FROM machine_occupations o
            LEFT JOIN support_sessions s ON s.id = o.session_id
            LEFT JOIN maintenance_windows w ON w.id = o.maintenance_id
            WHERE o.machine_id = \(machineId) AND upper(o.period) > now() - interval '90 days'
            ORDER BY lower(o.period)
            """
        ).map { row in
            let r = row.makeRandomAccess()
            return (
                try r.value("id"), Period(start: try r.value("starts_at"), end: try r.value("ends_at")), try r.value("maintenance"),
                try r.value("active"), Int(try r.value("revision", as: Int32.self)))
        }
    }
}
