import Foundation

/// The free slots of a week for a supervised session: when the MuséoLab is open (opening hours,
/// closures), the machine is free (bookings, maintenance) and a staff member can supervise
/// (weekly pattern, exceptions, the sessions they already supervise). A slot offered can still
/// be refused when it is asked for (someone was faster): the request's checks and the
/// exclusion constraints decide.
public struct BookingSlots: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// Slots start on the hour and the half-hour.
    public static let step = 30

    /// The week from `firstDay` (seven days, Europe/Paris), for `minutes`-long sessions with
    /// `machineId` (`nil`: support only).
    public func week(from firstDay: CalendarDate, minutes: Int, machineId: UUID?, by actor: Actor) async throws -> [Period] {
        guard minutes > 0, minutes % Self.step == 0 else {
            throw Problem.invalid("minutes", "a session lasts a whole number of half-hours")
        }
        let midnight = LocalTime(hour: 0, minute: 0)!
        let window = Period(start: try ParisClock.instant(firstDay, midnight), end: try ParisClock.instant(firstDay.adding(days: 7), midnight))
        let now = now()
        return try await database.read { session in
            let rules = try await FablabCalendar.rules(session)
            guard minutes <= rules.maximumDurationMinutes else {
                throw Problem(.tooLong, "a session lasts at most \(rules.maximumDurationMinutes) minutes", field: "minutes")
            }
            var free = try await FablabCalendar.openPeriods(session, within: window)
            if let machineId {
                guard let (status, bookable) = try await session.run(OccupationStore.Standing(machineId: machineId)).first else {
                    throw Problem.notFound("machine")
                }
                guard status == .inService, bookable else { return [] }
                free = free.subtracting(try await session.run(OccupationStore.Occupied(machineId: machineId, window: window)))
            }
            free = free.intersection(try await Self.supervision(within: window, session))
            return Self.slots(in: free, minutes: minutes, notBefore: now, notAfter: now.addingTimeInterval(Double(rules.bookingHorizonDays) * 86_400))
        }
    }

    /// When at least one staff member is available and not already supervising.
    static func supervision(within window: Period, _ session: SQLSession) async throws -> PeriodSet {
        let busy = Dictionary(grouping: try await session.run(SessionStore.Supervising(window: window)), by: \.staffId)
        let staff = try await session.run(CalendarStore.Staff()).map(\.id)
        var covered = PeriodSet()
        // Every staff member's week in two statements, however many they are.
        for (staffId, available) in try await StaffAvailability.available(staff, within: window, session) {
            for period in available.subtracting((busy[staffId] ?? []).map(\.period)).periods { covered.insert(period) }
        }
        return covered
    }

    /// The rule: every `minutes`-long period within `free` that starts on a step, not in the past
    /// and within the booking horizon.
    static func slots(in free: PeriodSet, minutes: Int, notBefore: Date, notAfter: Date) -> [Period] {
        let step = Double(Self.step * 60)
        let length = Double(minutes * 60)
        var slots: [Period] = []
        for period in free.periods {
            var start = Date(timeIntervalSince1970: (period.start.timeIntervalSince1970 / step).rounded(.up) * step)
            while start.addingTimeInterval(length) <= period.end {
                if start >= notBefore, start <= notAfter { slots.append(Period(start: start, end: start.addingTimeInterval(length))) }
                start = start.addingTimeInterval(step)
            }
        }
        return slots
    }
}
