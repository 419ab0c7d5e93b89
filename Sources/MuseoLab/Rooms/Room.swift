import Foundation

/// A room LLV lends (article 6): the Atrium, the Espace Event, the meeting room.
public struct Room: Sendable, Equatable, Codable {
    public var id: UUID
    public var code: String
    public var name: String
    public var layouts: [RoomLayout]
    public var archivedAt: Date?
}

/// A way of setting a room up, with its capacity (`nil` when not fixed).
public struct RoomLayout: Sendable, Equatable, Codable {
    public var id: UUID
    public var code: String
    public var label: String
    public var capacity: Int?
}

/// A room booking request, and what became of it.
public struct RoomBooking: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, accepted, refused, cancelled
    }

    public enum Charge: String, Sendable, Codable, CaseIterable {
        /// A use of the agreement's yearly free allowance (service fees are still billed).
        case free
        /// Rented at the tariff (the founder-member rate for the university).
        case billable
    }

    public var id: UUID
    public var number: Int
    public var roomId: UUID
    public var roomCode: String
    public var roomName: String
    public var layoutCode: String
    public var requester: SupportSession.Person
    public var organisationId: UUID
    public var organisationName: String
    public var agreementId: UUID?
    public var purpose: String
    public var attendees: Int
    public var period: Period
    public var status: Status
    public var charge: Charge?
    /// Why it is free or billable.
    public var chargeReason: String?
    public var acceptedAt: Date?
    public var freeUseReturned: Bool
    public var events: [SessionEvent.RoomEvent]
    public var createdAt: Date
    /// The room's name as a sentence says it, with its article ("l'Atrium"), when it has one.
    public var roomInSentence: String? = nil

    public var reference: String { "R-" + zeroPadded(number, width: 6) }
}

extension SessionEvent {
    /// One step of a room booking's life.
    public struct RoomEvent: Sendable, Equatable, Codable {
        public var occurredAt: Date
        public var from: RoomBooking.Status?
        public var to: RoomBooking.Status
        public var actor: String
        public var reason: String?
    }
}

/// A room's free allowance for an agreement's year, and how it was used.
public struct RoomAllowance: Sendable, Equatable, Codable {
    public var roomId: UUID
    public var roomCode: String
    public var roomName: String
    public var allowance: Int
    public var used: Int
    public var remaining: Int { max(0, allowance - used) }
    /// The bookings using it, in the order they were accepted.
    public var freeBookings: [String]
    public var billableBookings: [String]
}

/// What is asked for when requesting a room.
public struct RoomBookingRequest: Sendable {
    public var room: String
    public var layout: String
    public var period: Period
    public var attendees: Int
    public var purpose: String
    /// Whom it is for; a manager may book on someone's behalf. Defaults to the caller.
    public var requesterId: UUID?
    /// The organisation it is for; defaults to the requester's.
    public var organisationId: UUID?

    public init(room: String, layout: String, period: Period, attendees: Int, purpose: String, requesterId: UUID? = nil, organisationId: UUID? = nil) {
        self.room = room
        self.layout = layout
        self.period = period
        self.attendees = attendees
        self.purpose = purpose
        self.requesterId = requesterId
        self.organisationId = organisationId
    }
}

extension RoomBooking {
    /// What accepting this booking would clash with: the other bookings of its room, pending or
    /// accepted, whose time overlaps its own (the database refuses two accepted ones).
    public func conflicts(among others: [RoomBooking]) -> [RoomBooking] {
        others.filter { other in
            other.id != id && other.roomId == roomId && (other.status == .pending || other.status == .accepted) && other.period.overlaps(period)
        }
    }
}
