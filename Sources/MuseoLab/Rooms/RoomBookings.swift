import Foundation
import PostgresNIO

/// Room booking requests (article 6): pending until LLV accepts or refuses them (it is
/// never bound to accept). Accepted bookings of a room never overlap (the database's
/// exclusion constraint); they use up the agreement's yearly free allowance in the
/// order they are accepted, and always produce their billable items.
public struct RoomBookings: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func request(_ request: RoomBookingRequest, by actor: Actor) async throws -> RoomBooking {
        guard let requesterId = request.requesterId ?? actor.userId else { throw Problem.invalid("requesterId", "say whom the booking is for") }
        if requesterId != actor.userId { try actor.require(.manageRooms, "book rooms for someone else") }
        let purpose = try Validate.text(request.purpose, field: "purpose", maxLength: 500)
        guard request.attendees >= 1 else { throw Problem.invalid("attendees", "at least one attendee") }
        guard request.attendees <= 10_000 else { throw Problem.invalid("attendees", "at most 10000 attendees") }
        let period = request.period
        guard period.end > period.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        let now = now()
        guard period.start >= now else { throw Problem(.startInPast, "the start (\(ParisTime.format(period.start))) is in the past", field: "start") }
        guard period.duration <= 14 * 86_400 else { throw Problem(.tooLong, "a room is booked for at most 14 days at once", field: "end") }

