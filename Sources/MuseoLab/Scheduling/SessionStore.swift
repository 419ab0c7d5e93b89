import Foundation
import PostgresNIO

/// How support sessions are read and written: one type per statement, rows decoded by column
/// name. A session comes with its machines and its history in the same row (JSON arrays), so a
/// batch of sessions is one statement whatever its size.
enum SessionStore {
    /// Sessions by id, with their machines and history, locked until the transaction ends when
    /// asked (in the order of their ids, so that two transactions locking several never wait on
    /// each other).
    static func load(_ ids: [UUID], locking: Bool = false, _ session: SQLSession) async throws -> [SupportSession] {
        guard !ids.isEmpty else { return [] }
        // One id (every booking and transition) by equality: PostgreSQL then keeps one generic
        // plan for the prepared statement, where an array keeps it planning each call.
        let rows: [SupportSession] = switch (ids.count == 1, locking) {
        case (true, false): try await session.run(One(id: ids[0]))
        case (true, true): try await session.run(OneLocked(id: ids[0]))
        case (false, false): try await session.run(Batch(ids: ids))
        case (false, true): try await session.run(BatchLocked(ids: ids))
        }
        let byId = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byId[$0] }
    }

    // MARK: - Reading

    /// The sessions' columns, machines and history, read from the tables; or, in the statement that
    /// books a session, from the rows it inserts (a statement does not see its own inserts in the tables).
    /// Event times come as microseconds since 2000, PostgreSQL's own resolution.
    static func select(sessions: String, occupations: String, events: String) -> String {
        """
        SELECT s.id, s.number, s.supervised, s.requester_user_id AS requester_id, r.display_name AS requester_name, r.email AS requester_email,
               s.organisation_id, o.name AS organisation_name, s.agreement_id, s.staff_user_id AS staff_id, st.display_name AS staff_name,
               st.email AS staff_email, s.purpose, s.participants, lower(s.period) AS start, upper(s.period) AS "end", s.status,
               lower(s.actual_period) AS actual_start, upper(s.actual_period) AS actual_end,
               s.late_cancellation, s.revision, s.created_at, s.updated_at, s.recorded_afterwards,
               (SELECT coalesce(json_agg(json_build_array(m.id, m.nature, m.model, m.inventory_number) ORDER BY m.position), '[]')
                FROM \(occupations) mo JOIN machines m ON m.id = mo.machine_id WHERE mo.session_id = s.id)::text AS machines,
               (SELECT coalesce(json_agg(json_build_array(
                           \(PostgresMicroseconds.sql("e.occurred_at")),
                           e.from_status, e.to_status, e.actor, e.actor_user_id, e.reason) ORDER BY e.id), '[]')
                FROM \(events) e WHERE e.session_id = s.id)::text AS events
        FROM \(sessions) s
        JOIN users r ON r.id = s.requester_user_id
        JOIN organisations o ON o.id = s.organisation_id
        LEFT JOIN users st ON st.id = s.staff_user_id
        """
    }

    static let fromTables = select(sessions: "support_sessions", occupations: "machine_occupations", events: "session_events")

    /// One row of `select`, from the tables or from a booking statement.
    static func session(_ r: PostgresRandomAccessRow) throws -> SupportSession {
        let staffId: UUID? = try r.value("staff_id")
        let (actualStart, actualEnd): (Date?, Date?) = (try r.value("actual_start"), try r.value("actual_end"))
        let machines = try JSONArrays(try r.value("machines")).map { machine in
            SupportSession.BookedMachine(
                id: try machine.uuid(0), nature: try machine.string(1), model: machine.optionalString(2),
                inventoryNumber: machine.optionalString(3))
        }
        let events = try JSONArrays(try r.value("events")).map { event in
            SessionEvent(
                occurredAt: try event.instant(0),
                from: try event.optional(1, as: SessionStatus.self), to: try event.value(2, as: SessionStatus.self),
                actor: try event.string(3), actorUserId: event.optionalString(4).flatMap(UUID.init(uuidString:)),
                reason: event.optionalString(5))
        }
        return SupportSession(
            id: try r.value("id"), number: Int(try r.value("number", as: Int64.self)), supervised: try r.value("supervised"),
            requester: .init(id: try r.value("requester_id"), displayName: try r.value("requester_name"), email: try r.value("requester_email")),
            organisationId: try r.value("organisation_id"), organisationName: try r.value("organisation_name"),
            agreementId: try r.value("agreement_id"),
            staff: try staffId.map { .init(id: $0, displayName: try r.value("staff_name"), email: try r.value("staff_email")) },
            purpose: try r.value("purpose"), participants: Int(try r.value("participants", as: Int32.self)),
            period: Period(start: try r.value("start"), end: try r.value("end")),
            status: try r.value("status", as: SessionStatus.self),
            actualPeriod: actualStart.flatMap { start in actualEnd.map { Period(start: start, end: $0) } },
            lateCancellation: try r.value("late_cancellation"), revision: Int(try r.value("revision", as: Int32.self)),
            machines: machines, events: events,
            createdAt: try r.value("created_at"), updatedAt: try r.value("updated_at"), recordedAfterwards: try r.value("recorded_afterwards"))
    }

    /// One session by id.
    struct One: Statement {
        static let sql = "\(fromTables) WHERE s.id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SupportSession { try session(r) }
    }

    /// One session by id, locked until the transaction ends.
    struct OneLocked: Statement {
        static let sql = "\(fromTables) WHERE s.id = $1::uuid FOR UPDATE OF s"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SupportSession { try session(r) }
    }

    /// Sessions by id.
    struct Batch: Statement {
        static let sql = "\(fromTables) WHERE s.id = ANY($1::uuid[])"
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SupportSession { try session(r) }
    }

    /// Sessions by id, locked until the transaction ends, in the order of their ids.
    struct BatchLocked: Statement {
        static let sql = "\(fromTables) WHERE s.id = ANY($1::uuid[]) ORDER BY s.id FOR UPDATE OF s"
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SupportSession { try session(r) }
    }

    /// The ids of the sessions a filter chooses (each criterion optional), by start.
    struct Listed: Statement {
        static let sql = """
            SELECT s.id FROM support_sessions s
            WHERE ($1::text IS NULL OR s.status = $1::text)
              AND ($2::timestamptz IS NULL OR s.period && tstzrange($2::timestamptz, $3::timestamptz, '[)'))
              AND ($4::uuid IS NULL OR s.staff_user_id = $4::uuid)
              AND ($5::uuid IS NULL OR s.requester_user_id = $5::uuid)
              AND ($6::uuid IS NULL OR s.organisation_id = $6::uuid)
              AND ($7::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM machine_occupations o WHERE o.session_id = s.id AND o.machine_id = $7::uuid))
            ORDER BY lower(s.period), s.number
            LIMIT $8::integer
            """
        var filter: SessionFilter
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(filter.status?.rawValue)
            bindings.append(filter.within?.start)
            bindings.append(filter.within?.end)
            bindings.append(filter.staffId)
            bindings.append(filter.requesterId)
            bindings.append(filter.organisationId)
            bindings.append(filter.machineId)
            bindings.append(Int32(filter.limit))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A session's id from its number (S-000042).
    struct Numbered: Statement {
        static let sql = "SELECT id FROM support_sessions WHERE number = $1::bigint"
        var number: Int64
        func makeBindings() throws -> PostgresBindings { .with(number) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The live sessions staff supervise overlapping a window: when each is busy.
    struct Supervising: Statement {
        static let sql = """
            SELECT staff_user_id, lower(period) AS start, upper(period) AS "end" FROM support_sessions
            WHERE staff_user_id IS NOT NULL AND status IN ('requested', 'confirmed')
              AND period && tstzrange($1::timestamptz, $2::timestamptz, '[)')
            """
        var window: Period
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(window.start)
            bindings.append(window.end)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (staffId: UUID, period: Period) {
            (try r.value("staff_user_id"), Period(start: try r.value("start"), end: try r.value("end")))
        }
    }

    // MARK: - Writing

    /// The session, its machines' occupations (under the exclusion constraint) and its first
    /// event, in one statement that answers with the session as `load` reads it.
    struct Booked: Statement {
        static let sql = """
            WITH booked AS (
                INSERT INTO support_sessions (supervised, requester_user_id, organisation_id, agreement_id, staff_user_id,
                                              purpose, participants, period, recorded_afterwards)
                VALUES ($1::boolean, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::text, $7::integer,
                        tstzrange($8::timestamptz, $9::timestamptz, '[)'), $13::boolean)
                RETURNING *
            ), occupied AS (
                INSERT INTO machine_occupations (machine_id, period, session_id)
                SELECT machine.id, booked.period, booked.id FROM booked, unnest($10::uuid[]) AS machine (id)
                RETURNING *
            ), recorded AS (
                INSERT INTO session_events (session_id, from_status, to_status, actor, actor_user_id, reason)
                SELECT id, NULL, 'requested', $11::text, $12::uuid,
                       CASE WHEN $13::boolean THEN 'recorded afterwards' END FROM booked
                RETURNING *
            )
            \(select(sessions: "booked", occupations: "occupied", events: "recorded"))
            """
        var supervised: Bool, requesterId: UUID, organisationId: UUID, agreementId: UUID?, staffId: UUID?
        var purpose: String, participants: Int, period: Period, machineIds: [UUID]
        var actor: Actor
        /// A session that took place, written by staff once over (`Sessions.record`).
        var recordedAfterwards = false
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(supervised)
            bindings.append(requesterId)
            bindings.append(organisationId)
            bindings.append(agreementId)
            bindings.append(staffId)
            bindings.append(purpose)
            bindings.append(Int32(participants))
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(machineIds)
            bindings.append(actor.label)
            bindings.append(actor.userId)
            bindings.append(recordedAfterwards)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> SupportSession { try session(r) }
    }

    /// A move and its event, in one statement (the session's checks see the whole new row),
    /// answering with what the row becomes and when the move was recorded: no reading back.
    struct Moved: Statement {
        static let sql = """
            WITH moved AS (
                UPDATE support_sessions SET status = $2::text, revision = revision + 1,
                    late_cancellation = $3::boolean,
                    actual_period = CASE WHEN $4::timestamptz IS NOT NULL THEN tstzrange($4::timestamptz, $5::timestamptz, '[)') END
                WHERE id = $1::uuid
                RETURNING id, revision, updated_at, lower(actual_period) AS actual_start, upper(actual_period) AS actual_end
            ), recorded AS (
                INSERT INTO session_events (session_id, from_status, to_status, actor, actor_user_id, reason)
                SELECT id, $6::text, $2::text, $7::text, $8::uuid, $9::text FROM moved
                RETURNING occurred_at
            )
            SELECT moved.revision, moved.updated_at, moved.actual_start, moved.actual_end,
                   \(PostgresMicroseconds.sql("recorded.occurred_at")) AS occurred
            FROM moved, recorded
            """
        var id: UUID, from: SessionStatus, move: SessionMove, actor: Actor
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(move.to.rawValue)
            bindings.append(move.lateCancellation)
            bindings.append(move.actual?.start)
            bindings.append(move.actual?.end)
            bindings.append(from.rawValue)
            bindings.append(actor.label)
            bindings.append(actor.userId)
            bindings.append(move.reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (revision: Int, updatedAt: Date, actual: Period?, occurredAt: Date) {
            let (start, end): (Date?, Date?) = (try r.value("actual_start"), try r.value("actual_end"))
            return (Int(try r.value("revision", as: Int32.self)), try r.value("updated_at"),
                    start.flatMap { start in end.map { Period(start: start, end: $0) } },
                    PostgresMicroseconds.instant(try r.value("occurred", as: Int64.self)))
        }
    }

    /// A session moved to another time, keeping its status, and its event (from and to the same
    /// status), in one statement; its machines' occupations follow by trigger.
    struct Rescheduled: Statement {
        static let sql = """
            WITH moved AS (
                UPDATE support_sessions SET period = tstzrange($2::timestamptz, $3::timestamptz, '[)'), revision = revision + 1
                WHERE id = $1::uuid
                RETURNING id, revision, updated_at
            ), recorded AS (
                INSERT INTO session_events (session_id, from_status, to_status, actor, actor_user_id, reason)
                SELECT id, $4::text, $4::text, $5::text, $6::uuid, $7::text FROM moved
                RETURNING occurred_at
            )
            SELECT moved.revision, moved.updated_at,
                   \(PostgresMicroseconds.sql("recorded.occurred_at")) AS occurred
            FROM moved, recorded
            """
        var id: UUID, status: SessionStatus, period: Period, reason: String?, actor: Actor
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(status.rawValue)
            bindings.append(actor.label)
            bindings.append(actor.userId)
            bindings.append(reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (revision: Int, updatedAt: Date, occurredAt: Date) {
            (Int(try r.value("revision", as: Int32.self)), try r.value("updated_at"), PostgresMicroseconds.instant(try r.value("occurred", as: Int64.self)))
        }
    }
}
