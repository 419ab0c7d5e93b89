import Foundation
import PostgresNIO

/// A weekly interval on the wall clock: opening hours, or a staff member's availability.
public struct WeeklyInterval: Sendable, Hashable, Codable, Comparable {
    public var weekday: Weekday
    public var start: LocalTime
    public var end: LocalTime

    public init(weekday: Weekday, start: LocalTime, end: LocalTime) {
        self.weekday = weekday
        self.start = start
        self.end = end
    }

    public static func < (lhs: WeeklyInterval, rhs: WeeklyInterval) -> Bool {
        (lhs.weekday.rawValue, lhs.start.minutes) < (rhs.weekday.rawValue, rhs.start.minutes)
    }

    /// Refuses intervals that end before they start, or overlap on a weekday.
    static func validate(_ intervals: [WeeklyInterval], field: String) throws {
        for interval in intervals where interval.end <= interval.start {
            throw Problem.invalid(field, "on \(interval.weekday.name), \(interval.end) is not after \(interval.start)")
        }
        let sorted = intervals.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.weekday == b.weekday && b.start < a.end {
            throw Problem.invalid(field, "on \(a.weekday.name), \(a.start)–\(a.end) overlaps \(b.start)–\(b.end)")
        }
    }

    /// The instants this interval covers on `date`, if it is that weekday.
    func period(on date: CalendarDate) throws -> Period? {
        guard date.weekday == weekday else { return nil }
        return Period(start: try ParisClock.instant(date, start), end: try ParisClock.instant(date, end))
    }
}

/// A day the MuséoLab is closed: a French public holiday, or one of LLV's closures.
public struct Closure: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case publicHoliday = "public_holiday"
        case llv
    }

    /// `nil` for public holidays, which are computed, not stored.
    public var id: UUID?
    public var kind: Kind
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var label: String
    public var withdrawnAt: Date?

    public func covers(_ date: CalendarDate) -> Bool { startsOn <= date && date <= endsOn && withdrawnAt == nil }
}

/// What LLV decides about bookings: notice for cancellations, longest session, how far ahead.
public struct SchedulingRules: Sendable, Equatable, Codable {
    public var cancellationNoticeMinutes: Int
    public var maximumDurationMinutes: Int
    public var bookingHorizonDays: Int
    /// How far back a manager may record a session afterwards; older ones take an administrator.
    public var recordingWindowDays: Int

    public init(cancellationNoticeMinutes: Int, maximumDurationMinutes: Int, bookingHorizonDays: Int, recordingWindowDays: Int = 31) {
        self.cancellationNoticeMinutes = cancellationNoticeMinutes
        self.maximumDurationMinutes = maximumDurationMinutes
        self.bookingHorizonDays = bookingHorizonDays
        self.recordingWindowDays = recordingWindowDays
    }

    /// From `CalendarStore.rulesColumns`.
    init(_ columns: (notice: Int32, maximum: Int32, horizon: Int32, recording: Int32)) {
        self.init(
            cancellationNoticeMinutes: Int(columns.notice), maximumDurationMinutes: Int(columns.maximum), bookingHorizonDays: Int(columns.horizon),
            recordingWindowDays: Int(columns.recording))
    }
}

