import Foundation
import PostgresNIO

/// The people with an account. A member sees only themself; managers see everyone
/// (they book on members' behalf); only admins change accounts.
public struct Users: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Filter: Sendable {
        public var organisationId: UUID?
        public var role: Role?
        public var includeDisabled: Bool

        public init(organisationId: UUID? = nil, role: Role? = nil, includeDisabled: Bool = false) {
            self.organisationId = organisationId
            self.role = role
            self.includeDisabled = includeDisabled
        }
    }

    public func list(_ filter: Filter = .init(), by actor: Actor) async throws -> [User] {
        try actor.require(.viewPeople, "list users")
        return try await database.read { session in
            try await Self.load(session, id: nil, filter: filter)
        }
    }

    /// A user: themself, or anyone for those who may view people. Others get 404,
    /// as if the account did not exist.
    public func get(_ id: UUID, by actor: Actor) async throws -> User {
        guard actor.isUser(id) || actor.role.allows(.viewPeople) else { throw Problem.notFound("user") }
        return try await database.read { session in
            guard let user = try await Self.load(session, id: id, filter: .init(includeDisabled: true)).first else {
                throw Problem.notFound("user")
            }
            return user
        }
    }

    /// Finds a user by id or e-mail address: the CLI's way of naming one.
    public func find(_ reference: String, by actor: Actor) async throws -> User {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        try actor.require(.viewPeople, "look up users")
        let email = reference.trimmingCharacters(in: .whitespaces).lowercased()
        let id = try await database.read { session in
            try await session.first("SELECT id FROM users WHERE lower(email) = \(email)")?.decode(UUID.self)
        }
        guard let id else { throw Problem.notFound("user \(reference)") }
        return try await get(id, by: actor)
    }

    public func add(_ new: NewUser, by actor: Actor) async throws -> User {
        try actor.require(.managePeople, "add users")
        let email = try Validate.email(new.email, field: "email")
        let displayName = try Validate.text(new.displayName, field: "displayName", maxLength: 200)
        return try await database.write(as: actor, action: "user.add") { session in
            try await Self.requireOrganisation(new.organisationId, component: new.componentId, session)
            if try await session.first("SELECT 1 FROM users WHERE lower(email) = lower(\(email))") != nil {
                throw Problem(.duplicate, "a user with the e-mail address \(email) already exists", field: "email")
            }
            let row = try await session.first(
                """
                INSERT INTO users (email, display_name, organisation_id, component_id, role, organisation_contact)
                VALUES (\(email), \(displayName), \(new.organisationId), \(new.componentId), \(new.role.rawValue), \(new.organisationContact))
                RETURNING id
                """)
            let id = try row!.decode(UUID.self)
            return try await Self.load(session, id: id, filter: .init(includeDisabled: true))[0]
        }
    }

    public func update(_ id: UUID, _ changes: UserChanges, by actor: Actor) async throws -> User {
        try actor.require(.managePeople, "change users")
        guard changes.displayName != nil || changes.componentId != nil || changes.role != nil || changes.organisationContact != nil else {
            throw Problem(.invalidField, "nothing to change: give at least one field")
        }
        let displayName = try changes.displayName.map { try Validate.text($0, field: "displayName", maxLength: 200) }
        return try await database.write(as: actor, action: "user.update") { session in
            guard let current = try await Self.load(session, id: id, filter: .init(includeDisabled: true)).first else {
                throw Problem.notFound("user")
            }
            if let component = changes.componentId {
                try await Self.requireOrganisation(current.organisationId, component: component, session)
            }
            if current.role == .admin, let role = changes.role, role != .admin, current.isActive {
                try await Self.requireAnotherAdmin(than: id, session, doing: "take the administrator role from")
            }
            try await session.execute(
                """
                UPDATE users SET
                    display_name = coalesce(\(displayName), display_name),
                    component_id = coalesce(\(changes.componentId), component_id),
                    role = coalesce(\(changes.role?.rawValue), role),
                    organisation_contact = coalesce(\(changes.organisationContact), organisation_contact)
                WHERE id = \(id)
                """)
            return try await Self.load(session, id: id, filter: .init(includeDisabled: true))[0]
        }
    }

    /// Disables an account: its tokens stop working at once. Nothing is deleted.
    public func disable(_ id: UUID, reason: String?, by actor: Actor) async throws -> User {
        try actor.require(.managePeople, "disable users")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "user.disable") { session in
            guard let current = try await Self.load(session, id: id, filter: .init(includeDisabled: true)).first else {
                throw Problem.notFound("user")
            }
            guard current.isActive else { throw Problem.conflict("this user is already disabled") }
            if current.role == .admin {
                try await Self.requireAnotherAdmin(than: id, session, doing: "disable")
            }
            try await session.execute(
                "UPDATE users SET disabled_at = now(), disabled_reason = \(reason) WHERE id = \(id)")
            return try await Self.load(session, id: id, filter: .init(includeDisabled: true))[0]
        }
    }

    // MARK: - Store

    /// Keeps at least one active administrator, so nobody locks the service out.
    static func requireAnotherAdmin(than id: UUID, _ session: SQLSession, doing what: String) async throws {
        // Lock the active admins so two concurrent removals cannot both pass.
        let others = try await session.rows(
            "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> \(id) FOR UPDATE")
        guard !others.isEmpty else {
            throw Problem.conflict("cannot \(what) the last active administrator")
        }
    }

    static func requireOrganisation(_ organisationId: UUID, component: UUID?, _ session: SQLSession) async throws {
        guard try await session.first("SELECT 1 FROM organisations WHERE id = \(organisationId)") != nil else {
            throw Problem.invalid("organisationId", "no organisation has the id \(organisationId)")
        }
        if let component {
            guard try await session.first(
                "SELECT 1 FROM organisation_components WHERE id = \(component) AND organisation_id = \(organisationId)") != nil
            else {
                throw Problem.invalid("componentId", "the organisation has no component with the id \(component)")
            }
        }
    }

    static func load(_ session: SQLSession, id: UUID?, filter: Filter) async throws -> [User] {
        let rows = try await session.rows(
            """
            SELECT u.id, u.email, u.display_name, u.organisation_id, o.name AS organisation_name,
                   u.component_id, c.name AS component_name, u.role, u.organisation_contact,
                   u.created_at, u.disabled_at, u.disabled_reason
            FROM users u
            JOIN organisations o ON o.id = u.organisation_id
            LEFT JOIN organisation_components c ON c.id = u.component_id
            WHERE (\(id)::uuid IS NULL OR u.id = \(id))
              AND (\(filter.organisationId)::uuid IS NULL OR u.organisation_id = \(filter.organisationId))
              AND (\(filter.role?.rawValue)::text IS NULL OR u.role = \(filter.role?.rawValue))
              AND (\(filter.includeDisabled) OR u.disabled_at IS NULL)
            ORDER BY lower(u.email)
            """)
        return try rows.map { row in
            let r = row.makeRandomAccess()
            return User(
                id: try r.value("id"), email: try r.value("email"), displayName: try r.value("display_name"),
                organisationId: try r.value("organisation_id"), organisationName: try r.value("organisation_name"),
                componentId: try r.value("component_id"), componentName: try r.value("component_name"),
                role: try r.value("role", as: Role.self),
                organisationContact: try r.value("organisation_contact"), createdAt: try r.value("created_at"),
                disabledAt: try r.value("disabled_at"), disabledReason: try r.value("disabled_reason"))
        }
    }
}
