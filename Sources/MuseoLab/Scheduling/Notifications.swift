import Foundation
import PostgresNIO

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
            try await session.rows(
                """
                SELECT id, kind, subject, body, session_id, created_at, read_at FROM notifications
                WHERE user_id = \(userId) AND (NOT \(unreadOnly) OR read_at IS NULL)
                ORDER BY created_at DESC, id LIMIT 200
                """
            ).map { row in
                let r = row.makeRandomAccess()
                return Notification(
                    id: try r.value("id"), kind: try r.value("kind"), subject: try r.value("subject"), body: try r.value("body"),
                    sessionId: try r.value("session_id"), createdAt: try r.value("created_at"), readAt: try r.value("read_at"))
            }
        }
    }

    /// Marks one of the caller's notifications read.
    public func markRead(_ id: UUID, by actor: Actor) async throws {
        try await database.write(as: actor, action: "notification.read") { session in
            guard try await session.first(
                "UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = \(id) AND user_id = \(actor.userId) RETURNING id") != nil
            else { throw Problem.notFound("notification") }
        }
    }

    /// Records a notification inside the caller's transaction.
    static func notify(_ userId: UUID, kind: String, subject: String, body: String, sessionId: UUID?, _ session: SQLSession) async throws {
        try await session.execute(
            """
            INSERT INTO notifications (user_id, kind, subject, body, session_id)
            VALUES (\(userId), \(kind), \(subject), \(body), \(sessionId))
            """)
    }
}
