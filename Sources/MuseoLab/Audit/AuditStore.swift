import Foundation
import PostgresNIO

/// How the audit log is read: one type per statement, rows decoded by column name. (The
/// database's triggers write it; nothing here does.)
enum AuditStore {
    /// A page of the log, newest first: by table, row, acting user, since a moment and before an entry (each optional).
    struct Entries: Statement {
        static let sql = """
            SELECT id, occurred_at, actor, actor_user_id, action, request_id, entity, entity_id, operation,
                   before::text AS before, after::text AS after
            FROM audit_log
            WHERE ($1::text IS NULL OR entity = $1::text)
              AND ($2::text IS NULL OR entity_id = $2::text)
              AND ($3::uuid IS NULL OR actor_user_id = $3::uuid)
              AND ($4::timestamptz IS NULL OR occurred_at >= $4::timestamptz)
              AND ($5::bigint IS NULL OR id < $5::bigint)
            ORDER BY id DESC
            LIMIT $6::integer
            """
        var entity: String?, entityId: String?, actorUserId: UUID?, since: Date?, before: Int64?
        var limit: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(entity)
            bindings.append(entityId)
            bindings.append(actorUserId)
            bindings.append(since)
            bindings.append(before)
            bindings.append(Int32(limit))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> AuditEntry {
            AuditEntry(
                id: try r.value("id"), occurredAt: try r.value("occurred_at"), actor: try r.value("actor"), actorUserId: try r.value("actor_user_id"),
                action: try r.value("action"), requestId: try r.value("request_id"), entity: try r.value("entity"),
                entityId: try r.value("entity_id"), operation: try r.value("operation"), before: try r.value("before"), after: try r.value("after"))
        }
    }
}
