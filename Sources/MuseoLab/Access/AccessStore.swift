import Foundation
import PostgresNIO

/// How API tokens are read and written: one type per statement, rows decoded by column name.
enum AccessStore {
    static let columns = "id, user_id, label, prefix, created_at, expires_at, revoked_at, last_used_at, created_by_token_id"

    static func token(_ r: PostgresRandomAccessRow) throws -> ApiToken {
        ApiToken(
            id: try r.value("id"), userId: try r.value("user_id"), label: try r.value("label"), prefix: try r.value("prefix"),
            createdAt: try r.value("created_at"), expiresAt: try r.value("expires_at"), revokedAt: try r.value("revoked_at"),
            lastUsedAt: try r.value("last_used_at"), createdByTokenId: try r.value("created_by_token_id"))
    }

    /// Whether a user's account is disabled, if the user exists.
    struct Owner: Statement {
        static let sql = "SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1::uuid"
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("disabled") }
    }

    /// Whether the token a new one is created with is revoked, held until commit so that its
    /// revocation cannot pass the creation unseen.
    struct CreatorRevoked: Statement {
        static let sql = "SELECT revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE id = $1::uuid FOR SHARE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("revoked") }
    }

    /// A token issued (its hash kept, never its secret); answers its id and creation time.
    struct Issued: Statement {
        static let sql = """
            INSERT INTO api_tokens (user_id, label, prefix, token_hash, expires_at, created_by_token_id)
            VALUES ($1::uuid, $2::text, $3::text, $4::bytea, $5::timestamptz, $6::uuid)
            RETURNING id, created_at
            """
        var userId: UUID, label: String, prefix: String, hash: Data, expiresAt: Date, createdByTokenId: UUID?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            bindings.append(label)
            bindings.append(prefix)
            try bindings.append(hash)
            bindings.append(expiresAt)
            bindings.append(createdByTokenId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (id: UUID, createdAt: Date) { (try r.value("id"), try r.value("created_at")) }
    }

    /// A user's tokens, in the order they were created.
    struct Tokens: Statement {
        static let sql = "SELECT \(columns) FROM api_tokens WHERE user_id = $1::uuid ORDER BY created_at, id"
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> ApiToken { try AccessStore.token(r) }
    }

    /// A token's owner and whether it is revoked, locked while it is revoked.
    struct Locked: Statement {
        static let sql = "SELECT user_id, revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE id = $1::uuid FOR UPDATE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (owner: UUID, revoked: Bool) { (try r.value("user_id"), try r.value("revoked")) }
    }

    /// A token revoked, saying why (the tokens it created follow, by a trigger); answers it.
    struct Revoked: Statement {
        static let sql = "UPDATE api_tokens SET revoked_at = now(), revoked_reason = $2::text WHERE id = $1::uuid RETURNING \(columns)"
        var id: UUID, reason: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> ApiToken { try AccessStore.token(r) }
    }

    /// What a presented secret is, in one statement: the client's recent failures, the database's
    /// clock, and the token with its user, whichever exist.
    struct Presented: Statement {
        static let sql = """
            SELECT f.failures, now() AS now, t.id AS token_id, t.revoked_at, t.expires_at, t.last_used_at,
                   u.id AS user_id, u.email, u.role, u.organisation_id, u.disabled_at
            FROM (SELECT 1) AS one
            LEFT JOIN authentication_failures f ON f.client = $1::text
            LEFT JOIN api_tokens t ON t.token_hash = $2::bytea
            LEFT JOIN users u ON u.id = t.user_id
            """
        var client: String, hash: Data
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(client)
            try bindings.append(hash)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TokenRules.Presented {
            let tokenId: UUID? = try r.value("token_id"), userId: UUID? = try r.value("user_id")
            return TokenRules.Presented(
                failures: try r.value("failures"), now: try r.value("now"),
                token: try tokenId.flatMap { tokenId in
                    try userId.map { userId in
                        TokenRules.Presented.Token(
                            id: tokenId, revokedAt: try r.value("revoked_at"), expiresAt: try r.value("expires_at"),
                            lastUsedAt: try r.value("last_used_at"), userId: userId, email: try r.value("email"),
                            role: try r.value("role", as: Role.self), organisationId: try r.value("organisation_id"),
                            disabledAt: try r.value("disabled_at"))
                    }
                })
        }
    }

    /// A token's last use, written at most once a minute (the audit trigger ignores it).
    struct Used: Statement {
        static let sql = """
            UPDATE api_tokens SET last_used_at = now()
            WHERE id = $1::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    // MARK: - Authentication throttle

    /// A client's recent failed authentications (none when it has no row), with the database's clock.
    struct Failures: Statement {
        static let sql = "SELECT (SELECT failures FROM authentication_failures WHERE client = $1::text) AS failures, now() AS now"
        var client: String
        func makeBindings() throws -> PostgresBindings { .with(client) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (failures: [Date]?, now: Date) { (try r.value("failures"), try r.value("now")) }
    }

    /// A failed authentication counted (its last `kept` within the window kept), and up to 100 other clients whose failures all left the window forgotten.
    struct Failure: Statement {
        static let sql = """
            WITH stale AS (
                DELETE FROM authentication_failures
                WHERE client IN (
                    SELECT client FROM authentication_failures
                    WHERE last_failed_at < now() - $2::double precision * interval '1 second' AND client <> $1::text
                    LIMIT 100)
            )
            INSERT INTO authentication_failures AS f (client, failures, last_failed_at)
            VALUES ($1::text, ARRAY[now()], now())
            ON CONFLICT (client) DO UPDATE SET
                failures = ARRAY(
                    SELECT failed FROM unnest(f.failures || now()) AS failed
                    WHERE failed > now() - $2::double precision * interval '1 second'
                    ORDER BY failed DESC LIMIT $3::integer),
                last_failed_at = now()
            """
        var client: String, windowSeconds: Double, kept: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(client)
            bindings.append(windowSeconds)
            bindings.append(Int32(kept))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }
}
