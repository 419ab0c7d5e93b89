import Foundation
import PostgresNIO

/// What the reminders read: confirmed sessions about to start that no reminder of their revision
/// was queued for, and each staff member's day. One statement each, whatever their number.
enum ReminderStore {
    /// A session to remind its requester of.
    struct Due: Sendable {
        var id: UUID
        var number: Int64
        var revision: Int
        var period: Period
        var purpose: String
        var email: String
        var staff: String?
        var machines: String?
        var updatedAt: Date
    }

    static func topic(session id: UUID, revision: Int) -> String { "reminder:\(id.uuidString.lowercased()):\(revision)" }

    struct DueReminders: Statement {
        static let sql = """
            SELECT s.id, s.number, s.revision, lower(s.period) AS starts_at, upper(s.period) AS ends_at, s.purpose, s.updated_at,
                   u.email, st.display_name AS staff,
                   (SELECT string_agg(m.nature, ', ' ORDER BY m.nature) FROM machine_occupations o JOIN machines m ON m.id = o.machine_id
                    WHERE o.session_id = s.id) AS machines
            FROM support_sessions s JOIN users u ON u.id = s.requester_user_id LEFT JOIN users st ON st.id = s.staff_user_id
            WHERE s.status = 'confirmed' AND lower(s.period) > $1::timestamptz AND lower(s.period) <= $2::timestamptz
              AND NOT EXISTS (SELECT 1 FROM outbox_messages q
                              WHERE q.topic = 'reminder:' || s.id::text || ':' || s.revision::text AND q.recipient = u.email)
            ORDER BY lower(s.period), s.number
            """
        var now: Date, until: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(now)
            bindings.append(until)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Due {
            Due(
                id: try r.value("id"), number: try r.value("number"), revision: Int(try r.value("revision", as: Int32.self)),
                period: Period(start: try r.value("starts_at"), end: try r.value("ends_at")), purpose: try r.value("purpose"),
                email: try r.value("email"), staff: try r.value("staff"), machines: try r.value("machines"), updatedAt: try r.value("updated_at"))
        }
    }

    /// A staff member's sessions of a day (requested or confirmed), for their morning digest.
    struct DayOfStaff: Sendable {
        var staffId: UUID
        var email: String
        var sessions: [Line]

        struct Line: Sendable, Decodable {
            var number: Int64
            var status: String
            var start: Date
            var end: Date
            var requester: String
            var purpose: String
        }
    }

    /// Every staff member supervising a session that day, without a digest for the day yet.
    struct DigestsDue: Statement {
        static let sql = """
            SELECT st.id AS staff_id, st.email,
                   json_agg(json_build_object('number', s.number, 'status', s.status,
                            'start', to_char(lower(s.period) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                            'end', to_char(upper(s.period) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                            'requester', u.display_name, 'purpose', s.purpose) ORDER BY lower(s.period))::text AS sessions
            FROM support_sessions s JOIN users st ON st.id = s.staff_user_id JOIN users u ON u.id = s.requester_user_id
            WHERE s.status IN ('requested', 'confirmed') AND s.period && tstzrange($1::timestamptz, $2::timestamptz, '[)')
              AND NOT EXISTS (SELECT 1 FROM outbox_messages q WHERE q.topic = 'digest:' || st.id::text || ':' || $3::text AND q.recipient = st.email)
            GROUP BY st.id, st.email
            ORDER BY st.email
            """
        var day: Period, date: CalendarDate
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(day.start)
            bindings.append(day.end)
            bindings.append(date.description)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> DayOfStaff {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return DayOfStaff(
                staffId: try r.value("staff_id"), email: try r.value("email"),
                sessions: try decoder.decode([DayOfStaff.Line].self, from: Data(try r.value("sessions", as: String.self).utf8)))
        }
    }

    /// An authorisation ending within a month, its holder not told yet.
    struct Expiring: Sendable {
        var id: UUID
        var email: String
        var expiresOn: CalendarDate
        var subject: String
    }

    struct ExpiringSoon: Statement {
        static let sql = """
            SELECT a.id, u.email, a.expires_on::text AS expires_on, coalesce(m.nature, 'les machines « ' || a.category || ' »') AS subject
            FROM machine_authorisations a JOIN users u ON u.id = a.user_id LEFT JOIN machines m ON m.id = a.machine_id
            WHERE a.revoked_at IS NULL AND a.expires_on >= $1::text::date AND a.expires_on <= $1::text::date + 30
              AND NOT EXISTS (SELECT 1 FROM outbox_messages q WHERE q.topic = 'authorisation-expiry:' || a.id::text AND q.recipient = u.email)
            ORDER BY a.expires_on, a.id
            """
        var today: CalendarDate
        func makeBindings() throws -> PostgresBindings { .with(today.description) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Expiring {
            Expiring(id: try r.value("id"), email: try r.value("email"), expiresOn: try r.date("expires_on"), subject: try r.value("subject"))
        }
    }
}
