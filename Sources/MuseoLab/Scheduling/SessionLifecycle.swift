import Foundation
import PostgresNIO

/// The one path of every status change of a session (confirmation, cancellation by people or
/// by maintenance, completion, no-show): lock, read, decide, write, publish, in the caller's
/// transaction.
///
/// Sessions are locked as they are read, before anything else they touch (their machines'
/// occupations follow them by trigger), and several in the order of their ids: two moves of one
/// session take turns, the second deciding on what the first wrote, and never wait on each other.
struct SessionLifecycle: Sendable {
    let events: DomainEvents

    /// Moves each of `ids` that `decide` moves (it returns `nil` to leave one as it is), as `actor`.
    /// A session the actor may not see, or that does not exist, is "not found".
    /// - Returns: the sessions moved, as they are now, in the order of `ids`.
    func move(
        _ ids: [UUID], by actor: Actor, _ session: SQLSession, decide: (SupportSession) throws -> SessionMove?
    ) async throws -> [SupportSession] {
        guard !ids.isEmpty else { return [] }
        let current = try await SessionStore.load(ids, locking: true, session)
        guard current.count == Set(ids).count else { throw Problem.notFound("session") }
        var moved: [SupportSession] = []
        for before in current {
            guard Sessions.maySee(before, actor) else { throw Problem.notFound("session") }
            guard let move = try decide(before) else { continue }
            let after = try await write(move, of: before, by: actor, session)
            try await events.publish(.sessionMoved(SessionMoved(before: before, after: after, move: move)), by: actor, session)
            moved.append(after)
        }
        return moved
    }

    /// The move and its event, in one statement, and what the session becomes: no reading back.
    private func write(_ move: SessionMove, of current: SupportSession, by actor: Actor, _ session: SQLSession) async throws -> SupportSession {
        let written = try await session.run(SessionStore.Moved(id: current.id, from: current.status, move: move, actor: actor))[0]
        var after = current
        after.status = move.to
        after.revision = written.revision
        after.updatedAt = written.updatedAt
        after.lateCancellation = move.lateCancellation
        after.actualPeriod = written.actual  // as stored (to the microsecond), not as asked
        after.events.append(SessionEvent(
            occurredAt: written.occurredAt, from: current.status, to: move.to, actor: actor.label, actorUserId: actor.userId, reason: move.reason))
        return after
    }
}
