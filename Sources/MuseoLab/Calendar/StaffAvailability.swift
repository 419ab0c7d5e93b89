import Foundation
import PostgresNIO

/// An exception to a staff member's weekly pattern: an absence, or extra hours.
public struct AvailabilityException: Sendable, Equatable, Codable {
    public var id: UUID
    public var staffUserId: UUID
    public var period: Period
    /// `false` for an absence, `true` for hours available outside the weekly pattern.
    public var available: Bool
    public var reason: String?
    public var withdrawnAt: Date?
}

/// A staff member (manager or admin) who can supervise sessions, with their availability.
public struct StaffMember: Sendable, Equatable, Codable {
    public var userId: UUID
    public var displayName: String
    public var email: String
    public var weekly: [WeeklyInterval]
}

/// When the staff can supervise: a weekly pattern each, plus exceptions.
public struct StaffAvailability: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The staff members, with their weekly availability: what a member needs to choose a session's supervisor.
    public func staff() async throws -> [StaffMember] {
        try await database.read { session in
            let people = try await session.rows(
                "SELECT id, display_name, email FROM users WHERE role IN ('manager', 'admin') AND disabled_at IS NULL ORDER BY display_name"
            ).map { try $0.decode((UUID, String, String).self) }
            var members: [StaffMember] = []
            for (id, name, email) in people {
                members.append(StaffMember(userId: id, displayName: name, email: email, weekly: try await Self.weekly(id, session)))
            }
            return members
        }
    }

    public func weekly(_ staffId: UUID) async throws -> [WeeklyInterval] {
        try await database.read { session in
            try await Self.requireStaff(staffId, session)
            return try await Self.weekly(staffId, session)
        }
    }

    /// Replaces a staff member's weekly pattern.
    public func setWeekly(_ staffId: UUID, _ intervals: [WeeklyInterval], by actor: Actor) async throws -> [WeeklyInterval] {
        try actor.require(.manageCalendar, "declare staff availability")
        try WeeklyInterval.validate(intervals, field: "weekly")
        return try await database.write(as: actor, action: "staff.availability.weekly") { session in
            try await Self.requireStaff(staffId, session)
            try await session.execute("DELETE FROM staff_weekly_availability WHERE staff_user_id = \(staffId)")
            for interval in intervals {
                try await session.execute(
                    """
                    INSERT INTO staff_weekly_availability (staff_user_id, weekday, starts_at, ends_at)
                    VALUES (\(staffId), \(interval.weekday.rawValue), \(interval.start.description)::time, \(interval.end.description)::time)
                    """)
            }
            return try await Self.weekly(staffId, session)
        }
    }

    /// The most a window asked for at once may span.
    public static let longestWindow: TimeInterval = 400 * 86_400

    public func exceptions(_ staffId: UUID, within window: Period) async throws -> [AvailabilityException] {
        guard window.end > window.start else { throw Problem(.endNotAfterStart, "the end of the window must be after its start", field: "to") }
        guard window.duration <= Self.longestWindow else { throw Problem.invalid("to", "ask for at most 400 days at once") }
        return try await database.read { session in
            try await Self.requireStaff(staffId, session)
            return try await Self.exceptions(staffId, within: window, session, includingWithdrawn: true)
        }
    }

    public func addException(
        _ staffId: UUID, period: Period, available: Bool, reason: String?, by actor: Actor
    ) async throws -> AvailabilityException {
        try actor.require(.manageCalendar, "declare staff availability")
        guard period.end > period.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "staff.availability.exception") { session in
            try await Self.requireStaff(staffId, session)
            let row = try await session.first(
                """
                INSERT INTO staff_availability_exceptions (staff_user_id, period, available, reason)
                VALUES (\(staffId), tstzrange(\(period.start), \(period.end), '[)'), \(available), \(reason))
                RETURNING id
                """)
            return AvailabilityException(
                id: try row!.decode(UUID.self), staffUserId: staffId, period: period, available: available, reason: reason, withdrawnAt: nil)
        }
    }

    public func withdrawException(_ id: UUID, by actor: Actor) async throws {
        try actor.require(.manageCalendar, "withdraw staff availability exceptions")
        try await database.write(as: actor, action: "staff.availability.exception.withdraw") { session in
            guard try await session.first(
                "UPDATE staff_availability_exceptions SET withdrawn_at = now() WHERE id = \(id) AND withdrawn_at IS NULL RETURNING id") != nil
            else { throw Problem.notFound("availability exception") }
        }
    }

    // MARK: - Store

    /// When a staff member can supervise within a window: the weekly pattern, plus
    /// extra hours, minus absences.
    static func available(_ staffId: UUID, within window: Period, _ session: SQLSession) async throws -> PeriodSet {
        var available = PeriodSet()
        let weekly = try await weekly(staffId, session)
        for date in ParisClock.date(of: window.start).through(ParisClock.date(of: window.end)) {
            for interval in weekly {
                if let period = try interval.period(on: date) { available.insert(period) }
            }
        }
        let exceptions = try await exceptions(staffId, within: window, session, includingWithdrawn: false)
        for exception in exceptions where exception.available { available.insert(exception.period) }
        return available.subtracting(exceptions.filter { !$0.available }.map(\.period)).clipped(to: window)
    }

    static func requireStaff(_ staffId: UUID, _ session: SQLSession) async throws {
        guard let row = try await session.first("SELECT role, disabled_at FROM users WHERE id = \(staffId)") else {
            throw Problem.notFound("staff member")
        }
        let (role, disabledAt) = try row.decode((String, Date?).self)
        guard role == "manager" || role == "admin" else {
            throw Problem.invalid("staffId", "only managers and administrators supervise sessions")
        }
        guard disabledAt == nil else { throw Problem.invalid("staffId", "this staff member's account is disabled") }
    }

    static func weekly(_ staffId: UUID, _ session: SQLSession) async throws -> [WeeklyInterval] {
        try await session.rows(
            """
            SELECT weekday, starts_at::text, ends_at::text FROM staff_weekly_availability
            WHERE staff_user_id = \(staffId) ORDER BY weekday, starts_at
            """
        ).map { row in
            let (weekday, start, end) = try row.decode((Int16, String, String).self)
            return WeeklyInterval(stored: Int(weekday), start: start, end: end)
        }
    }

    static func exceptions(
        _ staffId: UUID, within window: Period, _ session: SQLSession, includingWithdrawn: Bool
    ) async throws -> [AvailabilityException] {
        try await session.rows(
            """
            SELECT id, lower(period) AS starts_at, upper(period) AS ends_at, available, reason, withdrawn_at FROM staff_availability_exceptions
            WHERE staff_user_id = \(staffId) AND period && tstzrange(\(window.start), \(window.end), '[)')
              AND (\(includingWithdrawn) OR withdrawn_at IS NULL)
            ORDER BY lower(period)
            """
        ).map { row in
            let r = row.makeRandomAccess()
            return AvailabilityException(
                id: try r.value("id"), staffUserId: staffId, period: Period(start: try r.value("starts_at"), end: try r.value("ends_at")),
                available: try r.value("available"), reason: try r.value("reason"), withdrawnAt: try r.value("withdrawn_at"))
        }
    }
}
