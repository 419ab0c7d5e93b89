import Foundation

/// A series asked at once: the same session every week or every N weeks, until a date or N
/// times. Each occurrence is an ordinary session, requested on its own under every rule; the
/// answer says, occurrence by occurrence, which were booked and which were refused and why.
/// The series then confirms, or cancels from an occurrence on, in one action.
public struct SessionSeries: Sendable {
    let sessions: Sessions
    let database: Database
    let now: @Sendable () -> Date

    /// At most a year of weeks in one series.
    public static let longest = 52

    /// How a series repeats: the first occurrence is `first.period`.
    public struct Request: Sendable {
        public var first: SessionRequest
        public var everyWeeks: Int
        public var until: CalendarDate?
        public var count: Int?

        public init(first: SessionRequest, everyWeeks: Int = 1, until: CalendarDate? = nil, count: Int? = nil) {
            self.first = first
            self.everyWeeks = everyWeeks
            self.until = until
            self.count = count
        }
    }

    /// A place in the series: when, and the session booked there, or why none was.
    public struct Occurrence: Sendable {
        public var occurrence: Int
        public var period: Period
        public var session: SupportSession?
        public var refusal: Problem?
    }

    public struct Series: Sendable {
        public var id: UUID
        public var requesterId: UUID
        public var everyWeeks: Int
        public var occurrences: [Occurrence]
        /// What confirming the occurrences still requested would take of the quota together, when an
        /// agreement pays for them (confirmed ones are committed already).
        public var quota: BookingQuotaPreview?

        public var bookedMinutes: Int { occurrences.compactMap(\.session).map(\.period.minutes).reduce(0, +) }
    }

    /// The occurrences' periods: the same wall-clock times in Paris each time (a real duration
    /// that may differ across a change of time, as every session's).
    public static func periods(of request: Request) throws -> [Period] {
        guard (1...4).contains(request.everyWeeks) else { throw Problem.invalid("everyWeeks", "repeat every 1 to 4 weeks") }
        guard (request.until == nil) != (request.count == nil) else { throw Problem.invalid("until", "give either an end date or a number of occurrences") }
        let first = request.first.period
        guard first.end > first.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        let (day, from, to) = (ParisClock.date(of: first.start), ParisClock.time(of: first.start), ParisClock.time(of: first.end))
        let days = day.days(until: ParisClock.date(of: first.end))
        var periods: [Period] = []
        for index in 0..<Self.longest {
            let start = day.adding(days: 7 * request.everyWeeks * index)
            if let count = request.count, index >= count { break }
            if let until = request.until, start > until { break }
            periods.append(Period(start: try ParisClock.instant(start, from), end: try ParisClock.instant(start.adding(days: days), to)))
        }
        if let count = request.count, !(2...Self.longest).contains(count) { throw Problem.invalid("count", "a series has 2 to \(Self.longest) occurrences") }
        if let until = request.until, periods.count < 2 || until > day.adding(days: 7 * request.everyWeeks * (Self.longest - 1)) {
            throw Problem.invalid("until", "a series has 2 to \(Self.longest) occurrences: choose an end date accordingly")
        }
        return periods
    }

    /// Books every occurrence it can; refused occurrences are recorded with why, so the answer can
    /// be read again. When none can be booked, nothing is recorded and the first occurrence's
    /// refusal is thrown.
    public func request(_ request: Request, by actor: Actor) async throws -> Series {
        let periods = try Self.periods(of: request)
        guard let requesterId = request.first.requesterId ?? actor.userId else { throw Problem.invalid("requesterId", "say whom the sessions are for") }
        var occurrences: [Occurrence] = []
        for (index, period) in periods.enumerated() {
            var one = request.first
            one.requesterId = requesterId
            one.period = period
            do {
                occurrences.append(Occurrence(occurrence: index + 1, period: period, session: try await sessions.request(one, by: actor), refusal: nil))
            } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError && problem.kind != .forbidden {
                occurrences.append(Occurrence(occurrence: index + 1, period: period, session: nil, refusal: problem))
            }
        }
        let booked = occurrences.filter { $0.session != nil }
        // Nothing booked is no series: the first refusal is the answer (bad input is then a 4xx naming its field).
        if booked.isEmpty, let refusal = occurrences.first?.refusal { throw refusal }
        let id = try await database.write(as: actor, action: "session_series.request") { session in
            let id = try await session.run(SessionSeriesStore.Added(
                requesterId: requesterId, everyWeeks: request.everyWeeks, occurrences: periods.count, at: now(), by: actor.label))[0]
            if !booked.isEmpty {
                _ = try await session.run(SessionSeriesStore.OccurrencesAdded(
                    seriesId: id, occurrences: booked.map(\.occurrence), sessionIds: booked.compactMap { $0.session?.id }))
            }
            let refused = occurrences.compactMap { o in o.refusal.map { (occurrence: o.occurrence, period: o.period, problem: $0) } }
            if !refused.isEmpty {
                _ = try await session.run(SessionSeriesStore.RefusalsAdded(seriesId: id, refusals: refused))
            }
            return id
        }
        return try await Series(id: id, requesterId: requesterId, everyWeeks: request.everyWeeks, occurrences: occurrences,
                                quota: quota(requesterId, booked, by: actor))
    }

