import Foundation
import PostgresNIO

/// How room bookings are read and written: one type per statement, rows decoded by column name.
/// A batch of bookings is read in one statement whatever their number, each with its history.
enum RoomBookingStore {
    /// The columns and joins every booking read shares; `where` chooses the bookings. The history
    /// comes aggregated.
    static func select(where condition: String, orderBy order: String, suffix: String = "") -> String {
        """
        SELECT b.id, b.number, b.room_id, r.code AS room_code, r.name AS room_name, r.name_in_sentence AS room_in_sentence, l.code AS layout_code,
               b.requester_user_id AS requester_id, u.display_name AS requester_name, u.email AS requester_email,
               b.organisation_id, o.name AS organisation_name, b.agreement_id, b.purpose, b.attendees,
               lower(b.period) AS start, upper(b.period) AS "end", b.status, b.charge, b.charge_reason, b.accepted_at,
               b.free_use_returned, b.created_at,
               (SELECT coalesce(json_agg(json_build_array(
                           \(PostgresMicroseconds.sql("e.occurred_at")),
                           e.from_status, e.to_status, e.actor, e.reason) ORDER BY e.id), '[]')
                FROM room_booking_events e WHERE e.booking_id = b.id)::text AS events
        FROM room_bookings b JOIN rooms r ON r.id = b.room_id JOIN room_layouts l ON l.id = b.layout_id
        JOIN users u ON u.id = b.requester_user_id JOIN organisations o ON o.id = b.organisation_id
        WHERE \(condition)
        ORDER BY \(order)\(suffix)
        """
    }

    static func booking(_ r: PostgresRandomAccessRow) throws -> RoomBooking {
        RoomBooking(
            id: try r.value("id"), number: Int(try r.value("number", as: Int64.self)), roomId: try r.value("room_id"),
            roomCode: try r.value("room_code"), roomName: try r.value("room_name"), layoutCode: try r.value("layout_code"),
            requester: .init(id: try r.value("requester_id"), displayName: try r.value("requester_name"), email: try r.value("requester_email")),
            organisationId: try r.value("organisation_id"), organisationName: try r.value("organisation_name"), agreementId: try r.value("agreement_id"),
            purpose: try r.value("purpose"), attendees: Int(try r.value("attendees", as: Int32.self)),
            period: Period(start: try r.value("start"), end: try r.value("end")),
            status: try r.value("status", as: RoomBooking.Status.self),
            charge: try r.value("charge", as: RoomBooking.Charge?.self), chargeReason: try r.value("charge_reason"),
            acceptedAt: try r.value("accepted_at"), freeUseReturned: try r.value("free_use_returned"),
            events: try JSONArrays(try r.value("events")).map { event in
                SessionEvent.RoomEvent(
                    occurredAt: try event.instant(0), from: try event.optional(1, as: RoomBooking.Status.self),
                    to: try event.value(2, as: RoomBooking.Status.self), actor: try event.string(3), reason: event.optionalString(4))
            },
            createdAt: try r.value("created_at"), roomInSentence: try r.value("room_in_sentence"))
    }

    /// Bookings by id, with their histories: one statement. Locked (in the order of their ids) when asked.
    static func load(_ ids: [UUID], locking: Bool = false, _ session: SQLSession) async throws -> [RoomBooking] {
        guard !ids.isEmpty else { return [] }
        let rows = locking ? try await session.run(Locked(ids: ids)) : try await session.run(Bookings(ids: ids))
        let byId = rows.reduce(into: [UUID: RoomBooking]()) { $0[$1.id] = $1 }
        return ids.compactMap { byId[$0] }
    }

    // MARK: - Statements

    /// Bookings by id.
    struct Bookings: Statement {
        static let sql = select(where: "b.id = ANY($1::uuid[])", orderBy: "b.id")
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> RoomBooking { try booking(row) }
    }

    /// Bookings by id, locked until the transaction ends, in the order of their ids (two moves never wait on each other).
    struct Locked: Statement {
        static let sql = select(where: "b.id = ANY($1::uuid[])", orderBy: "b.id", suffix: " FOR UPDATE OF b")
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> RoomBooking { try booking(row) }
    }

