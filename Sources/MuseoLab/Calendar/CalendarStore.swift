import Foundation
import PostgresNIO

/// How the fablab's calendar and the staff's availability are read and written: one type per
/// statement, rows decoded by column name. Weekly intervals are written in one statement, and
/// the staff's weekly patterns read in one whatever their number.
enum CalendarStore {
    /// Weekly intervals as `jsonb_to_recordset` reads them.
    struct JSONInterval: Encodable {
        var weekday: Int, starts_at: String, ends_at: String

        init(_ interval: WeeklyInterval) {
            (weekday, starts_at, ends_at) = (interval.weekday.rawValue, interval.start.description, interval.end.description)
        }
    }

    static func interval(_ r: PostgresRandomAccessRow) throws -> WeeklyInterval {
        try interval(weekday: Int(try r.value("weekday", as: Int16.self)), start: try r.value("starts_at"), end: try r.value("ends_at"))
    }

    /// A weekly interval as stored: the weekday's number (1 = Monday) and the wall-clock times as
    /// PostgreSQL writes them.
    static func interval(weekday: Int, start: String, end: String) throws -> WeeklyInterval {
        guard let day = Weekday(rawValue: weekday), let from = LocalTime(start), let to = LocalTime(end) else {
            throw UnknownColumnValue(column: "weekday, starts_at, ends_at", value: "\(weekday) \(start)–\(end)", type: "WeeklyInterval")
        }
        return WeeklyInterval(weekday: day, start: from, end: to)
    }

    // MARK: - Opening hours

    /// The weekly opening hours, in the order of the week.
    struct OpeningHours: Statement {
        static let sql = """
            SELECT weekday, opens_at::text AS starts_at, closes_at::text AS ends_at FROM opening_hours WHERE replaced_at IS NULL
            ORDER BY weekday, opens_at
            """
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WeeklyInterval { try CalendarStore.interval(r) }
    }

    /// The opening hours in force marked replaced, before others are set (two statements, not
    /// one: in one, the new rows could meet the old ones in the no-overlap constraint).
    struct OpeningHoursReplaced: Statement {
        static let sql = "UPDATE opening_hours SET replaced_at = now() WHERE replaced_at IS NULL"
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The weekly opening hours set, in one statement.
    struct OpeningHoursSet: Statement {
        static let sql = """
            INSERT INTO opening_hours (weekday, opens_at, closes_at)
            SELECT i.weekday, i.starts_at::time, i.ends_at::time FROM jsonb_to_recordset($1::jsonb) AS i(weekday smallint, starts_at text, ends_at text)
            """
        var intervals: [WeeklyInterval]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.appendJSON(intervals.map(JSONInterval.init))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    // MARK: - Closures

    static func closure(_ r: PostgresRandomAccessRow) throws -> Closure {
        Closure(
            id: try r.value("id"), kind: .llv, startsOn: try r.date("starts_on"), endsOn: try r.date("ends_on"), label: try r.value("label"),
            withdrawnAt: try r.value("withdrawn_at"))
    }

    /// LLV's closures touching some days.
    struct Closures: Statement {
        static let sql = """
            SELECT id, starts_on::text AS starts_on, ends_on::text AS ends_on, label, withdrawn_at FROM closures
            WHERE starts_on <= $2::text::date AND ends_on >= $1::text::date AND ($3::boolean OR withdrawn_at IS NULL)
            ORDER BY starts_on
            """
        var first: CalendarDate, last: CalendarDate, includingWithdrawn: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(first.description)
            bindings.append(last.description)
            bindings.append(includingWithdrawn)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Closure { try CalendarStore.closure(r) }
    }

    /// A closure of LLV's; answers its id.
    struct ClosureAdded: Statement {
        static let sql = "INSERT INTO closures (starts_on, ends_on, label) VALUES ($1::text::date, $2::text::date, $3::text) RETURNING id"
        var startsOn: CalendarDate, endsOn: CalendarDate, label: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(startsOn.description)
            bindings.append(endsOn.description)
            bindings.append(label)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A closure withdrawn (kept, with the moment); answers it, or nothing when it was not in force.
    struct ClosureWithdrawn: Statement {
        static let sql = """
            UPDATE closures SET withdrawn_at = now() WHERE id = $1::uuid AND withdrawn_at IS NULL
            RETURNING id, starts_on::text AS starts_on, ends_on::text AS ends_on, label, withdrawn_at
            """
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Closure { try CalendarStore.closure(r) }
    }

    /// Whether a closure exists, withdrawn or not.
    struct ClosureExists: IdExists {
        static let table = "closures"
        var id: UUID
    }

    // MARK: - Booking rules

    /// The rules' four columns, in minutes, minutes, days and days (`SchedulingRules.init(_:)` reads
    /// them by position in the booking's context, by these names here).
    static let rulesColumns = """
        (extract(epoch FROM cancellation_notice) / 60)::int AS notice_minutes, (extract(epoch FROM maximum_duration) / 60)::int AS maximum_minutes,
        (extract(epoch FROM booking_horizon) / 86400)::int AS horizon_days, (extract(epoch FROM recording_window) / 86400)::int AS recording_days
        """

    static func rules(_ r: PostgresRandomAccessRow) throws -> SchedulingRules {
        SchedulingRules((
            try r.value("notice_minutes", as: Int32.self), try r.value("maximum_minutes", as: Int32.self), try r.value("horizon_days", as: Int32.self),
            try r.value("recording_days", as: Int32.self)))
    }

