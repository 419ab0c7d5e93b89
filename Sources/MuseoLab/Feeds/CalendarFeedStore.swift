import Foundation
import PostgresNIO

/// How calendar feeds are read and written: one type per statement, rows decoded by column name.
/// The sessions of a feed are then read by `SessionStore.load`, in one batch.
enum CalendarFeedStore {
    /// Whether a user exists and is not disabled.
    struct LiveUser: Statement {
        static let sql = "SELECT true AS found FROM users WHERE id = $1::uuid AND disabled_at IS NULL"
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("found") }
    }

    /// Revokes the user's live feed, if any; answers the feed revoked.
    struct Revoked: Statement {
        static let sql = "UPDATE calendar_feeds SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL RETURNING id"
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A new live feed for the user: the hash of its secret, and the secret's first characters.
    /// A user's live feed: its secret's first characters and when it was made.
    struct Live: Statement {
        static let sql = "SELECT prefix, created_at FROM calendar_feeds WHERE user_id = $1::uuid AND revoked_at IS NULL"
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> CalendarFeed {
            CalendarFeed(prefix: try r.value("prefix"), createdAt: try r.value("created_at"))
        }
    }

    struct Created: Statement {
        static let sql = "INSERT INTO calendar_feeds (user_id, token_hash, prefix) VALUES ($1::uuid, $2::bytea, $3::text)"
        var userId: UUID
        var tokenHash: Data
        var prefix: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            try bindings.append(tokenHash)
            bindings.append(prefix)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The user whose live feed has a secret of this hash (none when revoked, or the user disabled).
    struct FeedOwner: Statement {
        static let sql = """
            SELECT u.id AS user_id, u.display_name FROM calendar_feeds f JOIN users u ON u.id = f.user_id
            WHERE f.token_hash = $1::bytea AND f.revoked_at IS NULL AND u.disabled_at IS NULL
            """
        var tokenHash: Data
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.append(tokenHash)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (userId: UUID, displayName: String) {
            (try r.value("user_id"), try r.value("display_name"))
        }
    }

    /// The sessions a user asked for or supervises, ended within the last 90 days or to come, by start.
    struct UserSessions: Statement {
        static let sql = """
            SELECT id FROM support_sessions
            WHERE (requester_user_id = $1::uuid OR staff_user_id = $1::uuid) AND upper(period) > now() - interval '90 days'
            ORDER BY lower(period)
            """
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// What a machine's feed is named after.
    struct FeedMachine: Statement {
        static let sql = "SELECT nature, inventory_number FROM machines WHERE id = $1::uuid"
        var machineId: UUID
        func makeBindings() throws -> PostgresBindings { .with(machineId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (nature: String, inventoryNumber: String?) {
            (try r.value("nature"), try r.value("inventory_number"))
        }
    }
}