    /// Bookings by status, room, requester and window (each optional), by start, 1,000 at most.
    struct Listed: Statement {
        static let sql = select(
            where: """
                ($1::text IS NULL OR b.status = $1::text) AND ($2::uuid IS NULL OR b.room_id = $2::uuid)
                  AND ($3::uuid IS NULL OR b.requester_user_id = $3::uuid)
                  AND ($4::timestamptz IS NULL OR b.period && tstzrange($4::timestamptz, $5::timestamptz, '[)'))
                """,
            orderBy: "lower(b.period), b.number LIMIT 1000")
        var status: RoomBooking.Status?
        var roomId: UUID?
        var requesterId: UUID?
        var window: Period?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(status?.rawValue)
            bindings.append(roomId)
            bindings.append(requesterId)
            bindings.append(window?.start)
            bindings.append(window?.end)
            return bindings
        }
        func decodeRow(_ row: PostgresRandomAccessRow) throws -> RoomBooking { try booking(row) }
    }

    /// A booking's id from its number (R-000042).
    struct Numbered: Statement {
        static let sql = "SELECT id FROM room_bookings WHERE number = $1::bigint"
        var number: Int64
        func makeBindings() throws -> PostgresBindings { .with(number) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A new request and the first line of its history, in one statement.
    struct Requested: Statement {
        static let sql = """
            WITH booking AS (
                INSERT INTO room_bookings (room_id, layout_id, requester_user_id, organisation_id, agreement_id, purpose, attendees, period)
                VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::text, $7::integer, tstzrange($8::timestamptz, $9::timestamptz, '[)'))
                RETURNING id
            ), recorded AS (
                INSERT INTO room_booking_events (booking_id, from_status, to_status, actor, actor_user_id)
                SELECT id, NULL, 'pending', $10::text, $11::uuid FROM booking
            )
            SELECT id FROM booking
            """
        var roomId: UUID, layoutId: UUID, requesterId: UUID, organisationId: UUID, agreementId: UUID?
        var purpose: String, attendees: Int, period: Period
        var actor: Actor
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(roomId)
            bindings.append(layoutId)
            bindings.append(requesterId)
            bindings.append(organisationId)
            bindings.append(agreementId)
            bindings.append(purpose)
            bindings.append(Int32(attendees))
            bindings.append(period.start)
            bindings.append(period.end)
            bindings.append(actor.label)
            bindings.append(actor.userId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A move and its line of history, in one statement, answering with what the booking's row
    /// becomes and when the move was recorded: no reading back.
    struct Moved: Statement {
        static let sql = """
            WITH moved AS (
                UPDATE room_bookings SET status = $2::text, revision = revision + 1,
                    charge = coalesce($3::text, charge),
                    charge_reason = CASE WHEN $3::text IS NULL THEN charge_reason ELSE $4::text END,
                    accepted_at = CASE WHEN status = 'pending' AND $2::text = 'accepted' THEN clock_timestamp() ELSE accepted_at END,
                    free_use_returned = free_use_returned OR $5::boolean
                WHERE id = $1::uuid
                RETURNING id, charge, charge_reason, accepted_at, free_use_returned
            ), recorded AS (
                INSERT INTO room_booking_events (booking_id, from_status, to_status, actor, actor_user_id, reason)
                SELECT id, $6::text, $2::text, $7::text, $8::uuid, $9::text FROM moved
                RETURNING occurred_at
            )
            SELECT moved.charge, moved.charge_reason, moved.accepted_at, moved.free_use_returned, recorded.occurred_at FROM moved, recorded
            """
        var id: UUID
        var from: RoomBooking.Status
        var move: RoomBookingMove
        var actor: Actor
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(move.to.rawValue)
            bindings.append(move.charge?.0.rawValue)
            bindings.append(move.charge?.why)
            bindings.append(move.returnsFreeUse)
            bindings.append(from.rawValue)
            bindings.append(actor.label)
            bindings.append(actor.userId)
            bindings.append(move.reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (charge: RoomBooking.Charge?, chargeReason: String?, acceptedAt: Date?, freeUseReturned: Bool, occurredAt: Date) {
            (try r.value("charge", as: RoomBooking.Charge?.self), try r.value("charge_reason"), try r.value("accepted_at"),
             try r.value("free_use_returned"), try r.value("occurred_at"))
        }
    }

    /// The reference of an accepted booking of the room overlapping a period, other than `id`.
    struct Clash: Statement {
        static let sql = """
            SELECT number FROM room_bookings WHERE room_id = $1::uuid AND status = 'accepted' AND id <> $2::uuid
              AND period && tstzrange($3::timestamptz, $4::timestamptz, '[)') LIMIT 1
            """
        var roomId: UUID, id: UUID, period: Period
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(roomId)
            bindings.append(id)
            bindings.append(period.start)
            bindings.append(period.end)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { "R-" + zeroPadded(try r.value("number", as: Int64.self), width: 6) }
    }

    /// Serialises the free uses of an agreement's room in a year until the transaction ends, so
    /// two acceptances never take the same last one.
    struct AllowanceLock: Statement {
        static let sql = "SELECT pg_advisory_xact_lock(hashtext('room-allowance'), hashtext($1::text))"
        var agreementId: UUID, roomId: UUID, year: Int
        func makeBindings() throws -> PostgresBindings { .with(agreementId.uuidString + roomId.uuidString + String(year)) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The room's yearly free bookings under the agreement's terms in force on a day (none when no terms are).
    struct Allowance: Statement {
        static let sql = """
            SELECT coalesce(a.free_bookings_per_year, 0) AS free_bookings FROM agreement_terms t
            LEFT JOIN agreement_room_allowances a ON a.terms_id = t.id AND a.room_id = $2::uuid
            WHERE t.agreement_id = $1::uuid AND t.effective_from <= $3::text::date
            ORDER BY t.effective_from DESC LIMIT 1
            """
        var agreementId: UUID, roomId: UUID, day: CalendarDate
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(roomId)
            bindings.append(day.description)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Int { Int(try r.value("free_bookings", as: Int32.self)) }
    }

    /// The bookings of an agreement's room charged in a year (by their start, in Paris), in the order of acceptance.
    struct Charged: Statement {
        static let sql = """
            SELECT number, charge, free_use_returned, status FROM room_bookings
            WHERE agreement_id = $1::uuid AND room_id = $2::uuid AND charge IS NOT NULL
              AND extract(year FROM lower(period) AT TIME ZONE 'Europe/Paris') = $3::integer
            ORDER BY accepted_at, number
            """
        var agreementId: UUID, roomId: UUID, year: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(roomId)
            bindings.append(Int32(year))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> RoomBookingRules.Charged {
            .init(
                reference: "R-" + zeroPadded(try r.value("number", as: Int64.self), width: 6), charge: try r.value("charge", as: RoomBooking.Charge.self),
                returned: try r.value("free_use_returned"), status: try r.value("status", as: RoomBooking.Status.self))
        }
    }

    /// The first billable booking of an agreement's room in a year, in the order of acceptance,
    /// whose rental is not invoiced yet: the one a returned free use goes to.
    struct NextBillable: Statement {
        static let sql = """
            SELECT b.id FROM room_bookings b
            WHERE b.agreement_id = $1::uuid AND b.room_id = $2::uuid AND b.status = 'accepted' AND b.charge = 'billable'
              AND extract(year FROM lower(b.period) AT TIME ZONE 'Europe/Paris') = $3::integer
              AND NOT EXISTS (SELECT 1 FROM billable_items i WHERE i.room_booking_id = b.id AND i.kind = 'room_rental' AND i.status = 'invoiced')
            ORDER BY b.accepted_at, b.number LIMIT 1
            """
        var agreementId: UUID, roomId: UUID, year: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(roomId)
            bindings.append(Int32(year))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
