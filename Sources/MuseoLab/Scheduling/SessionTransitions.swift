import Foundation

/// A session's change of status as the rules decide it: where to, why, and what it records.
public struct SessionMove: Sendable, Equatable {
    /// Who or what moves the session.
    public enum Cause: Sendable, Equatable {
        /// Its requester or the fablab's staff.
        case people
        /// LLV's maintenance of a machine: a cancellation that never counts against the quota.
        case maintenance(machine: String)
    }

    public var to: SessionStatus
    /// Recorded in the session's history.
    public var reason: String?
    public var lateCancellation = false
    /// What really happened, on completion.
    public var actual: Period?
    public var cause: Cause = .people
}

/// The rules of a session's life, over the session as loaded (locked by `SessionLifecycle`):
/// which move is possible now, and what it records. No database here.
///
///     requested → confirmed → completed | no_show
///     requested | confirmed → cancelled
///     requested → completed, for a session recorded afterwards, in the transaction that books it
enum SessionTransitions {
    /// requested → confirmed.
    static func confirm(_ current: SupportSession, reason: String?) throws -> SessionMove {
        guard current.status == .requested else { throw cannot("confirm", current) }
        return SessionMove(to: .confirmed, reason: reason)
    }

    /// requested or confirmed → cancelled, by its requester or by staff, before its end; flagged
    /// late within the cancellation notice.
    static func cancel(_ current: SupportSession, reason: String, by actor: Actor, now: Date, noticeMinutes: Int) throws -> SessionMove {
        // Whoever may see the session but neither requested nor supervises it (the accountant).
        guard current.requester.id == actor.userId || actor.role.allows(.superviseSessions) else {
            throw Problem.forbidden("only the session's requester or fablab staff may cancel it")
        }
        guard current.status.isActive else { throw cannot("cancel", current) }
        guard now < current.period.end else {
            throw Problem(.invalidTransition, "the session is over: record it as completed or as a no-show instead")
        }
        return SessionMove(to: .cancelled, reason: reason, lateCancellation: isLateCancellation(current, now: now, noticeMinutes: noticeMinutes))
    }

    /// Whether cancelling now would be late: within the cancellation notice before the start.
    static func isLateCancellation(_ session: SupportSession, now: Date, noticeMinutes: Int) -> Bool {
        now > session.period.start.addingTimeInterval(-Double(noticeMinutes) * 60)
    }

    /// confirmed → completed, with what really happened.
    static func complete(_ current: SupportSession, actual: Period, note: String?) throws -> SessionMove {
        guard current.status == .confirmed else { throw cannot("complete", current) }
        return SessionMove(to: .completed, reason: note, actual: actual)
    }

    /// requested → completed, for a session recorded afterwards: it took place, nothing was committed.
    static func recordAfterwards(_ current: SupportSession, actual: Period, note: String?) throws -> SessionMove {
        guard current.status == .requested, current.recordedAfterwards else { throw cannot("record afterwards", current) }
        return SessionMove(to: .completed, reason: note, actual: actual)
    }

    /// confirmed → no_show, once the session has started.
    static func noShow(_ current: SupportSession, reason: String?, now: Date) throws -> SessionMove {
        guard current.status == .confirmed else { throw cannot("record a no-show for", current) }
        guard now >= current.period.start else {
            throw Problem(.invalidTransition, "the session has not started yet: a no-show is recorded from its start")
        }
        return SessionMove(to: .noShow, reason: reason)
    }

    /// An active session in the way of a machine's maintenance is cancelled, saying why; one that
    /// is no longer active (cancelled meanwhile) is left as it is.
    static func cancelForMaintenance(_ current: SupportSession, machine: String, reason: String) -> SessionMove? {
        guard current.status.isActive else { return nil }
        return SessionMove(to: .cancelled, reason: "maintenance of the \(machine): \(reason)", cause: .maintenance(machine: machine))
    }

    static func cannot(_ verb: String, _ session: SupportSession) -> Problem {
        Problem(.invalidTransition, "cannot \(verb) a session that is \(session.status.rawValue.replacingOccurrences(of: "_", with: "-"))")
    }
}

extension SupportSession {
    /// Whether cancelling it now would be late (within the notice): the front ends warn before.
    public func cancellingIsLate(now: Date, noticeMinutes: Int) -> Bool {
        SessionTransitions.isLateCancellation(self, now: now, noticeMinutes: noticeMinutes)
    }
}
