import Foundation

/// A session that took place without being booked (a walk-in, one staff forgot to enter), as a
/// manager records it once over: who came, who supervised, with which machines, when really.
public struct RecordedSession: Sendable {
    public var requesterId: UUID
    public var staffId: UUID
    public var purpose: String
    public var participants: Int
    /// What really happened: it is also the session's period.
    public var actual: Period
    public var machineIds: [UUID]
    public var note: String?

    public init(
        requesterId: UUID, staffId: UUID, purpose: String, participants: Int = 1, actual: Period, machineIds: [UUID] = [], note: String? = nil
    ) {
        self.requesterId = requesterId
        self.staffId = staffId
        self.purpose = purpose
        self.participants = participants
        self.actual = actual
        self.machineIds = machineIds
        self.note = note
    }
}

extension Sessions {
    /// Records a past session as completed: it counts in the quota ledger like any completion
    /// (alerts and overage follow), its history says who recorded it afterwards, and it obeys the
    /// exclusion constraints like a booking, since it is booked and completed in one transaction.
    /// The opening hours, the staff member's availability and the machines' authorisations are
    /// not asked: it happened, under supervision. Managers go back the recording window (31 days
    /// by default); further back takes an administrator.
    public func record(_ recorded: RecordedSession, by actor: Actor) async throws -> SupportSession {
        try actor.require(.superviseSessions, "record sessions afterwards")
        let (purpose, machineIds) = try Self.checkFields(
            purpose: recorded.purpose, participants: recorded.participants, machineIds: recorded.machineIds)
        let note = try Validate.optionalText(recorded.note, field: "note", maxLength: 1000)
        let actual = recorded.actual
        guard actual.end > actual.start else {
            throw Problem(.endNotAfterStart, "the actual end must be after the actual start", field: "actualEnd")
        }
        let now = now()
        guard actual.end <= now.addingTimeInterval(300) else {
            throw Problem.invalid("actualEnd", "a session is recorded afterwards once it is over: the actual end is in the future")
        }

        return try await database.write(as: actor, action: "session.record") { session in
            let context = try await BookingContext.load(
                requesterId: recorded.requesterId, period: actual, machineIds: machineIds, staff: .named(recorded.staffId), session)
            let window = context.rules.recordingWindowDays
            if actual.start < now.addingTimeInterval(-Double(window) * 86_400), actor.role != .admin {
                throw Problem.forbidden(
                    "the session started more than \(window) days ago: only an administrator records it so late (the recording window is a booking rule)")
            }
            guard actual.minutes <= context.rules.maximumDurationMinutes else {
                throw Problem(
                    .tooLong, "\(Self.hours(actual.minutes)) is longer than the longest session (\(Self.hours(context.rules.maximumDurationMinutes)))",
                    field: "actualEnd")
            }
            let requester = try Self.requireActive(context.requester, id: recorded.requesterId, field: "requesterId")
            let staff = try Self.requireStaff(recorded.staffId, among: context.staff)
            try Self.checkRecordedMachines(context.machines)
            if staff.busy {
                throw Problem(.bookingConflict, "the staff member has a session booked at \(Self.describe(actual))", field: "staffId")
            }
            let booked = try await session.run(SessionStore.Booked(
                supervised: true, requesterId: recorded.requesterId, organisationId: requester.organisationId, agreementId: context.agreementId,
                staffId: recorded.staffId, purpose: purpose, participants: recorded.participants, period: actual, machineIds: machineIds,
                actor: actor, recordedAfterwards: true))[0]
            // Nobody is told of a request that never was: the completion is the only event published.
            return try await lifecycle.move([booked.id], by: actor, session) {
                try SessionTransitions.recordAfterwards($0, actual: actual, note: note)
            }[0]
        }
    }

    /// Each machine exists and can be booked, and nothing booked or maintained occupied it then.
    static func checkRecordedMachines(_ machines: [RequestedMachine]) throws {
        for machine in machines {
            guard let found = machine.found else { throw Problem.invalid("machineIds", "no machine has the id \(machine.id)") }
            guard found.bookable else { throw Problem(.machineUnavailable, "the \(found.nature) cannot be booked", field: "machineIds") }
            if let inMaintenance = found.occupiedByMaintenance {
                throw Problem(
                    .bookingConflict, "the \(found.nature) was \(inMaintenance ? "in a maintenance window" : "booked for another session") then",
                    field: "machineIds")
            }
        }
    }
}
