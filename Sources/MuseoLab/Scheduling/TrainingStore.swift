import Foundation
import PostgresNIO

/// How training requests are read and written: one type per statement, rows decoded by column name.
enum TrainingStore {
    static let columns = "id, user_id, machine_id, category, note, asked_at, session_id, validity_months, authorisation_id, withdrawn_at"

    static func request(_ r: PostgresRandomAccessRow) throws -> TrainingRequest {
        TrainingRequest(
            id: try r.value("id"), userId: try r.value("user_id"), machineId: try r.value("machine_id"), category: try r.value("category"),
            note: try r.value("note"), askedAt: try r.value("asked_at"), sessionId: try r.value("session_id"),
            validityMonths: try r.value("validity_months", as: Int32?.self).map(Int.init), authorisationId: try r.value("authorisation_id"),
            withdrawnAt: try r.value("withdrawn_at"))
    }

    struct Listed: Statement {
        static let sql = "SELECT \(columns) FROM training_requests WHERE $1::uuid IS NULL OR user_id = $1::uuid ORDER BY asked_at, id"
        var userId: UUID?
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TrainingRequest { try TrainingStore.request(r) }
    }

    struct One: Statement {
        static let sql = "SELECT \(columns) FROM training_requests WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TrainingRequest { try TrainingStore.request(r) }
    }

    /// The training a session is the planned session of, locked (its grant is decided once).
    struct OfSession: Statement {
        static let sql = "SELECT \(columns) FROM training_requests WHERE session_id = $1::uuid FOR UPDATE"
        var sessionId: UUID
        func makeBindings() throws -> PostgresBindings { .with(sessionId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TrainingRequest { try TrainingStore.request(r) }
    }

    struct MachineNature: Statement {
        static let sql = "SELECT nature FROM machines WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { try r.value("nature") }
    }

    struct Asked: Statement {
        static let sql = """
            INSERT INTO training_requests (user_id, machine_id, category, note, asked_at)
            VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::timestamptz) RETURNING \(columns)
            """
        var userId: UUID, machineId: UUID?, category: String?, note: String?, at: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            bindings.append(machineId)
            bindings.append(category)
            bindings.append(note)
            bindings.append(at)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TrainingRequest { try TrainingStore.request(r) }
    }

    /// A request planned: its session and the validity to grant; nothing when it no longer waits.
    struct Planned: Statement {
        static let sql = """
            UPDATE training_requests SET session_id = $2::uuid, validity_months = $3::integer
            WHERE id = $1::uuid AND session_id IS NULL AND withdrawn_at IS NULL RETURNING \(columns)
            """
        var id: UUID, sessionId: UUID, validityMonths: Int?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(sessionId)
            bindings.append(validityMonths)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> TrainingRequest { try TrainingStore.request(r) }
    }

    struct Granted: Statement {
        static let sql = "UPDATE training_requests SET authorisation_id = $2::uuid WHERE id = $1::uuid AND authorisation_id IS NULL"
        var id: UUID, authorisationId: UUID
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(authorisationId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }
}
