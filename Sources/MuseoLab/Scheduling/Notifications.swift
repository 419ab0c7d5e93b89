import Foundation

/// A message for a user in the app (a session confirmed, cancelled by maintenance...).
public struct Notification: Sendable, Equatable, Codable {
    public var id: UUID
    public var kind: String
    public var subject: String
    public var body: String
    public var sessionId: UUID?
    public var createdAt: Date
    public var readAt: Date?
}

/// Users' notifications: written in the transaction of the change they tell about.
public struct Notifications: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The caller's own notifications, newest first.
    public func mine(unreadOnly: Bool = false, by actor: Actor) async throws -> [Notification] {
        guard let userId = actor.userId else { return [] }
        return try await database.read { session in
            try await session.run(OccupationStore.Notifications(userId: userId, unreadOnly: unreadOnly))
        }
    }

    /// Marks one of the caller's notifications read.
    public func markRead(_ id: UUID, by actor: Actor) async throws {
        try await database.write(as: actor, action: "notification.read") { session in
            guard try await !session.run(OccupationStore.NotificationRead(id: id, userId: actor.userId)).isEmpty
            else { throw Problem.notFound("notification") }
        }
    }

    /// Records a notification inside the caller's transaction.
    static func notify(_ userId: UUID, kind: String, subject: String, body: String, sessionId: UUID?, _ session: SQLSession) async throws {
        _ = try await session.run(OccupationStore.Notified(userId: userId, kind: kind, subject: subject, body: body, sessionId: sessionId))
    }
}
