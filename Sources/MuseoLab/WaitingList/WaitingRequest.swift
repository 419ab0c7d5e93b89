import Foundation

/// A member's wish to be told when a taken slot frees up: a machine, or a staff member's time,
/// over a time range. Nothing is booked for them: they are told, in the order they asked.
public struct WaitingRequest: Sendable, Equatable {
    public var id: UUID
    /// The order of asking.
    public var number: Int64
    public var userId: UUID
    public var machineId: UUID?
    public var staffId: UUID?
    public var period: Period
    public var askedAt: Date
    public var notifiedAt: Date?
    /// The cancelled session that freed the slot, once told.
    public var freedBySessionId: UUID?
    public var withdrawnAt: Date?

    public enum Status: String, Sendable, CaseIterable {
        case waiting, notified, withdrawn
    }

    public var status: Status {
        if notifiedAt != nil { return .notified }
        if withdrawnAt != nil { return .withdrawn }
        return .waiting
    }
}
