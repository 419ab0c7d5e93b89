import Foundation
import PostgresNIO

/// The one path of every status change of a session (confirmation, cancellation by people or
/// by maintenance, completion, no-show): lock, read, decide, write, publish, in the caller's
/// transaction.
///
/// Sessions are locked before anything else they touch (their machines' occupations follow
/// them by trigger), and several in the order of their ids: two moves of one session take
/// turns, the second deciding on what the first wrote, and never wait on each other.
struct SessionLifecycle: Sendable {
    let events: DomainEvents

    /// Moves each of `ids` that `decide` moves (it returns `nil` to leave one as it is), as `actor`.
    /// A session the actor may not see, or that does not exist, is "not found".
    /// - Returns: the sessions moved, as they are now, in the order of `ids`.
    func move(
        _ ids: [UUID], by actor: Actor, _ session: SQLSession, decide: (SupportSession) throws -> SessionMove?
    ) async throws -> [SupportSession] {
        guard !ids.isEmpty else { return [] }
        let locked = ids.count == 1
            ? try await session.rows("SELECT id FROM support_sessions WHERE id = \(ids[0]) FOR UPDATE")
            : try await session.rows("SELECT id FROM support_sessions WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE")
        guard locked.count == Set(ids).count else { throw Problem.notFound("session") }
        let current = try await Sessions.load(session, ids: ids)
        var moves: [(before: SupportSession, move: SessionMove)] = []
        for before in current {
            guard Sessions.maySee(before, actor) else { throw Problem.notFound("session") }
            if let move = try decide(before) { moves.append((before, move)) }
        }
        for (before, move) in moves {
            try await write(move, of: before, by: actor, session)
        }
        let after = try await Sessions.load(session, ids: moves.map(\.before.id))
        for ((before, move), now) in zip(moves, after) {
            try await events.publish(.sessionMoved(SessionMoved(before: before, after: now, move: move)), by: actor, session)
        }
        return after
    }

    /// The move and its event, in one statement (the session's checks see the whole new row).
    private func write(_ move: SessionMove, of current: SupportSession, by actor: Actor, _ session: SQLSession) async throws {
        try await session.execute(
            """
            WITH moved AS (
                UPDATE support_sessions SET status = \(move.to.rawValue), revision = revision + 1,
                    late_cancellation = \(move.lateCancellation),
                    actual_period = CASE WHEN \(move.actual != nil) THEN tstzrange(\(move.actual?.start), \(move.actual?.end), '[)') END
                WHERE id = \(current.id)
                RETURNING id
            )
            INSERT INTO session_events (session_id, from_status, to_status, actor, actor_user_id, reason)
            SELECT id, \(current.status.rawValue), \(move.to.rawValue), \(actor.label), \(actor.userId), \(move.reason) FROM moved
            """)
    }
}
