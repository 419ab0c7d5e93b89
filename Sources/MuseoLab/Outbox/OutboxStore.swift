import Foundation
import PostgresNIO

/// How the outbox's messages are written, claimed and read: one type per statement, rows decoded
/// by column name.
enum OutboxStore {
    static let columns = """
        id, channel, recipient, subject, body, payload::text AS payload, topic, attempts, next_attempt_at, delivered_at, last_error,
        attachment_name, attachment_type, attachment
        """

    static func message(_ r: PostgresRandomAccessRow) throws -> OutboxMessage {
        OutboxMessage(
            id: try r.value("id"), channel: try r.value("channel", as: AlertRecipient.Channel.self), recipient: try r.value("recipient"),
            subject: try r.value("subject"), body: try r.value("body"), payload: try r.value("payload"), topic: try r.value("topic"),
            attempts: Int(try r.value("attempts", as: Int32.self)), nextAttemptAt: try r.value("next_attempt_at"),
            deliveredAt: try r.value("delivered_at"), lastError: try r.value("last_error"),
            attachment: try r.value("attachment_name", as: String?.self).map { name in
                OutboxMessage.Attachment(name: name, mediaType: try r.value("attachment_type"), text: try r.value("attachment"))
            })
    }

    /// A message queued, unless one of the same topic, channel and recipient is queued already.
    struct Enqueue: Statement {
        static let sql = """
            INSERT INTO outbox_messages (channel, recipient, subject, body, payload, topic, attachment_name, attachment_type, attachment)
            VALUES ($1::text, $2::text, $3::text, $4::text, $5::text::jsonb, $6::text, $7::text, $8::text, $9::text)
            ON CONFLICT ON CONSTRAINT outbox_messages_once DO NOTHING
            """
        var channel: AlertRecipient.Channel, recipient: String, subject: String, body: String, payload: String, topic: String
        var attachment: OutboxMessage.Attachment?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(channel.rawValue)
            bindings.append(recipient)
            bindings.append(subject)
            bindings.append(body)
            bindings.append(payload)
            bindings.append(topic)
            bindings.append(attachment?.name)
            bindings.append(attachment?.mediaType)
            bindings.append(attachment?.text)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The next message due and not tried yet in this pass, claimed (locked, skipping those another dispatcher holds).
    struct NextDue: Statement {
        static let sql = """
            SELECT \(columns)
            FROM outbox_messages WHERE delivered_at IS NULL AND next_attempt_at <= now() AND id <> ALL($1::bigint[])
            ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
            """
        var tried: [Int64]
        func makeBindings() throws -> PostgresBindings { .with(tried) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> OutboxMessage { try OutboxStore.message(r) }
    }

    /// A message marked delivered, its attempt counted.
    struct Delivered: Statement {
        static let sql = "UPDATE outbox_messages SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1::bigint"
        var id: Int64
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A failed attempt counted, with its error, and the message's next attempt put off by some seconds.
    struct Failed: Statement {
        static let sql = """
            UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2::text,
                next_attempt_at = now() + make_interval(secs => $3::double precision)
            WHERE id = $1::bigint
            """
        var id: Int64, error: String, delaySeconds: Double
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(error)
            bindings.append(delaySeconds)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The 500 newest messages, of a topic or of all, newest first.
    struct Messages: Statement {
        // A sign-in link's e-mail opens its recipient's account: staff who watch the outbox see
        // that it was sent, never its body.
        static let sql = """
            SELECT \(columns.replacingOccurrences(
                of: "body,", with: "CASE WHEN topic LIKE 'sign-in:%' THEN '\(Outbox.withheld)' ELSE body END AS body,"))
            FROM outbox_messages WHERE $1::text IS NULL OR topic = $1::text ORDER BY id DESC LIMIT 500
            """
        var topic: String?
        func makeBindings() throws -> PostgresBindings { .with(topic) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> OutboxMessage { try OutboxStore.message(r) }
    }
}