/// The fablab's calendar: opening hours per weekday, closure days, and the booking rules.
public struct FablabCalendar: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: - Opening hours

    public func openingHours() async throws -> [WeeklyInterval] {
        try await database.read { try await Self.openingHours($0) }
    }

    /// Replaces the weekly opening hours.
    public func setOpeningHours(_ intervals: [WeeklyInterval], by actor: Actor) async throws -> [WeeklyInterval] {
        try actor.require(.manageCalendar, "change the opening hours")
        try WeeklyInterval.validate(intervals, field: "openingHours")
        return try await database.write(as: actor, action: "calendar.opening-hours") { session in
            _ = try await session.run(CalendarStore.OpeningHoursReplaced())
            if !intervals.isEmpty { _ = try await session.run(CalendarStore.OpeningHoursSet(intervals: intervals)) }
            return try await Self.openingHours(session)
        }
    }

    // MARK: - Closures

    /// The public holidays and LLV's closures touching a year.
    public func closures(year: Int, includingWithdrawn: Bool = false) async throws -> [Closure] {
        guard (2000...2100).contains(year) else { throw Problem.invalid("year", "must be between 2000 and 2100") }
        let first = CalendarDate(year: year, month: 1, day: 1)!, last = CalendarDate(year: year, month: 12, day: 31)!
        let llv = try await database.read { try await Self.closures($0, from: first, to: last, includingWithdrawn: includingWithdrawn) }
        return (Self.publicHolidays(from: first, to: last) + llv).sorted { ($0.startsOn, $0.label) < ($1.startsOn, $1.label) }
    }

    public func addClosure(from startsOn: CalendarDate, to endsOn: CalendarDate, label: String, by actor: Actor) async throws -> Closure {
        try actor.require(.manageCalendar, "declare closures")
        guard endsOn >= startsOn else { throw Problem(.endNotAfterStart, "a closure ends on or after its first day", field: "endsOn") }
        let label = try Validate.text(label, field: "label", maxLength: 200)
        return try await database.write(as: actor, action: "calendar.closure.add") { session in
            let id = try await session.run(CalendarStore.ClosureAdded(startsOn: startsOn, endsOn: endsOn, label: label))[0]
            return Closure(id: id, kind: .llv, startsOn: startsOn, endsOn: endsOn, label: label, withdrawnAt: nil)
        }
    }

    public func withdrawClosure(_ id: UUID, by actor: Actor) async throws -> Closure {
        try actor.require(.manageCalendar, "withdraw closures")
        return try await database.write(as: actor, action: "calendar.closure.withdraw") { session in
            guard let closure = try await session.run(CalendarStore.ClosureWithdrawn(id: id)).first else {
                guard try await session.exists(CalendarStore.ClosureExists(id: id)) else { throw Problem.notFound("closure") }
                throw Problem.conflict("this closure is already withdrawn")
            }
            return closure
        }
    }

    // MARK: - Rules

    public func rules() async throws -> SchedulingRules {
        try await database.read { try await Self.rules($0) }
    }

    public func updateRules(
        cancellationNoticeMinutes: Int?, maximumDurationMinutes: Int?, bookingHorizonDays: Int?, recordingWindowDays: Int? = nil,
        by actor: Actor
    ) async throws -> SchedulingRules {
        try actor.require(.manageCalendar, "change the booking rules")
        if let notice = cancellationNoticeMinutes, !(0...(60 * 24 * 60)).contains(notice) {
            throw Problem.invalid("cancellationNoticeMinutes", "must be between 0 and 86400 (60 days)")
        }
        if let maximum = maximumDurationMinutes, !(15...(24 * 60)).contains(maximum) {
            throw Problem.invalid("maximumDurationMinutes", "must be between 15 and 1440")
        }
        if let horizon = bookingHorizonDays, !(1...1000).contains(horizon) {
            throw Problem.invalid("bookingHorizonDays", "must be between 1 and 1000")
        }
        if let recording = recordingWindowDays, !(0...366).contains(recording) {
            throw Problem.invalid("recordingWindowDays", "must be between 0 and 366")
        }
        return try await database.write(as: actor, action: "calendar.rules") { session in
            try await session.run(CalendarStore.RulesChanged(
                noticeMinutes: cancellationNoticeMinutes, maximumMinutes: maximumDurationMinutes, horizonDays: bookingHorizonDays,
                recordingDays: recordingWindowDays))[0]
        }
    }

    // MARK: - What is open

    /// The open periods within a window: opening hours on days that are not closed.
    static func openPeriods(_ session: SQLSession, within window: Period) async throws -> PeriodSet {
        let first = ParisClock.date(of: window.start), last = ParisClock.date(of: window.end)
        return try openPeriods(
            hours: try await openingHours(session), closures: try await closures(session, from: first, to: last, includingWithdrawn: false),
            within: window)
    }

    /// The same from opening hours and LLV's closures already read (those of the window's days at least).
    static func openPeriods(hours: [WeeklyInterval], closures: [Closure], within window: Period) throws -> PeriodSet {
        let first = ParisClock.date(of: window.start), last = ParisClock.date(of: window.end)
        let closed = publicHolidays(from: first, to: last) + closures
        var open = PeriodSet()
        for date in first.through(last) where !closed.contains(where: { $0.covers(date) }) {
            for interval in hours {
                if let period = try interval.period(on: date) { open.insert(period) }
            }
        }
        return open.clipped(to: window)
    }

    /// The closure covering a date, if any.
    static func closure(on date: CalendarDate, _ session: SQLSession) async throws -> Closure? {
        closure(on: date, among: try await closures(session, from: date, to: date, includingWithdrawn: false))
    }

    /// The public holiday or LLV closure (among those already read) covering a date, if any.
    static func closure(on date: CalendarDate, among closures: [Closure]) -> Closure? {
        (publicHolidays(from: date, to: date) + closures).first { $0.covers(date) }
    }

    static func publicHolidays(from first: CalendarDate, to last: CalendarDate) -> [Closure] {
        Set([first.year, last.year]).sorted().flatMap { FrenchPublicHolidays.holidays(in: $0) }
            .filter { first <= $0.date && $0.date <= last }
            .map { Closure(id: nil, kind: .publicHoliday, startsOn: $0.date, endsOn: $0.date, label: $0.name, withdrawnAt: nil) }
    }

    static func openingHours(_ session: SQLSession) async throws -> [WeeklyInterval] {
        try await session.run(CalendarStore.OpeningHours())
    }

    static func closures(_ session: SQLSession, from first: CalendarDate, to last: CalendarDate, includingWithdrawn: Bool) async throws -> [Closure] {
        try await session.run(CalendarStore.Closures(first: first, last: last, includingWithdrawn: includingWithdrawn))
    }

    static func rules(_ session: SQLSession) async throws -> SchedulingRules {
        try await session.run(CalendarStore.Rules())[0]
    }
}

extension WeeklyInterval {
    /// The ranges of one weekday written `09:00-12:30,13:30-18:00` (nothing: closed, or away);
    /// a range not so written is refused, naming `field`.
    public static func ranges(_ text: String, on weekday: Weekday, field: String) throws -> [WeeklyInterval] {
        try text.split(separator: ",").map { range in
            let bounds = range.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            guard bounds.count == 2, let start = LocalTime(bounds[0]), let end = LocalTime(bounds[1]) else {
                throw Problem.invalid(field, "\"\(range.trimmingCharacters(in: .whitespaces))\" is not HH:MM-HH:MM")
            }
            return WeeklyInterval(weekday: weekday, start: start, end: end)
        }
    }
}
