import Foundation
import PostgresNIO

/// Reads the audit log, which the database writes and nobody can change. Admins only.
public struct AuditTrail: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Filter: Sendable {
        public var entity: String?
        public var entityId: String?
        public var actorUserId: UUID?
        public var since: Date?
        /// Entries older than this id (paging backwards).
        public var before: Int64?
        public var limit: Int

        public init(entity: String? = nil, entityId: String? = nil, actorUserId: UUID? = nil, since: Date? = nil, before: Int64? = nil, limit: Int = 100) {
            self.entity = entity
            self.entityId = entityId
            self.actorUserId = actorUserId
            self.since = since
            self.before = before
            self.limit = limit
        }
    }

    /// The newest entries first.
    public func list(_ filter: Filter = .init(), by actor: Actor) async throws -> [AuditEntry] {
        try actor.require(.viewAudit, "read the audit log")
        guard (1...1000).contains(filter.limit) else { throw Problem.invalid("limit", "must be between 1 and 1000") }
        var filter = filter
        filter.entity = try Validate.optionalText(filter.entity, field: "entity", maxLength: 100)
        filter.entityId = try Validate.optionalText(filter.entityId, field: "entityId", maxLength: 200)
        return try await database.read { session in
            try await session.run(AuditStore.Entries(
                entity: filter.entity, entityId: filter.entityId, actorUserId: filter.actorUserId, since: filter.since, before: filter.before,
                limit: filter.limit))
        }
    }
}