    /// The booking rules (one row).
    struct Rules: Statement {
        static let sql = "SELECT \(rulesColumns) FROM scheduling_rules"
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SchedulingRules { try CalendarStore.rules(r) }
    }

    /// The booking rules changed (`nil` keeps one); answers them.
    struct RulesChanged: Statement {
        static let sql = """
            UPDATE scheduling_rules SET
                cancellation_notice = coalesce(make_interval(mins => $1::int), cancellation_notice),
                maximum_duration = coalesce(make_interval(mins => $2::int), maximum_duration),
                booking_horizon = coalesce(make_interval(days => $3::int), booking_horizon),
                recording_window = coalesce(make_interval(days => $4::int), recording_window)
            RETURNING \(rulesColumns)
            """
        var noticeMinutes: Int?, maximumMinutes: Int?, horizonDays: Int?, recordingDays: Int?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(noticeMinutes.map(Int32.init))
            bindings.append(maximumMinutes.map(Int32.init))
            bindings.append(horizonDays.map(Int32.init))
            bindings.append(recordingDays.map(Int32.init))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SchedulingRules { try CalendarStore.rules(r) }
    }

    // MARK: - Staff

    /// The active staff members (managers and administrators), by name.
    struct Staff: Statement {
        static let sql = "SELECT id, display_name, email FROM users WHERE role IN ('manager', 'admin') AND disabled_at IS NULL ORDER BY display_name, id"
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, displayName: String, email: String) {
            (try r.value("id"), try r.value("display_name"), try r.value("email"))
        }
    }

    /// Whether someone may supervise: their role and whether their account is disabled.
    struct StaffStanding: Statement {
        static let sql = "SELECT role, disabled_at FROM users WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (role: Role, disabledAt: Date?) {
            (try r.value("role", as: Role.self), try r.value("disabled_at"))
        }
    }

    /// The weekly patterns of some staff members, in the order of the week.
    struct Weekly: Statement {
        static let sql = """
            SELECT staff_user_id, weekday, starts_at::text AS starts_at, ends_at::text AS ends_at FROM staff_weekly_availability
            WHERE staff_user_id = ANY($1::uuid[]) AND replaced_at IS NULL ORDER BY weekday, starts_at
            """
        var staffIds: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(staffIds) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (staffId: UUID, interval: WeeklyInterval) {
            (try r.value("staff_user_id"), try CalendarStore.interval(r))
        }
    }

    /// A staff member's weekly pattern in force marked replaced, before another is set.
    struct WeeklyReplaced: Statement {
        static let sql = "UPDATE staff_weekly_availability SET replaced_at = now() WHERE staff_user_id = $1::uuid AND replaced_at IS NULL"
        var staffId: UUID
        func makeBindings() throws -> PostgresBindings { .with(staffId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A staff member's weekly pattern set, in one statement.
    struct WeeklySet: Statement {
        static let sql = """
            INSERT INTO staff_weekly_availability (staff_user_id, weekday, starts_at, ends_at)
            SELECT $1::uuid, i.weekday, i.starts_at::time, i.ends_at::time
            FROM jsonb_to_recordset($2::jsonb) AS i(weekday smallint, starts_at text, ends_at text)
            """
        var staffId: UUID, intervals: [WeeklyInterval]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(staffId)
            try bindings.appendJSON(intervals.map(JSONInterval.init))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// Staff members' absences and extra hours touching a window, in one read whatever their number.
    struct Exceptions: Statement {
        static let sql = """
            SELECT id, staff_user_id, lower(period) AS starts_at, upper(period) AS ends_at, available, reason, withdrawn_at
            FROM staff_availability_exceptions
            WHERE staff_user_id = ANY($1::uuid[]) AND period && tstzrange($2::timestamptz, $3::timestamptz, '[)') AND ($4::boolean OR withdrawn_at IS NULL)
            ORDER BY lower(period), staff_user_id
            """
        var staffIds: [UUID], window: Period, includingWithdrawn: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(staffIds)
            bindings.append(window.start)
            bindings.append(window.end)
            bindings.append(includingWithdrawn)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> AvailabilityException {
            AvailabilityException(
                id: try r.value("id"), staffUserId: try r.value("staff_user_id"), period: Period(start: try r.value("starts_at"), end: try r.value("ends_at")),
                available: try r.value("available"), reason: try r.value("reason"), withdrawnAt: try r.value("withdrawn_at"))
        }
    }

    /// An absence or extra hours; answers its id.
    struct ExceptionAdded: Statement {
        static let sql = """
            INSERT INTO staff_availability_exceptions (staff_user_id, period, available, reason)
            VALUES ($1::uuid, tstzrange($2::timestamptz, $3::timestamptz, '[)'), $4::boolean, $5::text)
            RETURNING id
            """
        var staffId: UUID, period: Period, available: Bool, reason: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(staffId)
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(available)
            bindings.append(reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// An exception withdrawn (kept, with the moment); answers its id, or nothing when it was not in force.
    struct ExceptionWithdrawn: Statement {
        static let sql = "UPDATE staff_availability_exceptions SET withdrawn_at = now() WHERE id = $1::uuid AND withdrawn_at IS NULL RETURNING id"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
