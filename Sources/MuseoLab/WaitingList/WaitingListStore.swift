import Foundation
import PostgresNIO

/// How the waiting list is read and written: one type per statement, rows decoded by column name.
enum WaitingListStore {
    static let columns = """
        id, number, user_id, machine_id, staff_user_id, lower(period) AS starts_at, upper(period) AS ends_at, asked_at, notified_at,
        freed_by_session_id, withdrawn_at
        """

    static func request(_ r: PostgresRandomAccessRow) throws -> WaitingRequest {
        WaitingRequest(
            id: try r.value("id"), number: try r.value("number"), userId: try r.value("user_id"), machineId: try r.value("machine_id"),
            staffId: try r.value("staff_user_id"), period: Period(start: try r.value("starts_at"), end: try r.value("ends_at")),
            askedAt: try r.value("asked_at"), notifiedAt: try r.value("notified_at"), freedBySessionId: try r.value("freed_by_session_id"),
            withdrawnAt: try r.value("withdrawn_at"))
    }

    /// Requests (everyone's, or one member's), in the order they were asked.
    struct Listed: Statement {
        static let sql = "SELECT \(columns) FROM waiting_requests WHERE $1::uuid IS NULL OR user_id = $1::uuid ORDER BY number"
        var userId: UUID?
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WaitingRequest { try WaitingListStore.request(r) }
    }

    struct One: Statement {
        static let sql = "SELECT \(columns) FROM waiting_requests WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WaitingRequest { try WaitingListStore.request(r) }
    }

    /// A request, already checked; answers it.
    struct Asked: Statement {
        static let sql = """
            INSERT INTO waiting_requests (user_id, machine_id, staff_user_id, period, asked_at)
            VALUES ($1::uuid, $2::uuid, $3::uuid, tstzrange($4::timestamptz, $5::timestamptz, '[)'), $6::timestamptz)
            RETURNING \(columns)
            """
        var userId: UUID, machineId: UUID?, staffId: UUID?, period: Period, at: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            bindings.append(machineId)
            bindings.append(staffId)
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(at)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WaitingRequest { try WaitingListStore.request(r) }
    }

    /// A request withdrawn while it waited; answers it, or nothing when it was closed already.
    struct Withdrawn: Statement {
        static let sql = """
            UPDATE waiting_requests SET withdrawn_at = $2::timestamptz
            WHERE id = $1::uuid AND notified_at IS NULL AND withdrawn_at IS NULL
            RETURNING \(columns)
            """
        var id: UUID, at: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(at)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> WaitingRequest { try WaitingListStore.request(r) }
    }

    /// A freed slot: every open request it touches, for one of its machines or its staff member,
    /// still ahead, of anyone but the session's requester, is closed as told, in one statement; answers them in the order they were asked,
    /// with whom to tell and what freed up.
    struct Freed: Statement {
        struct Told: Sendable {
            var request: WaitingRequest
            var email: String
            /// The machine's nature, or the staff member's name.
            var resource: String
        }

        static let sql = """
            WITH told AS (
                UPDATE waiting_requests SET notified_at = $5::timestamptz, freed_by_session_id = $1::uuid
                WHERE notified_at IS NULL AND withdrawn_at IS NULL
                  AND (machine_id = ANY($2::uuid[]) OR staff_user_id = $3::uuid)
                  AND period && tstzrange($4::timestamptz, $6::timestamptz, '[)') AND upper(period) > $5::timestamptz
                  AND user_id <> $7::uuid
                RETURNING \(columns)
            )
            SELECT told.*, u.email, coalesce(m.nature, s.display_name) AS resource
            FROM told JOIN users u ON u.id = told.user_id
            LEFT JOIN machines m ON m.id = told.machine_id LEFT JOIN users s ON s.id = told.staff_user_id
            ORDER BY told.number
            """
        var sessionId: UUID, machineIds: [UUID], staffId: UUID?, freed: Period, requesterId: UUID, at: Date
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(sessionId)
            bindings.append(machineIds)
            bindings.append(staffId)
            bindings.append(freed.start)
            bindings.append(at)
            bindings.append(freed.end)
            bindings.append(requesterId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Told {
            Told(request: try WaitingListStore.request(r), email: try r.value("email"), resource: try r.value("resource"))
        }
    }
}
