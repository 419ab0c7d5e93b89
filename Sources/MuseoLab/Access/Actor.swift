import Foundation

/// Who is acting: an authenticated user, the operator at the admin CLI, or the system
/// itself (migrations, seed). Every write carries one into the audit log.
public struct Actor: Sendable, Equatable {
    /// The user behind the request, when there is one.
    public var userId: UUID?
    public var organisationId: UUID?
    public var role: Role
    /// How the audit log names the actor: `user:ana@univ-artois.fr`, `cli:root@host`, `system:seed`.
    public var label: String
    /// What the user proved who they are with, when it bounds what they may create:
    /// a token created with a token may not outlive it.
    public var credential: Credential?

    public init(userId: UUID?, organisationId: UUID?, role: Role, label: String, credential: Credential? = nil) {
        self.userId = userId
        self.organisationId = organisationId
        self.role = role
        self.label = label
        self.credential = credential
    }

    /// The operator of the admin CLI: it has the database at hand, so it acts as an administrator.
    public static func commandLine(_ who: String) -> Actor {
        Actor(userId: nil, organisationId: nil, role: .admin, label: "cli:\(who)")
    }

    /// The service itself: migrations, seed data.
    public static func system(_ task: String) -> Actor {
        Actor(userId: nil, organisationId: nil, role: .admin, label: "system:\(task)")
    }

    /// Refuses with 403 unless the actor's role allows `permission`.
    public func require(_ permission: Permission, _ what: @autoclosure () -> String) throws {
        guard role.allows(permission) else {
            throw Problem.forbidden("a \(role.rawValue) may not \(what())")
        }
    }

    public func isUser(_ id: UUID) -> Bool { userId == id }
}

/// A credential an actor authenticated with.
public enum Credential: Sendable, Equatable {
    /// A personal API token, and when it expires (`nil`: never).
    case apiToken(id: UUID, expiresAt: Date?)
    /// A browser's session of the web pages.
    case webSession(id: UUID)
}

/// The request being served, for the audit log and the logs.
public enum RequestScope {
    @TaskLocal public static var requestId: String?
}
