import Foundation
import PostgresNIO

/// How quota alerts and their recipients are read and written: one type per statement, rows
/// decoded by column name; an alert is always read with its deliveries (`QuotaAlerts.columns`).
enum AlertStore {
    /// Alerts (of an agreement, of a year, unacknowledged: each optional), newest first.
    struct Listed: Statement {
        static let sql = """
            SELECT \(QuotaAlerts.columns)
            FROM quota_alerts a
            WHERE ($1::uuid IS NULL OR a.agreement_id = $1::uuid) AND ($2::int IS NULL OR a.year = $2::int)
              AND (NOT $3::boolean OR a.acknowledged_at IS NULL)
            ORDER BY a.fired_at DESC, a.threshold DESC
            """
        var agreementId: UUID?
        var year: Int?
        var unacknowledgedOnly: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(year.map(Int32.init))
            bindings.append(unacknowledgedOnly)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> QuotaAlert { try QuotaAlerts.alert(r) }
    }

    /// One alert.
    struct One: Statement {
        static let sql = "SELECT \(QuotaAlerts.columns) FROM quota_alerts a WHERE a.id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> QuotaAlert { try QuotaAlerts.alert(r) }
    }

    /// An alert acknowledged, by whom; answers its id, or nothing when it already was.
    struct Acknowledged: Statement {
        static let sql = """
            UPDATE quota_alerts SET acknowledged_at = now(), acknowledged_by = $2::text WHERE id = $1::uuid AND acknowledged_at IS NULL RETURNING id
            """
        var id: UUID, by: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(by)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// An alert of a balance, once per agreement, year, kind and threshold (`quota_alerts_once`);
    /// answers its id, or nothing when it had already fired.
    struct Raised: Statement {
        static let sql = """
            INSERT INTO quota_alerts (agreement_id, year, kind, threshold, quota_minutes, consumed_minutes, committed_minutes, ledger_entry_id)
            VALUES ($1::uuid, $2::int, $3::text, $4::smallint, $5::int, $6::int, $7::int, $8::bigint)
            ON CONFLICT ON CONSTRAINT quota_alerts_once DO NOTHING
            RETURNING id
            """
        var balance: QuotaBalance, kind: QuotaAlert.Kind, threshold: Int, ledgerEntry: Int64
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(balance.agreementId)
            bindings.append(Int32(balance.year))
            bindings.append(kind.rawValue)
            bindings.append(Int16(threshold))
            bindings.append(Int32(balance.quotaMinutes))
            bindings.append(Int32(balance.consumedMinutes))
            bindings.append(Int32(balance.committedMinutes))
            bindings.append(ledgerEntry)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// How an agreement is named in its alerts.
    struct AgreementNamed: Statement {
        static let sql = "SELECT reference, title FROM agreements WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (reference: String, title: String) { (try r.value("reference"), try r.value("title")) }
    }

    /// An agreement's current recipients, in the order they were added.
    struct Recipients: Statement {
        static let sql = "SELECT id, channel, address FROM alert_recipients WHERE agreement_id = $1::uuid AND removed_at IS NULL ORDER BY created_at, id"
        var agreementId: UUID
        func makeBindings() throws -> PostgresBindings { .with(agreementId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> AlertRecipient {
            AlertRecipient(id: try r.value("id"), agreementId: agreementId, channel: try r.value("channel"), address: try r.value("address"))
        }
    }

    /// Whether an address already receives an agreement's alerts on a channel (in any case).
    struct RecipientTaken: Statement {
        static let sql = """
            SELECT true AS found FROM alert_recipients
            WHERE agreement_id = $1::uuid AND channel = $2::text AND lower(address) = lower($3::text) AND removed_at IS NULL
            """
        var agreementId: UUID, channel: AlertRecipient.Channel, address: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(channel.rawValue)
            bindings.append(address)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("found") }
    }

    /// A recipient added; answers its id.
    struct RecipientAdded: Statement {
        static let sql = "INSERT INTO alert_recipients (agreement_id, channel, address) VALUES ($1::uuid, $2::text, $3::text) RETURNING id"
        var agreementId: UUID, channel: AlertRecipient.Channel, address: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(channel.rawValue)
            bindings.append(address)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A recipient removed (kept, with the moment); answers its id, or nothing when it was not current.
    struct RecipientRemoved: Statement {
        static let sql = "UPDATE alert_recipients SET removed_at = now() WHERE id = $1::uuid AND removed_at IS NULL RETURNING id"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
