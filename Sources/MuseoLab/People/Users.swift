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
            try await session.run(PeopleStore.UsersListed(id: nil, filter: filter))
        }
    }

    /// A user: themself, or anyone for those who may view people. Others get 404,
    /// as if the account did not exist.
    public func get(_ id: UUID, by actor: Actor) async throws -> User {
        guard actor.isUser(id) || actor.role.allows(.viewPeople) else { throw Problem.notFound("user") }
        return try await database.read { session in
            guard let user = try await PeopleStore.user(id, session) else { throw Problem.notFound("user") }
            return user
        }
    }

    /// Finds a user by id or e-mail address: the CLI's way of naming one.
    public func find(_ reference: String, by actor: Actor) async throws -> User {
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        try actor.require(.viewPeople, "look up users")
        let email = reference.trimmingCharacters(in: .whitespaces).lowercased()
        let id = try await database.read { session in
            try await session.run(PeopleStore.UserOfEmail(email: email)).first
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
            if try await !session.run(PeopleStore.UserOfEmail(email: email)).isEmpty {
                throw Problem(.duplicate, "a user with the e-mail address \(email) already exists", field: "email")
            }
            let id = try await session.run(PeopleStore.UserAdded(
                email: email, displayName: displayName, organisationId: new.organisationId, componentId: new.componentId, role: new.role,
                organisationContact: new.organisationContact))[0]
            return try await PeopleStore.user(id, session)!
        }
    }

    public func update(_ id: UUID, _ changes: UserChanges, by actor: Actor) async throws -> User {
        try actor.require(.managePeople, "change users")
        guard changes.displayName != nil || changes.componentId != nil || changes.role != nil || changes.organisationContact != nil else {
            throw Problem(.invalidField, "nothing to change: give at least one field")
        }
        let displayName = try changes.displayName.map { try Validate.text($0, field: "displayName", maxLength: 200) }
        return try await database.write(as: actor, action: "user.update") { session in
            guard let current = try await PeopleStore.user(id, session) else { throw Problem.notFound("user") }
            if let component = changes.componentId {
                try await Self.requireOrganisation(current.organisationId, component: component, session)
            }
            if UserRules.removesAnAdministrator(current, role: changes.role) {
                try await Self.requireAnotherAdmin(than: id, session, doing: "take the administrator role from")
            }
            _ = try await session.run(PeopleStore.UserChanged(
                id: id, displayName: displayName, componentId: changes.componentId, role: changes.role,
                organisationContact: changes.organisationContact))
            return try await PeopleStore.user(id, session)!
        }
    }

    /// Disables an account: its tokens stop working at once. Nothing is deleted.
    public func disable(_ id: UUID, reason: String?, by actor: Actor) async throws -> User {
        try actor.require(.managePeople, "disable users")
        let reason = try Validate.optionalText(reason, field: "reason", maxLength: 500)
        return try await database.write(as: actor, action: "user.disable") { session in
            guard let current = try await PeopleStore.user(id, session) else { throw Problem.notFound("user") }
            guard current.isActive else { throw Problem.conflict("this user is already disabled") }
            if UserRules.removesAnAdministrator(current, disabling: true) {
                try await Self.requireAnotherAdmin(than: id, session, doing: "disable")
            }
            _ = try await session.run(PeopleStore.UserDisabled(id: id, reason: reason))
            return try await PeopleStore.user(id, session)!
        }
    }

    /// Keeps at least one active administrator, so nobody locks the service out.
    static func requireAnotherAdmin(than id: UUID, _ session: SQLSession, doing what: String) async throws {
        guard try await !session.run(PeopleStore.OtherActiveAdministrators(id: id)).isEmpty else {
            throw Problem.conflict("cannot \(what) the last active administrator")
        }
    }

    static func requireOrganisation(_ organisationId: UUID, component: UUID?, _ session: SQLSession) async throws {
        guard try await session.exists(PeopleStore.OrganisationExists(id: organisationId)) else {
            throw Problem.invalid("organisationId", "no organisation has the id \(organisationId)")
        }
        if let component {
            guard try await session.run(PeopleStore.ComponentOf(componentId: component, organisationId: organisationId)).first == true else {
                throw Problem.invalid("componentId", "the organisation has no component with the id \(component)")
            }
        }
    }
}
