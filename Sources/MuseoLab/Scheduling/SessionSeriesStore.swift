import Foundation
import PostgresNIO

/// How series are recorded and read: one type per statement, rows decoded by column name.
enum SessionSeriesStore {
    struct Added: Statement {
        static let sql = """
            INSERT INTO session_series (requester_user_id, every_weeks, occurrences, created_at, created_by)
            VALUES ($1::uuid, $2::integer, $3::integer, $4::timestamptz, $5::text) RETURNING id
            """
        var requesterId: UUID, everyWeeks: Int, occurrences: Int, at: Date, by: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(requesterId)
            bindings.append(everyWeeks)
            bindings.append(occurrences)
            bindings.append(at)
            bindings.append(by)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The sessions a series booked, in their places; answers nothing.
    struct OccurrencesAdded: Statement {
        static let sql = """
            INSERT INTO session_series_occurrences (series_id, occurrence, session_id)
            SELECT $1::uuid, o, s FROM unnest($2::integer[], $3::uuid[]) AS booked (o, s)
            """
        var seriesId: UUID, occurrences: [Int], sessionIds: [UUID]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(seriesId)
            bindings.append(occurrences)
            bindings.append(sessionIds)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    struct Header: Sendable {
        var id: UUID, requesterId: UUID, everyWeeks: Int, occurrences: Int, createdAt: Date
    }

    struct One: Statement {
        static let sql = "SELECT id, requester_user_id, every_weeks, occurrences, created_at FROM session_series WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Header {
            Header(
                id: try r.value("id"), requesterId: try r.value("requester_user_id"), everyWeeks: Int(try r.value("every_weeks", as: Int32.self)),
                occurrences: Int(try r.value("occurrences", as: Int32.self)), createdAt: try r.value("created_at"))
        }
    }

    /// A series' booked occurrences, in their order: place and session.
    struct Occurrences: Statement {
        static let sql = "SELECT occurrence, session_id FROM session_series_occurrences WHERE series_id = $1::uuid ORDER BY occurrence"
        var seriesId: UUID
        func makeBindings() throws -> PostgresBindings { .with(seriesId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (occurrence: Int, sessionId: UUID) {
            (Int(try r.value("occurrence", as: Int32.self)), try r.value("session_id"))
        }
    }
}
