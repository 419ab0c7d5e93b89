import Foundation
import PostgresNIO

/// How sign-in links and web sessions are read and written: one type per statement, rows
/// decoded by column name. Secrets are presented and stored as SHA-256 hashes only.
enum SignInStore {
    /// The account of an e-mail address, in any case, and whether it is disabled: who a link or
    /// a CAS sign-in would open a session for.
    struct AccountOfEmail: Statement {
        static let sql = """
            SELECT id, email, display_name, disabled_at IS NOT NULL AS disabled FROM users WHERE lower(email) = lower($1::text)
            """
        var email: String
        func makeBindings() throws -> PostgresBindings { .with(email) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, email: String, displayName: String, disabled: Bool) {
            (try r.value("id"), try r.value("email"), try r.value("display_name"), try r.value("disabled"))
        }
    }

    /// A new link; answers its id.
    struct LinkIssued: Statement {
        static let sql = """
            INSERT INTO sign_in_links (token_hash, user_id, requested_at, expires_at)
            VALUES ($1::bytea, $2::uuid, $3::timestamptz, $4::timestamptz) RETURNING id
            """
        var hash: Data, userId: UUID, requestedAt: Date, expiresAt: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.append(hash)
            bindings.append(userId)
            bindings.append(requestedAt)
            bindings.append(expiresAt)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A presented link, locked until the transaction ends, with its account's standing.
    struct PresentedLink: Statement {
        static let sql = """
            SELECT l.id, l.user_id, l.expires_at, l.used_at, u.disabled_at IS NOT NULL AS disabled
            FROM sign_in_links l JOIN users u ON u.id = l.user_id
            WHERE l.token_hash = $1::bytea
            FOR UPDATE OF l
            """
        var hash: Data
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.append(hash)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SignInRules.Link {
            SignInRules.Link(
                id: try r.value("id"), userId: try r.value("user_id"), expiresAt: try r.value("expires_at"),
                usedAt: try r.value("used_at"), accountDisabled: try r.value("disabled"))
        }
    }

    /// A link marked used.
    struct LinkUsed: Statement {
        static let sql = "UPDATE sign_in_links SET used_at = $2::timestamptz WHERE id = $1::uuid AND used_at IS NULL"
        var id: UUID, at: Date
        func makeBindings() throws -> PostgresBindings { .with(id, at) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    static let sessionColumns = """
        s.id, s.user_id, s.method, s.started_at, s.last_seen_at, s.expires_at, s.ended_at
        """

    static func session(_ r: PostgresRandomAccessRow) throws -> WebSession {
        WebSession(
            id: try r.value("id"), userId: try r.value("user_id"), method: try r.value("method", as: WebSession.Method.self),
            startedAt: try r.value("started_at"), lastSeenAt: try r.value("last_seen_at"), expiresAt: try r.value("expires_at"),
            endedAt: try r.value("ended_at"))
    }

    /// A new session; answers it.
    struct SessionStarted: Statement {
        static let sql = """
            INSERT INTO web_sessions AS s (token_hash, user_id, method, started_at, last_seen_at, expires_at)
            VALUES ($1::bytea, $2::uuid, $3::text, $4::timestamptz, $4::timestamptz, $5::timestamptz)
            RETURNING \(sessionColumns)
            """
        var hash: Data, userId: UUID, method: WebSession.Method, at: Date, expiresAt: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.append(hash)
            bindings.append(userId)
            bindings.append(method.rawValue)
            bindings.append(at)
            bindings.append(expiresAt)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WebSession { try session(r) }
    }

    /// A presented session with its account, as a request is authenticated with it (one statement).
    struct PresentedSession: Statement {
        static let sql = """
            SELECT \(sessionColumns), u.email, u.organisation_id, u.role, u.disabled_at IS NOT NULL AS disabled
            FROM web_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = $1::bytea
            """
        var hash: Data
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.append(hash)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SignInRules.PresentedSession {
            SignInRules.PresentedSession(
                session: try session(r), email: try r.value("email"), organisationId: try r.value("organisation_id"),
                role: try r.value("role", as: Role.self), accountDisabled: try r.value("disabled"))
        }
    }

    /// A session seen again (its idle expiry moves on).
    struct SessionSeen: Statement {
        static let sql = "UPDATE web_sessions SET last_seen_at = $2::timestamptz WHERE id = $1::uuid AND ended_at IS NULL"
        var id: UUID, at: Date
        func makeBindings() throws -> PostgresBindings { .with(id, at) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// One session ended (signed out); answers whether it was still open.
    struct SessionEnded: Statement {
        static let sql = """
            UPDATE web_sessions SET ended_at = $2::timestamptz, end_reason = 'signed_out'
            WHERE token_hash = $1::bytea AND ended_at IS NULL RETURNING id
            """
        var hash: Data, at: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            try bindings.append(hash)
            bindings.append(at)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Every open session of a user ended; answers how many were.
    struct EverySessionEnded: Statement {
        static let sql = """
            WITH ended AS (
                UPDATE web_sessions SET ended_at = $2::timestamptz, end_reason = 'signed_out_everywhere'
                WHERE user_id = $1::uuid AND ended_at IS NULL RETURNING id
            )
            SELECT count(*) AS ended FROM ended
            """
        var userId: UUID, at: Date
        func makeBindings() throws -> PostgresBindings { .with(userId, at) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int { Int(try r.value("ended", as: Int64.self)) }
    }

    /// A user's open sessions, the latest first.
    struct OpenSessions: Statement {
        static let sql = """
            SELECT \(sessionColumns) FROM web_sessions s WHERE s.user_id = $1::uuid AND s.ended_at IS NULL ORDER BY s.started_at DESC
            """
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WebSession { try session(r) }
    }
}
