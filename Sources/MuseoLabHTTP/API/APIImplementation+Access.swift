import Foundation
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

extension APIImplementation {
    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let userId = input.path.userId.uuid
        let tokens = try await lab.tokens.list(for: userId, by: try actor)
        return .ok(.init(body: .json(.init(items: tokens.map(Components.Schemas.ApiToken.init)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let userId = input.path.userId.uuid
        let issued = try await lab.tokens.create(for: userId, label: body.label, expiresAt: body.expiresAt, by: try actor)
        return .created(.init(body: .json(.init(token: .init(issued.token), secret: issued.secret))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let tokenId = input.path.tokenId.uuid
        var reason: String?
        if case .json(let body) = input.body { reason = body.reason }
        return .ok(.init(body: .json(.init(try await lab.tokens.revoke(tokenId, reason: reason, by: try actor)))))
    }

    func listAuditEntries(_ input: Operations.ListAuditEntries.Input) async throws -> Operations.ListAuditEntries.Output {
        let filter = AuditTrail.Filter(
            entity: input.query.entity, entityId: input.query.entityId,
            actorUserId: input.query.actorUserId?.uuid, before: input.query.before,
            limit: input.query.limit ?? 100)
        let entries = try await lab.audit.list(filter, by: try actor)
        return .ok(.init(body: .json(.init(items: try entries.map(Components.Schemas.AuditEntry.init)))))
    }
}

extension Components.Schemas.ApiToken {
    init(_ token: ApiToken) {
        self.init(
            id: token.id.resourceId, userId: token.userId.resourceId, label: token.label, prefix: token.prefix, createdAt: token.createdAt,
            expiresAt: token.expiresAt, revokedAt: token.revokedAt, lastUsedAt: token.lastUsedAt,
            createdByTokenId: token.createdByTokenId?.resourceId)
    }
}

extension Components.Schemas.AuditEntry {
    init(_ entry: AuditEntry) throws {
        func object(_ json: String?) throws -> OpenAPIObjectContainer? {
            guard let json else { return nil }
            return try JSONDecoder().decode(OpenAPIObjectContainer.self, from: Data(json.utf8))
        }
        self.init(
            id: entry.id, occurredAt: entry.occurredAt, actor: entry.actor, actorUserId: entry.actorUserId?.resourceId,
            action: entry.action, requestId: entry.requestId, entity: entry.entity, entityId: entry.entityId,
            operation: try .bridging(entry.operation, from: "audit_log.operation"),
            before: try object(entry.before).map { .init(additionalProperties: $0) },
            after: try object(entry.after).map { .init(additionalProperties: $0) })
    }
}
