import Foundation

/// A room booking's change as the rules decide it: its new status and charge, and what it records.
struct RoomBookingMove: Sendable, Equatable {
    var to: RoomBooking.Status
    /// Recorded in the booking's history.
    var reason: String?
    /// Set on acceptance, and when a free use is handed to a billable booking.
    var charge: (RoomBooking.Charge, why: String)?
    /// A cancelled free booking gives its use back to the year's next billable one.
    var returnsFreeUse = false
    /// An accepted booking cancelled before it starts is not billed.
    var releasesItems = false

    static func == (a: RoomBookingMove, b: RoomBookingMove) -> Bool {
        a.to == b.to && a.reason == b.reason && a.charge?.0 == b.charge?.0 && a.charge?.why == b.charge?.why
            && a.returnsFreeUse == b.returnsFreeUse && a.releasesItems == b.releasesItems
    }
}

/// The rules of room bookings (article 6) over loaded values: what may be asked, which move is
/// possible now, and whether a use is free. No database here.
///
///     pending → accepted | refused
///     pending | accepted → cancelled
enum RoomBookingRules {
    /// What a request must say, before anything is read.
    static func checkRequest(_ request: RoomBookingRequest, now: Date) throws -> (purpose: String, period: Period) {
        let purpose = try Validate.text(request.purpose, field: "purpose", maxLength: 500)
        guard request.attendees >= 1 else { throw Problem.invalid("attendees", "at least one attendee") }
        guard request.attendees <= 10_000 else { throw Problem.invalid("attendees", "at most 10000 attendees") }
        let period = request.period
        guard period.end > period.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        guard period.start >= now else { throw Problem(.startInPast, "the start (\(ParisTime.format(period.start))) is in the past", field: "start") }
        guard period.duration <= 14 * 86_400 else { throw Problem(.tooLong, "a room is booked for at most 14 days at once", field: "end") }
        return (purpose, period)
    }

    /// The layout asked for (by code or id), holding the attendees.
    static func layout(_ asked: String, of room: Room, attendees: Int) throws -> RoomLayout {
        let key = asked.lowercased()
        guard let layout = room.layouts.first(where: { $0.code == key || $0.id.uuidString.lowercased() == key }) else {
            throw Problem.invalid("layout", "the \(room.name) has no layout \"\(asked)\" (it has \(room.layouts.map(\.code).joined(separator: ", ")))")
        }
        if let capacity = layout.capacity, attendees > capacity {
            throw Problem.invalid("attendees", "\(attendees) attendees is above the capacity of the \(room.name) in \(layout.label.lowercased()) (\(capacity))")
        }
        return layout
    }

    /// pending → accepted is possible: the booking is pending and its time is not over.
    static func mayAccept(_ current: RoomBooking, now: Date) throws {
        guard current.status == .pending else { throw cannot("accept", current) }
        guard current.period.end > now else { throw Problem(.invalidTransition, "this booking's time is over") }
    }

    /// An accepted booking of the room (`clash`, its reference) overlaps the one to accept.
    static func taken(_ current: RoomBooking, by clash: String) -> Problem {
        Problem(.bookingConflict, "the \(current.roomName) is already booked then (\(clash))")
    }

    /// pending → accepted, free or billable as `charge` says (once `mayAccept` and no clash).
    static func accept(_ current: RoomBooking, reason: String?, charge: (RoomBooking.Charge, why: String)) -> RoomBookingMove {
        RoomBookingMove(to: .accepted, reason: reason, charge: charge)
    }

    /// pending → refused, with the reason (LLV is never bound to accept).
    static func refuse(_ current: RoomBooking, reason: String) throws -> RoomBookingMove {
        guard current.status == .pending else { throw cannot("refuse", current) }
        return RoomBookingMove(to: .refused, reason: reason)
    }

    /// pending or accepted → cancelled, by its requester or LLV, before its end. An accepted
    /// booking cancelled before it starts is not billed, and gives its free use back if it had one.
    static func cancel(_ current: RoomBooking, reason: String, by actor: Actor, now: Date) throws -> RoomBookingMove {
        guard current.requester.id == actor.userId || actor.role.allows(.manageRooms) else {
            throw Problem.forbidden("only the booking's requester or LLV may cancel it")
        }
        guard current.status == .pending || current.status == .accepted else { throw cannot("cancel", current) }
        guard now < current.period.end else { throw Problem(.invalidTransition, "this booking's time is over") }
        let acceptedAndAhead = current.status == .accepted && now < current.period.start
        return RoomBookingMove(
            to: .cancelled, reason: reason, returnsFreeUse: acceptedAndAhead && current.charge == .free, releasesItems: acceptedAndAhead)
    }

    /// An accepted billable booking takes the free use a cancellation gave back (moved by
    /// `Actor.system("allowance")`, as its history says).
    static func takeFreeUse(_ current: RoomBooking, givenBackBy cancelled: RoomBooking) -> RoomBookingMove? {
        guard current.status == .accepted, current.charge == .billable else { return nil }
        let why = "free use given back by the cancellation of \(cancelled.reference) (agreement, article 6)"
        return RoomBookingMove(
            to: .accepted, reason: "\(current.reference) now free: " + why, charge: (.free, why))
    }

    /// Free while the agreement's yearly allowance of the room lasts (`used` of `allowance`, in
    /// the order of acceptance), else billable; outside an agreement, always billable.
    static func charge(
        for booking: RoomBooking, year: Int, allowance: Int, used: Int
    ) -> (RoomBooking.Charge, why: String) {
        guard booking.agreementId != nil else {
            return (.billable, "\(booking.organisationName) is not under an agreement: rented at the tariff of its category")
        }
        if used < allowance {
            return (.free, "free use \(used + 1) of \(allowance) for the \(booking.roomName) in \(year) (agreement, article 6)")
        }
        return (.billable, "the \(allowance) free use\(allowance == 1 ? "" : "s") of the \(booking.roomName) in \(year) \(allowance == 1 ? "is" : "are") used up: rented at the founder-member rate (article 6)")
    }

    /// A booking charged against an agreement's year, as the allowance counts it.
    struct Charged: Sendable, Equatable {
        var reference: String
        var charge: RoomBooking.Charge
        var returned: Bool
        var status: RoomBooking.Status
    }

    /// The free uses still held (not given back), in the order of acceptance.
    static func freeUses(_ charged: [Charged]) -> [Charged] { charged.filter { $0.charge == .free && !$0.returned } }

    /// How a room's allowance of a year was used.
    static func summary(of room: Room, allowance: Int, charged: [Charged]) -> RoomAllowance {
        let free = freeUses(charged)
        return RoomAllowance(
            roomId: room.id, roomCode: room.code, roomName: room.name, allowance: allowance, used: free.count,
            freeBookings: free.map(\.reference),
            billableBookings: charged.filter { $0.charge == .billable && $0.status != .cancelled }.map(\.reference))
    }

    /// The day whose terms count for a year's allowance: today in the current year, its last day
    /// for a past year, its first for a coming one.
    static func referenceDay(of year: Int, today: CalendarDate) -> CalendarDate {
        if today.year == year { return today }
        return today.year > year ? CalendarDate(year: year, month: 12, day: 31)! : CalendarDate(year: year, month: 1, day: 1)!
    }

    static func cannot(_ verb: String, _ booking: RoomBooking) -> Problem {
        Problem(.invalidTransition, "cannot \(verb) a booking that is \(booking.status.rawValue)")
    }
}