    /// The series as it stands: its booked occurrences and their sessions, and the occurrences
    /// refused when it was asked, with why.
    public func get(_ id: UUID, by actor: Actor) async throws -> Series {
        // Its sessions in one batch, in the same read: not one round trip per occurrence.
        let (header, places, booked, refusals) = try await database.read { session in
            guard let header = try await session.run(SessionSeriesStore.One(id: id)).first else { throw Problem.notFound("series") }
            let places = try await session.run(SessionSeriesStore.Occurrences(seriesId: id))
            return (header, places, try await SessionStore.load(places.map(\.sessionId), session),
                    try await session.run(SessionSeriesStore.Refusals(seriesId: id)))
        }
        let byId = Dictionary(booked.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var occurrences: [Occurrence] = []
        for place in places {
            // As `Sessions.get`: a session the actor may not see is not found.
            guard let found = byId[place.sessionId], Sessions.maySee(found, actor) else { throw Problem.notFound("session") }
            occurrences.append(Occurrence(occurrence: place.occurrence, period: found.period, session: found, refusal: nil))
        }
        guard !occurrences.isEmpty || actor.userId == header.requesterId || actor.role.allows(.viewAllSessions) else {
            throw Problem.notFound("series")
        }
        let requested = occurrences.filter { $0.session?.status == .requested }
        occurrences += refusals.map { Occurrence(occurrence: $0.occurrence, period: $0.period, session: nil, refusal: $0.problem) }
        occurrences.sort { $0.occurrence < $1.occurrence }
        return Series(id: id, requesterId: header.requesterId, everyWeeks: header.everyWeeks, occurrences: occurrences,
                      quota: try await quota(header.requesterId, requested, by: actor))
    }

    /// The series a session belongs to, if any: for whoever was given the session (so may see it).
    public func containing(_ booked: SupportSession) async throws -> UUID? {
        try await database.read { session in try await session.run(SessionSeriesStore.OfSession(sessionId: booked.id)).first }
    }

    /// Confirms every occurrence still requested (staff).
    public func confirm(_ id: UUID, by actor: Actor) async throws -> Series {
        try actor.require(.superviseSessions, "confirm a series")
        for occurrence in try await get(id, by: actor).occurrences where occurrence.session?.status == .requested {
            _ = try await sessions.confirm(occurrence.session!.id, by: actor)
        }
        return try await get(id, by: actor)
    }

    /// Cancels "this and the following ones": every occurrence from `from` on that is still to come.
    public func cancel(_ id: UUID, from: Int, reason: String, by actor: Actor) async throws -> Series {
        let series = try await get(id, by: actor)
        guard series.occurrences.contains(where: { $0.session != nil && $0.occurrence >= from }) else {
            throw Problem.invalid("fromOccurrence", "the series has no booked occurrence from \(from) on")
        }
        for occurrence in series.occurrences where occurrence.occurrence >= from {
            guard let session = occurrence.session, session.status.isActive, session.period.start > now() else { continue }
            _ = try await sessions.cancel(session.id, reason: reason, by: actor)
        }
        return try await get(id, by: actor)
    }

    /// The quota the occurrences take together, from what the agreement of the first one has left.
    func quota(_ requesterId: UUID, _ occurrences: [Occurrence], by actor: Actor) async throws -> BookingQuotaPreview? {
        guard let first = occurrences.compactMap(\.session).first(where: \.supervised) else { return nil }
        let total = occurrences.compactMap(\.session).filter(\.supervised).map(\.period.minutes).reduce(0, +)
        // The requester and staff see it; others who may see the sessions (the accountant) do not.
        guard actor.userId == requesterId || actor.role.allows(.superviseSessions),
            var preview = try await Quota(database: database, now: now).previewBooking(requesterId: requesterId, period: first.period, by: actor)
        else { return nil }
        let (before, after, over) = QuotaRules.using(total, remaining: preview.remainingBeforeMinutes)
        (preview.minutes, preview.remainingBeforeMinutes, preview.remainingAfterMinutes, preview.overQuotaMinutes) = (total, before, after, over)
        return preview
    }
}
