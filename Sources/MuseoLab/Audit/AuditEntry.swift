import Foundation

/// One write, as the audit trigger recorded it: who, when, what, before and after.
public struct AuditEntry: Sendable, Codable {
    public var id: Int64
    public var occurredAt: Date
    /// `user:ana@univ-artois.fr`, `cli:root@host`, `system:seed`.
    public var actor: String
    public var actorUserId: UUID?
    /// The domain action (`machine.update`, `inventory.import`).
    public var action: String?
    public var requestId: String?
    /// The table written, and the row's id.
    public var entity: String
    public var entityId: String
    public var operation: String
    /// The row before and after, as JSON text (`nil` for an insert's before).
    public var before: String?
    public var after: String?
}
