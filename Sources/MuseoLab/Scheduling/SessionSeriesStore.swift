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

    /// What the series could not book, in its places, as it was answered; answers nothing.
    struct RefusalsAdded: Statement {
        static let sql = """
            INSERT INTO session_series_refusals (series_id, occurrence, period, kind, detail, field)
            SELECT $1::uuid, o, tstzrange(s, e, '[)'), k, d, f
            FROM unnest($2::integer[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) AS refused (o, s, e, k, d, f)
            """
        var seriesId: UUID, refusals: [(occurrence: Int, period: Period, problem: Problem)]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(seriesId)
            bindings.append(refusals.map(\.occurrence))
            bindings.append(refusals.map(\.period.start))
            bindings.append(refusals.map(\.period.end))
            bindings.append(refusals.map(\.problem.kind.rawValue))
            bindings.append(refusals.map(\.problem.detail))
            // An empty text is "no field": arrays of optionals do not bind.
            bindings.append(refusals.map { $0.problem.field ?? "" })
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// A series' refused occurrences, in their order.
    struct Refusals: Statement {
        static let sql = """
            SELECT occurrence, lower(period) AS start, upper(period) AS "end", kind, detail, field
            FROM session_series_refusals WHERE series_id = $1::uuid ORDER BY occurrence
            """
        var seriesId: UUID
        func makeBindings() throws -> PostgresBindings { .with(seriesId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (occurrence: Int, period: Period, problem: Problem) {
            let field: String = try r.value("field")
            return (Int(try r.value("occurrence", as: Int32.self)), Period(start: try r.value("start"), end: try r.value("end")),
                    Problem(Problem.Kind(rawValue: try r.value("kind")) ?? .invalidField, try r.value("detail"), field: field.isEmpty ? nil : field))
        }
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

    /// The series a session was booked in, if any.
    struct OfSession: Statement {
        static let sql = "SELECT series_id FROM session_series_occurrences WHERE session_id = $1::uuid"
        var sessionId: UUID
        func makeBindings() throws -> PostgresBindings { .with(sessionId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("series_id") }
    }
}
