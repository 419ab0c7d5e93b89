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
        let current = try await Sessions.load(session, ids: ids, locking: true)
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

    /// The move and its event, in one statement (the session's checks see the whole new row),
    /// which answers with what the session becomes: no reading back.
    private func write(_ move: SessionMove, of current: SupportSession, by actor: Actor, _ session: SQLSession) async throws -> SupportSession {
        let row = try await session.first(
            """
            WITH moved AS (
                UPDATE support_sessions SET status = \(move.to.rawValue), revision = revision + 1,
                    late_cancellation = \(move.lateCancellation),
                    actual_period = CASE WHEN \(move.actual != nil) THEN tstzrange(\(move.actual?.start), \(move.actual?.end), '[)') END
                WHERE id = \(current.id)
                RETURNING id, revision, updated_at, lower(actual_period) AS actual_start, upper(actual_period) AS actual_end
            ), recorded AS (
                INSERT INTO session_events (session_id, from_status, to_status, actor, actor_user_id, reason)
                SELECT id, \(current.status.rawValue), \(move.to.rawValue), \(actor.label), \(actor.userId), \(move.reason) FROM moved
                RETURNING occurred_at
            )
            SELECT moved.revision, moved.updated_at, moved.actual_start, moved.actual_end,
                   (extract(epoch FROM recorded.occurred_at - timestamptz '2000-01-01 00:00:00+00') * 1000000)::bigint AS occurred
            FROM moved, recorded
            """)!.makeRandomAccess()
        var after = current
        after.status = move.to
        after.revision = Int(try row.value("revision", as: Int32.self))
        after.updatedAt = try row.value("updated_at")
        after.lateCancellation = move.lateCancellation
        // As stored (to the microsecond), not as asked.
        let (start, end): (Date?, Date?) = (try row.value("actual_start"), try row.value("actual_end"))
        after.actualPeriod = start.flatMap { start in end.map { Period(start: start, end: $0) } }
        // As `Sessions.load` reads an event's time: microseconds since 2000, PostgreSQL's own resolution.
        after.events.append(SessionEvent(
            occurredAt: Date(timeInterval: Double(try row.value("occurred", as: Int64.self)) / 1_000_000, since: Sessions.postgresEpoch),
            from: current.status, to: move.to, actor: actor.label, actorUserId: actor.userId, reason: move.reason))
        return after
    }
}
