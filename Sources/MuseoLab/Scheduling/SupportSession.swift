import Foundation

/// A support session (séance d'accompagnement): a time range supervised by a staff
/// member, for a requesting member and the organisation (and agreement) it is charged
/// to, reserving zero or more machines. Without supervision, it is a machine booking.
public struct SupportSession: Sendable, Equatable, Codable {
    public var id: UUID
    /// A short number for people: `S-000042`.
    public var number: Int
    public var supervised: Bool
    public var requester: Person
    public var organisationId: UUID
    public var organisationName: String
    public var agreementId: UUID?
    public var staff: Person?
    public var purpose: String
    public var participants: Int
    public var period: Period
    public var status: SessionStatus
    /// What really happened, recorded on completion.
    public var actualPeriod: Period?
    public var lateCancellation: Bool
    /// Bumped on every change (the iCalendar SEQUENCE).
    public var revision: Int
    public var machines: [BookedMachine]
    public var events: [SessionEvent]
    public var createdAt: Date
    public var updatedAt: Date
    /// Recorded by staff once over (a walk-in, a session nobody entered), not booked ahead.
    public var recordedAfterwards = false

    public var reference: String { "S-" + zeroPadded(number, width: 6) }

    public struct Person: Sendable, Equatable, Codable {
        public var id: UUID
        public var displayName: String
        public var email: String
    }

    public struct BookedMachine: Sendable, Equatable, Codable {
        public var id: UUID
        public var nature: String
        public var model: String?
        public var inventoryNumber: String?
    }
}

public enum SessionStatus: String, Sendable, Codable, CaseIterable {
    case requested, confirmed, completed, cancelled
    case noShow = "no_show"

    /// Requested and confirmed sessions hold their machines and their staff member.
    public var isActive: Bool { self == .requested || self == .confirmed }
}

/// One step of a session's life: who moved it, when, and why.
public struct SessionEvent: Sendable, Equatable, Codable {
    public var occurredAt: Date
    public var from: SessionStatus?
    public var to: SessionStatus
    public var actor: String
    public var actorUserId: UUID?
    public var reason: String?
}

/// What is asked for when booking.
public struct SessionRequest: Sendable {
    /// The member the session is for; a manager may book on a member's behalf. Defaults to the caller.
    public var requesterId: UUID?
    public var supervised: Bool
    /// The supervising staff member; when omitted, the first one free and available is chosen.
    public var staffId: UUID?
    public var purpose: String
    public var participants: Int
    public var period: Period
    public var machineIds: [UUID]
    /// A training planned by staff: its machines need no authorisation of the trainee yet.
    public var training = false

    public init(
        requesterId: UUID? = nil, supervised: Bool = true, staffId: UUID? = nil, purpose: String, participants: Int = 1,
        period: Period, machineIds: [UUID] = []
    ) {
        self.requesterId = requesterId
        self.supervised = supervised
        self.staffId = staffId
        self.purpose = purpose
        self.participants = participants
        self.period = period
        self.machineIds = machineIds
    }
}

/// Filters for listing sessions.
public struct SessionFilter: Sendable {
    public var status: SessionStatus?
    public var within: Period?
    public var machineId: UUID?
    public var staffId: UUID?
    public var requesterId: UUID?
    public var organisationId: UUID?
    public var limit: Int

    public init(
        status: SessionStatus? = nil, within: Period? = nil, machineId: UUID? = nil, staffId: UUID? = nil,
        requesterId: UUID? = nil, organisationId: UUID? = nil, limit: Int = 200
    ) {
        self.status = status
        self.within = within
        self.machineId = machineId
        self.staffId = staffId
        self.requesterId = requesterId
        self.organisationId = organisationId
        self.limit = limit
    }
}
