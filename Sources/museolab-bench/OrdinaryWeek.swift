import Foundation
import MuseoLab

/// A week as the fablab lives it, for the pages and the feed to show: about sixty sessions (members'
/// supervised sessions, half of them confirmed, and partners' machine bookings) in a week clear of
/// the thousands the write paths book; and a member with a season of sessions (the twenty weeks
/// before), for a calendar feed of ordinary length. Made once, by the first path that needs it
/// (every staff member is available by then).
actor OrdinaryWeek {
    struct Made: Sendable {
        var monday: CalendarDate
        /// The feed of the member who booked the week's sessions and more.
        var feedSecret: String
    }

    private var made: Made?

    /// - Parameter clearAfter: the first day after the sessions the write paths book from the start
    ///   of the slots; the season and the week come after it.
    func make(_ world: BenchWorld, _ lab: MuseoLab, clearAfter: CalendarDate) async throws -> Made {
        if let made { return made }
        try await world.makeAvailable(10, lab)
        let system = BenchWorld.system
        var monday = clearAfter.adding(days: 21 * 7)
        while monday.weekday != .monday { monday = monday.adding(days: 1) }
        let member = try await lab.users.add(
            NewUser(email: "membre.assidu@univ-artois.fr", displayName: "Membre assidu", organisationId: BenchWorld.university, role: .member), by: system)
        let actor = Actor(userId: member.id, organisationId: BenchWorld.university, role: .member, label: "user:\(member.email)")
        let hours = try await lab.calendar.openingHours()
        func period(_ day: CalendarDate, startingAt minutes: Int, lasting length: Int) throws -> Period? {
            guard let open = hours.first(where: { $0.weekday == day.weekday }), FrenchPublicHolidays.name(of: day) == nil else { return nil }
            let start = open.start.minutes + minutes
            guard start + length <= open.end.minutes else { return nil }
            return Period(
                start: try ParisClock.instant(day, LocalTime(hour: start / 60, minute: start % 60)!),
                end: try ParisClock.instant(day, LocalTime(hour: (start + length) / 60, minute: (start + length) % 60)!))
        }
        // The week: eight supervised sessions a day (two hours, staggered over the staff), four of them confirmed.
        for offset in 0..<5 {
            let day = monday.adding(days: offset)
            for index in 0..<8 {
                guard let period = try period(day, startingAt: (index % 4) * 120, lasting: 120) else { continue }
                let requester = index == 0 ? actor : world.members[(offset * 8 + index) % world.members.count].actor
                let session = try await lab.sessions.request(
                    SessionRequest(staffId: world.staff[index].id, purpose: "Prototype d'exposition", participants: 2, period: period), by: requester)
                if index % 2 == 0 { _ = try await lab.sessions.confirm(session.id, by: world.staff[index].actor) }
            }
        }
        // Partners' machine bookings: four a day.
        let partner = try await lab.tokens.authenticate(world.partners[0], from: "127.0.0.1", throttle: AuthenticationThrottle(database: lab.database))
        for offset in 0..<5 {
            for index in 0..<4 {
                guard let period = try period(monday.adding(days: offset), startingAt: index * 60, lasting: 60) else { continue }
                _ = try await lab.sessions.request(
                    SessionRequest(supervised: false, purpose: "Découpe", period: period, machineIds: [UUID(uuidString: world.machines[index])!]), by: partner)
            }
        }
        // The member's season: a session a week for the twenty weeks before.
        for week in 1...20 {
            guard let period = try period(monday.adding(days: -7 * week + 2), startingAt: 60, lasting: 90) else { continue }
            _ = try await lab.sessions.request(SessionRequest(staffId: world.staff[9].id, purpose: "Suivi de projet", period: period), by: actor)
        }
        let secret = try await lab.calendarFeeds.create(for: member.id, by: actor)
        made = Made(monday: monday, feedSecret: secret)
        return made!
    }
}
