import Foundation

/// The waiting list: a member asks to be told if a taken slot frees up; a cancellation that
/// frees it tells the waiting members in the order they asked (`WaitingListNotifications`).
/// Members see and withdraw their own requests; staff see everyone's.
public struct WaitingList: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// The longest time range one request may wait for.
    public static let longestRange: TimeInterval = 14 * 86_400

    public func list(userId: UUID?, by actor: Actor) async throws -> [WaitingRequest] {
        let userId = actor.role.allows(.viewAllSessions) ? userId : actor.userId
        guard userId != nil || actor.role.allows(.viewAllSessions) else { return [] }
        return try await database.read { session in
            try await session.run(WaitingListStore.Listed(userId: userId))
        }
    }

    /// Asks to be told when a machine, or a staff member's time, frees up over `period`: for
    /// oneself, or for `member` when the fablab's staff ask on their behalf.
    public func ask(for member: UUID? = nil, machineId: UUID?, staffId: UUID?, period: Period, by actor: Actor) async throws -> WaitingRequest {
        if let member, member != actor.userId { try actor.require(.superviseSessions, "put a member on the waiting list") }
        guard let userId = member ?? actor.userId else { throw Problem.invalid("userId", "say who waits for the slot") }
        guard (machineId == nil) != (staffId == nil) else {
            throw Problem.invalid("machineId", "give either a machine or a staff member, not both nor neither")
        }
        guard period.end > period.start else { throw Problem(.endNotAfterStart, "the end must be after the start", field: "end") }
        guard period.end > now() else { throw Problem(.startInPast, "this time range is over", field: "end") }
        guard period.duration <= Self.longestRange else { throw Problem.invalid("end", "wait for at most 14 days at once") }
        return try await database.write(as: actor, action: "waiting_list.ask") { session in
            if member != nil, try await !session.exists(PeopleStore.UserExists(id: userId)) {
                throw Problem.invalid("userId", "no user has the id \(userId)")
            }
            if let machineId, try await !session.exists(InventoryStore.MachineExists(id: machineId)) {
                throw Problem.invalid("machineId", "no machine has the id \(machineId)")
            }
            if let staffId {
                do {
                    try await StaffAvailability.requireStaff(staffId, session)
                } catch let problem as Problem where problem.kind == .notFound {
                    throw Problem.invalid("staffId", "no staff member has the id \(staffId)")
                }
            }
            return try await session.run(WaitingListStore.Asked(userId: userId, machineId: machineId, staffId: staffId, period: period, at: now()))[0]
        }
    }

    /// Withdraws a request still waiting: one's own, or anyone's for the fablab's staff.
    public func withdraw(_ id: UUID, by actor: Actor) async throws -> WaitingRequest {
        try await database.write(as: actor, action: "waiting_list.withdraw") { session in
            guard let request = try await session.run(WaitingListStore.One(id: id)).first,
                request.userId == actor.userId || actor.role.allows(.superviseSessions)
            else { throw Problem.notFound("waiting request") }
            guard let withdrawn = try await session.run(WaitingListStore.Withdrawn(id: id, at: now())).first else {
                throw Problem(.invalidTransition, "this request no longer waits: it was \(request.status == .notified ? "told" : "withdrawn") already")
            }
            return withdrawn
        }
    }
}
