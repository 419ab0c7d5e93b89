import Foundation
import PostgresNIO

/// How a machine's occupations (sessions and maintenance) and a user's notifications are read and
/// written: one type per statement, rows decoded by column name.
enum OccupationStore {
    /// Whether a machine can be booked at all: its status and whether it is bookable.
    struct Standing: Statement {
        static let sql = "SELECT status, bookable FROM machines WHERE id = $1::uuid"
        var machineId: UUID
        func makeBindings() throws -> PostgresBindings { .with(machineId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (status: MachineStatus, bookable: Bool) {
            (try r.value("status", as: MachineStatus.self), try r.value("bookable"))
        }
    }

    /// The active occupations of a machine touching a window.
    struct Occupied: Statement {
        static let sql = """
            SELECT lower(period) AS starts_at, upper(period) AS ends_at FROM machine_occupations
            WHERE machine_id = $1::uuid AND active AND period && tstzrange($2::timestamptz, $3::timestamptz, '[)')
            """
        var machineId: UUID, window: Period
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(machineId)
            bindings.append(window.start)
            bindings.append(window.end)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Period { Period(start: try r.value("starts_at"), end: try r.value("ends_at")) }
    }

    /// Every occupation of a machine ending in the last 90 days or later, cancelled ones too (a
    /// feed shows them cancelled), with the revision of what it is for.
    struct Busy: Statement {
        static let sql = """
            SELECT o.id, lower(o.period) AS starts_at, upper(o.period) AS ends_at, o.maintenance_id IS NOT NULL AS maintenance, o.active,
                   coalesce(s.revision, CASE WHEN w.withdrawn_at IS NULL THEN 0 ELSE 1 END) AS revision
            FROM machine_occupations o
            LEFT JOIN support_sessions s ON s.id = o.session_id
            LEFT JOIN maintenance_windows w ON w.id = o.maintenance_id
            WHERE o.machine_id = $1::uuid AND upper(o.period) > now() - interval '90 days'
            ORDER BY lower(o.period)
            """
        var machineId: UUID
        func makeBindings() throws -> PostgresBindings { .with(machineId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, period: Period, maintenance: Bool, active: Bool, revision: Int) {
            (try r.value("id"), Period(start: try r.value("starts_at"), end: try r.value("ends_at")), try r.value("maintenance"),
             try r.value("active"), Int(try r.value("revision", as: Int32.self)))
        }
    }

    // MARK: - Notifications

    /// A user's notifications (unread ones only, when asked), newest first, at most 200.
    struct Notifications: Statement {
        static let sql = """
            SELECT id, kind, subject, body, session_id, created_at, read_at FROM notifications
            WHERE user_id = $1::uuid AND (NOT $2::boolean OR read_at IS NULL)
            ORDER BY created_at DESC, id LIMIT 200
            """
        var userId: UUID, unreadOnly: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            bindings.append(unreadOnly)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Notification {
            Notification(
                id: try r.value("id"), kind: try r.value("kind"), subject: try r.value("subject"), body: try r.value("body"),
                sessionId: try r.value("session_id"), createdAt: try r.value("created_at"), readAt: try r.value("read_at"))
        }
    }

    /// One of a user's notifications read (its first reading kept); answers its id, or nothing when it is not theirs.
    struct NotificationRead: Statement {
        static let sql = "UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1::uuid AND user_id = $2::uuid RETURNING id"
        var id: UUID, userId: UUID?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(userId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A notification for a user, in the transaction of what it tells about.
    struct Notified: Statement {
        static let sql = """
            INSERT INTO notifications (user_id, kind, subject, body, session_id) VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::uuid)
            """
        var userId: UUID, kind: String, subject: String, body: String, sessionId: UUID?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            bindings.append(kind)
            bindings.append(subject)
            bindings.append(body)
            bindings.append(sessionId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }
}
