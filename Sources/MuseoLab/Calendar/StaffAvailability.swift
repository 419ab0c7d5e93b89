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
            let people = try await session.run(CalendarStore.Staff())
            var weekly: [UUID: [WeeklyInterval]] = [:]
            for row in try await session.run(CalendarStore.Weekly(staffIds: people.map(\.id))) { weekly[row.staffId, default: []].append(row.interval) }
            return people.map { StaffMember(userId: $0.id, displayName: $0.displayName, email: $0.email, weekly: weekly[$0.id] ?? []) }
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
            _ = try await session.run(CalendarStore.WeeklyReplaced(staffId: staffId))
            if !intervals.isEmpty { _ = try await session.run(CalendarStore.WeeklySet(staffId: staffId, intervals: intervals)) }
            return try await Self.weekly(staffId, session)
        }
    }

    /// The most a window asked for at once may span.
    public static let longestWindow: TimeInterval = 400 * 86_400

    public func exceptions(_ staffId: UUID, within window: Period) async throws -> [AvailabilityException] {
        try Self.check(window)
        return try await database.read { session in
            try await Self.requireStaff(staffId, session)
            return try await Self.exceptions(staffId, within: window, session, includingWithdrawn: true)
        }
    }

    /// The standing (not withdrawn) exceptions of several staff members touching a window, in one read.
    public func standingExceptions(of staffIds: [UUID], within window: Period) async throws -> [UUID: [AvailabilityException]] {
        try Self.check(window)
        let exceptions = try await database.read { session in
            try await session.run(CalendarStore.Exceptions(staffIds: staffIds, window: window, includingWithdrawn: false))
        }
        return Dictionary(grouping: exceptions, by: \.staffUserId)
    }

    static func check(_ window: Period) throws {
        guard window.end > window.start else { throw Problem(.endNotAfterStart, "the end of the window must be after its start", field: "to") }
        guard window.duration <= Self.longestWindow else { throw Problem.invalid("to", "ask for at most 400 days at once") }
    }

    public func addException(
        _ staffId: UUID, period: Period, available: Bool, reason: String?, by actor: Actor
    ) async throws -> AvailabilityException {
        try actor.require(.manageCalendar, "declare staff availability")
        guard period.end > period.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "staff.availability.exception") { session in
            try await Self.requireStaff(staffId, session)
            let id = try await session.run(CalendarStore.ExceptionAdded(staffId: staffId, period: period, available: available, reason: reason))[0]
            return AvailabilityException(
                id: id, staffUserId: staffId, period: period, available: available, reason: reason, withdrawnAt: nil)
        }
    }

    public func withdrawException(_ id: UUID, by actor: Actor) async throws {
        try actor.require(.manageCalendar, "withdraw staff availability exceptions")
        try await database.write(as: actor, action: "staff.availability.exception.withdraw") { session in
            guard try await !session.run(CalendarStore.ExceptionWithdrawn(id: id)).isEmpty else { throw Problem.notFound("availability exception") }
        }
    }

    // MARK: - Store

    /// When a staff member can supervise within a window: the weekly pattern, plus
    /// extra hours, minus absences.
    static func available(_ staffId: UUID, within window: Period, _ session: SQLSession) async throws -> PeriodSet {
        try await available([staffId], within: window, session)[staffId] ?? PeriodSet()
    }

    /// The same for several staff members, in two statements however many they are.
    static func available(_ staffIds: [UUID], within window: Period, _ session: SQLSession) async throws -> [UUID: PeriodSet] {
        let weekly = Dictionary(grouping: try await session.run(CalendarStore.Weekly(staffIds: staffIds)), by: \.staffId)
        let exceptions = Dictionary(
            grouping: try await session.run(CalendarStore.Exceptions(staffIds: staffIds, window: window, includingWithdrawn: false)), by: \.staffUserId)
        var result: [UUID: PeriodSet] = [:]
        for staffId in staffIds {
            result[staffId] = try available(
                weekly: (weekly[staffId] ?? []).map(\.interval), exceptions: (exceptions[staffId] ?? []).map { ($0.period, $0.available) }, within: window)
        }
        return result
    }

    /// The rule, on loaded values: the weekly pattern on each day the window touches, plus extra
    /// hours, minus absences, within the window.
    static func available(weekly: [WeeklyInterval], exceptions: [(period: Period, available: Bool)], within window: Period) throws -> PeriodSet {
        var available = PeriodSet()
        for date in ParisClock.date(of: window.start).through(ParisClock.date(of: window.end)) {
            for interval in weekly {
                if let period = try interval.period(on: date) { available.insert(period) }
            }
        }
        for exception in exceptions where exception.available { available.insert(exception.period) }
        return available.subtracting(exceptions.filter { !$0.available }.map(\.period)).clipped(to: window)
    }

    static func requireStaff(_ staffId: UUID, _ session: SQLSession) async throws {
        guard let (role, disabledAt) = try await session.run(CalendarStore.StaffStanding(id: staffId)).first else {
            throw Problem.notFound("staff member")
        }
        try requireStaff(role: role, disabled: disabledAt != nil)
    }

    /// Only managers and administrators supervise, with an active account.
    static func requireStaff(role: Role, disabled: Bool) throws {
        guard role == .manager || role == .admin else {
            throw Problem.invalid("staffId", "only managers and administrators supervise sessions")
        }
        guard !disabled else { throw Problem.invalid("staffId", "this staff member's account is disabled") }
    }

    static func weekly(_ staffId: UUID, _ session: SQLSession) async throws -> [WeeklyInterval] {
        try await session.run(CalendarStore.Weekly(staffIds: [staffId])).map(\.interval)
    }

    static func exceptions(
        _ staffId: UUID, within window: Period, _ session: SQLSession, includingWithdrawn: Bool
    ) async throws -> [AvailabilityException] {
        try await session.run(CalendarStore.Exceptions(staffIds: [staffId], window: window, includingWithdrawn: includingWithdrawn))
    }
}