        return try await database.write(as: actor, action: "room-booking.request") { session in
            guard let room = try await Rooms.find(request.room, session), room.archivedAt == nil else {
                throw Problem.invalid("roomId", "no room is \"\(request.room)\"")
            }
            guard let layout = room.layouts.first(where: { $0.code == request.layout.lowercased() || $0.id.uuidString.lowercased() == request.layout.lowercased() })
            else {
                throw Problem.invalid("layout", "the \(room.name) has no layout \"\(request.layout)\" (it has \(room.layouts.map(\.code).joined(separator: ", ")))")
            }
            if let capacity = layout.capacity, request.attendees > capacity {
                throw Problem.invalid("attendees", "\(request.attendees) attendees is above the capacity of the \(room.name) in \(layout.label.lowercased()) (\(capacity))")
            }
            let requester = try await Sessions.activeUser(requesterId, field: "requesterId", session)
            let organisationId = request.organisationId ?? requester.organisationId
            if organisationId != requester.organisationId && !actor.role.allows(.manageRooms) {
                throw Problem.forbidden("a member books for their own organisation")
            }
            guard try await session.first("SELECT 1 FROM organisations WHERE id = \(organisationId)") != nil else {
                throw Problem.invalid("organisationId", "no organisation has the id \(organisationId)")
            }
            let agreementId = try await Sessions.agreement(for: organisationId, on: ParisClock.date(of: period.start), session)
            let id = try await session.first(
                """
                INSERT INTO room_bookings (room_id, layout_id, requester_user_id, organisation_id, agreement_id, purpose, attendees, period)
                VALUES (\(room.id), \(layout.id), \(requesterId), \(organisationId), \(agreementId), \(purpose), \(request.attendees),
                        tstzrange(\(period.start), \(period.end), '[)'))
                RETURNING id
                """)!.decode(UUID.self)
            try await Self.record(id, from: nil, to: .pending, reason: nil, actor: actor, session)
            return try await Self.load(session, ids: [id])[0]
        }
    }

    public func list(status: RoomBooking.Status? = nil, roomId: UUID? = nil, within window: Period? = nil, by actor: Actor) async throws -> [RoomBooking] {
        let requester = actor.role.allows(.manageRooms) || actor.role.allows(.viewAllSessions) ? nil : actor.userId
        if !actor.role.allows(.manageRooms) && !actor.role.allows(.viewAllSessions) && requester == nil { return [] }
        return try await database.read { session in
            let ids = try await session.rows(
                """
                SELECT id FROM room_bookings
                WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)) AND (\(roomId)::uuid IS NULL OR room_id = \(roomId))
                  AND (\(requester)::uuid IS NULL OR requester_user_id = \(requester))
                  AND (\(window?.start)::timestamptz IS NULL OR period && tstzrange(\(window?.start), \(window?.end), '[)'))
                ORDER BY lower(period), number LIMIT 1000
                """
            ).map { try $0.decode(UUID.self) }
            return try await Self.load(session, ids: ids)
        }
    }

    public func get(_ id: UUID, by actor: Actor) async throws -> RoomBooking {
        let booking = try await database.read { try await Self.load($0, ids: [id]).first }
        guard let booking, Self.maySee(booking, actor) else { throw Problem.notFound("room booking") }
        return booking
    }

    /// Finds a booking by id or number (`R-000042`).
    public func find(_ reference: String, by actor: Actor) async throws -> RoomBooking {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        let digits = reference.uppercased().hasPrefix("R-") ? String(reference.dropFirst(2)) : reference
        guard let number = Int64(digits) else { throw Problem.invalid("booking", "\"\(reference)\" is neither a booking id nor a number like R-000042") }
        guard let id = try await database.read({ try await $0.first("SELECT id FROM room_bookings WHERE number = \(number)")?.decode(UUID.self) }) else {
            throw Problem.notFound("room booking \(reference)")
        }
        return try await get(id, by: actor)
    }

    static func maySee(_ booking: RoomBooking, _ actor: Actor) -> Bool {
        actor.role.allows(.manageRooms) || actor.role.allows(.viewAllSessions) || booking.requester.id == actor.userId
    }

    // MARK: - Decisions

    /// pending → accepted: free while the agreement's allowance lasts (in the order of
    /// acceptance), else billable; service fees are billed either way.
    public func accept(_ id: UUID, reason: String? = nil, by actor: Actor) async throws -> RoomBooking {
        try actor.require(.manageRooms, "accept room bookings")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 1000)
        return try await database.write(as: actor, action: "room-booking.accept") { session in
            let booking = try await Self.lock(id, actor, session)
            guard booking.status == .pending else { throw Self.cannot("accept", booking) }
            guard booking.period.end > now() else { throw Problem(.invalidTransition, "this booking's time is over") }
            if let clash = try await session.first(
                """
                SELECT number FROM room_bookings WHERE room_id = \(booking.roomId) AND status = 'accepted' AND id <> \(id)
                  AND period && tstzrange(\(booking.period.start), \(booking.period.end), '[)') LIMIT 1
                """)
            {
                throw Problem(.bookingConflict, "the \(booking.roomName) is already booked then (\(String(format: "R-%06d", try clash.decode(Int64.self))))")
            }
            let (charge, why) = try await Self.charge(for: booking, session)
            try await session.execute(
                """
                UPDATE room_bookings SET status = 'accepted', charge = \(charge.rawValue), charge_reason = \(why), accepted_at = clock_timestamp(),
                       revision = revision + 1
                WHERE id = \(id)
                """)
            try await Self.record(id, from: .pending, to: .accepted, reason: reason, actor: actor, session)
            try await Self.bill(booking, charge: charge, session)
            let accepted = try await Self.load(session, ids: [id])[0]
            try await Self.tell(
                accepted, subject: "Réservation \(accepted.reference) acceptée",
                body: "Votre réservation de \(accepted.roomName) le \(Sessions.describe(accepted.period)) est acceptée. \(why)", session)
            return accepted
        }
    }

    /// pending → refused, with the reason (LLV is never bound to accept). Uses nothing.
    public func refuse(_ id: UUID, reason: String, by actor: Actor) async throws -> RoomBooking {
        try actor.require(.manageRooms, "refuse room bookings")
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        return try await database.write(as: actor, action: "room-booking.refuse") { session in
            let booking = try await Self.lock(id, actor, session)
            guard booking.status == .pending else { throw Self.cannot("refuse", booking) }
            try await session.execute("UPDATE room_bookings SET status = 'refused', revision = revision + 1 WHERE id = \(id)")
            try await Self.record(id, from: .pending, to: .refused, reason: reason, actor: actor, session)
            let refused = try await Self.load(session, ids: [id])[0]
            try await Self.tell(
                refused, subject: "Réservation \(refused.reference) refusée",
                body: "Votre demande de \(refused.roomName) le \(Sessions.describe(refused.period)) n'a pas pu être acceptée : \(reason)", session)
            return refused
        }
    }

    /// pending or accepted → cancelled, by its requester or LLV, with a reason. An accepted
    /// booking cancelled before it starts gives its free use back (to the next billable
    /// booking of the year, in the order of acceptance) and its items are not billed.
    public func cancel(_ id: UUID, reason: String, by actor: Actor) async throws -> RoomBooking {
        let reason = try Validate.text(reason, field: "reason", maxLength: 1000)
        let now = now()
        return try await database.write(as: actor, action: "room-booking.cancel") { session in
            let booking = try await Self.lock(id, actor, session)
            guard booking.requester.id == actor.userId || actor.role.allows(.manageRooms) else {
                throw Problem.forbidden("only the booking's requester or LLV may cancel it")
            }
            guard booking.status == .pending || booking.status == .accepted else { throw Self.cannot("cancel", booking) }
            guard now < booking.period.end else { throw Problem(.invalidTransition, "this booking's time is over") }
            let beforeStart = now < booking.period.start
            let returnsFreeUse = booking.status == .accepted && booking.charge == .free && beforeStart
            try await session.execute(
                """
                UPDATE room_bookings SET status = 'cancelled', free_use_returned = \(returnsFreeUse), revision = revision + 1 WHERE id = \(id)
                """)
            try await Self.record(id, from: booking.status, to: .cancelled, reason: reason, actor: actor, session)
            if booking.status == .accepted && beforeStart {
                try await BillableItems.cancel(roomBooking: id, kind: nil, reason: "\(booking.reference) cancelled before it started: \(reason)", session)
            }
            if returnsFreeUse { try await Self.giveBackFreeUse(from: booking, session) }
            let cancelled = try await Self.load(session, ids: [id])[0]
            if actor.userId != booking.requester.id {
                try await Self.tell(
                    cancelled, subject: "Réservation \(cancelled.reference) annulée",
                    body: "Votre réservation de \(cancelled.roomName) le \(Sessions.describe(cancelled.period)) est annulée : \(reason)", session)
            }
            return cancelled
        }
    }

    // MARK: - Allowances

    /// The free allowance of each room for an agreement's year, and how it was used.
    public func allowances(_ agreementId: UUID, year: Int, by actor: Actor) async throws -> [RoomAllowance] {
        try Quota.checkYear(year)
        return try await database.read { session in
            try await Quota.requireView(agreementId, actor, session)
            let today = ParisClock.date(of: now())
            let reference = today.year == year ? today : (today.year > year ? CalendarDate(year: year, month: 12, day: 31)! : CalendarDate(year: year, month: 1, day: 1)!)
            var result: [RoomAllowance] = []
            for room in try await Rooms.load(session, includingArchived: false) {
                let allowance = try await Self.allowance(agreementId, roomId: room.id, on: reference, session)
                let bookings = try await Self.chargedBookings(agreementId, roomId: room.id, year: year, session)
                result.append(RoomAllowance(
                    roomId: room.id, roomCode: room.code, roomName: room.name, allowance: allowance,
                    used: bookings.filter { $0.charge == .free && !$0.returned }.count,
                    freeBookings: bookings.filter { $0.charge == .free && !$0.returned }.map(\.reference),
                    billableBookings: bookings.filter { $0.charge == .billable && $0.status != "cancelled" }.map(\.reference)))
            }
            return result
        }
    }

    /// Free or billable, and why, for a booking being accepted. Serialised per agreement,
    /// room and year, so two acceptances never take the same last free use.
    static func charge(for booking: RoomBooking, _ session: SQLSession) async throws -> (RoomBooking.Charge, String) {
        guard let agreementId = booking.agreementId else {
            return (.billable, "\(booking.organisationName) is not under an agreement: rented at the tariff of its category")
        }
        let date = ParisClock.date(of: booking.period.start)
        try await session.execute(
            "SELECT pg_advisory_xact_lock(hashtext('room-allowance'), hashtext(\(agreementId.uuidString + booking.roomId.uuidString + String(date.year))))")
        let allowance = try await allowance(agreementId, roomId: booking.roomId, on: date, session)
        let used = try await chargedBookings(agreementId, roomId: booking.roomId, year: date.year, session)
            .filter { $0.charge == .free && !$0.returned }.count
        if used < allowance {
            return (.free, "free use \(used + 1) of \(allowance) for the \(booking.roomName) in \(date.year) (agreement, article 6)")
        }
        return (.billable, "the \(allowance) free use\(allowance == 1 ? "" : "s") of the \(booking.roomName) in \(date.year) \(allowance == 1 ? "is" : "are") used up: rented at the founder-member rate (article 6)")
    }

    /// Hands a returned free use to the first billable booking of the year, in the order of acceptance, if one is still to be billed.
    static func giveBackFreeUse(from cancelled: RoomBooking, _ session: SQLSession) async throws {
        guard let agreementId = cancelled.agreementId else { return }
        let year = ParisClock.date(of: cancelled.period.start).year
        guard let row = try await session.first(
            """
            SELECT b.id, b.number FROM room_bookings b
            WHERE b.agreement_id = \(agreementId) AND b.room_id = \(cancelled.roomId) AND b.status = 'accepted' AND b.charge = 'billable'
              AND extract(year FROM lower(b.period) AT TIME ZONE 'Europe/Paris') = \(year)
              AND NOT EXISTS (SELECT 1 FROM billable_items i WHERE i.room_booking_id = b.id AND i.kind = 'room_rental' AND i.status = 'invoiced')
            ORDER BY b.accepted_at, b.number LIMIT 1 FOR UPDATE
            """)
        else { return }
        let (id, number) = try row.decode((UUID, Int64).self)
        let why = "free use given back by the cancellation of \(cancelled.reference) (agreement, article 6)"
        try await session.execute("UPDATE room_bookings SET charge = 'free', charge_reason = \(why), revision = revision + 1 WHERE id = \(id)")
        try await BillableItems.cancel(roomBooking: id, kind: .roomRental, reason: why, session)
        try await session.execute(
            """
            INSERT INTO room_booking_events (booking_id, from_status, to_status, actor, reason)
            VALUES (\(id), 'accepted', 'accepted', 'system:allowance', \("R-\(String(format: "%06d", number)) now free: " + why))
            """)
    }

    /// The room's yearly free bookings under the agreement's terms in force on a date.
    static func allowance(_ agreementId: UUID, roomId: UUID, on date: CalendarDate, _ session: SQLSession) async throws -> Int {
        let row = try await session.first(
            """
            SELECT coalesce(a.free_bookings_per_year, 0) FROM agreement_terms t
            LEFT JOIN agreement_room_allowances a ON a.terms_id = t.id AND a.room_id = \(roomId)
            WHERE t.agreement_id = \(agreementId) AND t.effective_from <= \(date.description)::date
            ORDER BY t.effective_from DESC LIMIT 1
            """)
        return Int(try row?.decode(Int32.self) ?? 0)
    }

    static func chargedBookings(_ agreementId: UUID, roomId: UUID, year: Int, _ session: SQLSession) async throws
        -> [(reference: String, charge: RoomBooking.Charge, returned: Bool, status: String)]
    {
        try await session.rows(
            """
            SELECT number, charge, free_use_returned, status FROM room_bookings
            WHERE agreement_id = \(agreementId) AND room_id = \(roomId) AND charge IS NOT NULL
              AND extract(year FROM lower(period) AT TIME ZONE 'Europe/Paris') = \(year)
            ORDER BY accepted_at, number
            """
        ).map { row in
            let (number, charge, returned, status) = try row.decode((Int64, String, Bool, String).self)
            return (String(format: "R-%06d", number), RoomBooking.Charge(rawValue: charge)!, returned, status)
        }
    }

    /// The service fees, always; the rental, when billable.
    static func bill(_ booking: RoomBooking, charge: RoomBooking.Charge, _ session: SQLSession) async throws {
        let date = ParisClock.date(of: booking.period.start)
        let when = Sessions.describe(booking.period)
        try await BillableItems.create(.init(
            kind: .roomServiceFees, customer: booking.organisationId, agreementId: booking.agreementId, roomBookingId: booking.id,
            serviceDate: date, description: "Frais de service – \(booking.roomName), \(when) (\(booking.reference))", minutes: booking.period.minutes), session)
        if charge == .billable {
            try await BillableItems.create(.init(
                kind: .roomRental, customer: booking.organisationId, agreementId: booking.agreementId, roomBookingId: booking.id,
                serviceDate: date, description: "Location \(booking.roomName), \(when) (\(booking.reference))", minutes: booking.period.minutes), session)
        }
    }

    /// Tells the requester in the app and by e-mail, through the outbox.
    static func tell(_ booking: RoomBooking, subject: String, body: String, _ session: SQLSession) async throws {
        try await Notifications.notify(booking.requester.id, kind: "room_booking.\(booking.status.rawValue)", subject: subject, body: body, sessionId: nil, session)
        let payload: [String: Any] = [
            "event": "room_booking.\(booking.status.rawValue)", "bookingId": booking.id.uuidString.lowercased(), "reference": booking.reference,
            "room": booking.roomCode, "status": booking.status.rawValue,
        ]
        try await Outbox.enqueue(
            topic: "room-booking:\(booking.id.uuidString.lowercased()):\(booking.status.rawValue)", channel: .email, recipient: booking.requester.email,
            subject: subject, body: body,
            payload: String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self), session)
    }

    // MARK: - Store

    static func cannot(_ verb: String, _ booking: RoomBooking) -> Problem {
        Problem(.invalidTransition, "cannot \(verb) a booking that is \(booking.status.rawValue)")
    }

    static func lock(_ id: UUID, _ actor: Actor, _ session: SQLSession) async throws -> RoomBooking {
        guard try await session.first("SELECT 1 FROM room_bookings WHERE id = \(id) FOR UPDATE") != nil,
            let booking = try await load(session, ids: [id]).first, maySee(booking, actor)
        else { throw Problem.notFound("room booking") }
        return booking
    }

    static func record(_ id: UUID, from: RoomBooking.Status?, to: RoomBooking.Status, reason: String?, actor: Actor, _ session: SQLSession) async throws {
        try await session.execute(
            """
            INSERT INTO room_booking_events (booking_id, from_status, to_status, actor, actor_user_id, reason)
            VALUES (\(id), \(from?.rawValue), \(to.rawValue), \(actor.label), \(actor.userId), \(reason))
            """)
    }

    static func load(_ session: SQLSession, ids: [UUID]) async throws -> [RoomBooking] {
        guard !ids.isEmpty else { return [] }
        var events: [UUID: [SessionEvent.RoomEvent]] = [:]
        for row in try await session.rows(
            "SELECT booking_id, occurred_at, from_status, to_status, actor, reason FROM room_booking_events WHERE booking_id = ANY(\(ids)) ORDER BY id")
        {
            let (bookingId, at, from, to, actor, reason) = try row.decode((UUID, Date, String?, String, String, String?).self)
            events[bookingId, default: []].append(
                .init(occurredAt: at, from: from.flatMap(RoomBooking.Status.init), to: RoomBooking.Status(rawValue: to)!, actor: actor, reason: reason))
        }
        let rows = try await session.rows(
            """
            SELECT b.id, b.number, b.room_id, r.code AS room_code, r.name AS room_name, l.code AS layout_code,
                   b.requester_user_id AS requester_id, u.display_name AS requester_name, u.email AS requester_email,
                   b.organisation_id, o.name AS organisation_name, b.agreement_id, b.purpose, b.attendees,
                   lower(b.period) AS start, upper(b.period) AS "end", b.status, b.charge, b.charge_reason, b.accepted_at,
                   b.free_use_returned, b.created_at
            FROM room_bookings b JOIN rooms r ON r.id = b.room_id JOIN room_layouts l ON l.id = b.layout_id
            JOIN users u ON u.id = b.requester_user_id JOIN organisations o ON o.id = b.organisation_id
            WHERE b.id = ANY(\(ids))
            """)
        let byId = try Dictionary(uniqueKeysWithValues: rows.map { row -> (UUID, RoomBooking) in
            let r = row.makeRandomAccess()
            let id: UUID = try r.value("id")
            return (id, RoomBooking(
                id: id, number: Int(try r.value("number", as: Int64.self)), roomId: try r.value("room_id"), roomCode: try r.value("room_code"),
                roomName: try r.value("room_name"), layoutCode: try r.value("layout_code"),
                requester: .init(id: try r.value("requester_id"), displayName: try r.value("requester_name"), email: try r.value("requester_email")),
                organisationId: try r.value("organisation_id"), organisationName: try r.value("organisation_name"), agreementId: try r.value("agreement_id"),
                purpose: try r.value("purpose"), attendees: Int(try r.value("attendees", as: Int32.self)),
                period: Period(start: try r.value("start"), end: try r.value("end")),
                status: RoomBooking.Status(rawValue: try r.value("status"))!,
                charge: try r.value("charge", as: String?.self).flatMap(RoomBooking.Charge.init), chargeReason: try r.value("charge_reason"),
                acceptedAt: try r.value("accepted_at"), freeUseReturned: try r.value("free_use_returned"), events: events[id] ?? [],
                createdAt: try r.value("created_at")))
        })
        return ids.compactMap { byId[$0] }
    }
}
