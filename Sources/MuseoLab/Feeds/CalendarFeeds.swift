import Crypto
import Foundation

/// A user's live private feed, as it can be shown again: not its secret.
public struct CalendarFeed: Sendable, Equatable {
    public var prefix: String
    public var createdAt: Date
}

/// iCalendar feeds: each user's private, revocable feed of their sessions, and each
/// machine's busy times. Stable UIDs; every change bumps SEQUENCE, and cancelled
/// sessions stay in the feed with STATUS:CANCELLED so calendar clients remove them.
public struct CalendarFeeds: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// A new private feed for the user, replacing (revoking) the previous one.
    /// - Returns: the secret to put in the feed URL `/calendar/feeds/<secret>.ics`, shown once.
    public func create(for userId: UUID, by actor: Actor) async throws -> String {
        guard actor.isUser(userId) || actor.role.allows(.manageOthersTokens) else { throw Problem.notFound("user") }
        let secret = TokenSecret.generate(scheme: "mlcal_")
        try await database.write(as: actor, action: "calendar-feed.create") { session in
            guard try await !session.run(CalendarFeedStore.LiveUser(userId: userId)).isEmpty else {
                throw Problem.notFound("user")
            }
            _ = try await session.run(CalendarFeedStore.Revoked(userId: userId))
            _ = try await session.run(CalendarFeedStore.Created(userId: userId, tokenHash: TokenSecret.hash(secret), prefix: String(secret.prefix(12))))
        }
        return secret
    }

    /// The user's live feed, if any (its URL is never shown again: only its first characters).
    public func current(for userId: UUID, by actor: Actor) async throws -> CalendarFeed? {
        guard actor.isUser(userId) || actor.role.allows(.manageOthersTokens) else { throw Problem.notFound("user") }
        return try await database.read { try await $0.run(CalendarFeedStore.Live(userId: userId)).first }
    }

    /// Revokes the user's feed: its URL stops working.
    public func revoke(for userId: UUID, by actor: Actor) async throws {
        guard actor.isUser(userId) || actor.role.allows(.manageOthersTokens) else { throw Problem.notFound("user") }
        try await database.write(as: actor, action: "calendar-feed.revoke") { session in
            guard try await !session.run(CalendarFeedStore.Revoked(userId: userId)).isEmpty else { throw Problem.notFound("calendar feed") }
        }
    }

    /// The feed behind a secret: the sessions the user asked for or supervises.
    public func userFeed(secret: String) async throws -> String {
        let hash = TokenSecret.hash(secret)
        return try await database.read { session in
            guard let (userId, name) = try await session.run(CalendarFeedStore.FeedOwner(tokenHash: hash)).first else {
                throw Problem.notFound("calendar feed")
            }
            let ids = try await session.run(CalendarFeedStore.UserSessions(userId: userId))
            let sessions = try await SessionStore.load(ids, session)
            return ICalendar(name: "MuséoLab – \(name)", events: sessions.map(Self.event)).render(stamp: now())
        }
    }

    /// A machine's busy times (bookings and maintenance), without who booked it.
    public func machineFeed(_ machineId: UUID) async throws -> String {
        try await database.read { session in
            guard let (nature, inventory) = try await session.run(CalendarFeedStore.FeedMachine(machineId: machineId)).first else {
                throw Problem.notFound("machine")
            }
            let busy = try await MachineAvailability.busy(machineId, session)
            let events = busy.map { occupation in
                ICalendar.Event(
                    uid: "occupation-\(occupation.id.uuidString.lowercased())@museolab", sequence: occupation.revision,
                    status: occupation.active ? .confirmed : .cancelled, period: occupation.period,
                    summary: occupation.maintenance ? "Maintenance" : "Réservé", description: nil,
                    lastModified: occupation.period.start)
            }
            return ICalendar(name: "MuséoLab – \(nature)\(inventory.map { " (\($0))" } ?? "")", events: events).render(stamp: now())
        }
    }

    static func event(_ session: SupportSession) -> ICalendar.Event {
        let status: ICalendar.Event.Status =
            switch session.status {
            case .requested: .tentative
            case .confirmed, .completed, .noShow: .confirmed
            case .cancelled: .cancelled
            }
        var description = ["\(session.reference) · \(session.status.rawValue)", "Pour : \(session.requester.displayName) (\(session.organisationName))"]
        if let staff = session.staff { description.append("Encadrement : \(staff.displayName)") }
        if !session.machines.isEmpty { description.append("Machines : " + session.machines.map(\.nature).joined(separator: ", ")) }
        return ICalendar.Event(
            uid: "session-\(session.id.uuidString.lowercased())@museolab", sequence: session.revision, status: status,
            period: session.period, summary: "MuséoLab : \(session.purpose)", description: description.joined(separator: "\n"),
            lastModified: session.updatedAt)
    }
}
