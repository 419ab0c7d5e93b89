import Foundation

/// A person with an account: a member of an organisation, or LLV staff.
public struct User: Sendable, Equatable, Codable {
    public var id: UUID
    public var email: String
    public var displayName: String
    public var organisationId: UUID
    public var organisationName: String
    public var componentId: UUID?
    public var componentName: String?
    public var role: Role
    /// The organisation's contact person may see the organisation's usage.
    public var organisationContact: Bool
    public var createdAt: Date
    public var disabledAt: Date?
    public var disabledReason: String?

    public var isActive: Bool { disabledAt == nil }
}

public struct NewUser: Sendable {
    public var email: String
    public var displayName: String
    public var organisationId: UUID
    public var componentId: UUID?
    public var role: Role
    public var organisationContact: Bool

    public init(
        email: String, displayName: String, organisationId: UUID, componentId: UUID? = nil, role: Role,
        organisationContact: Bool = false
    ) {
        self.email = email
        self.displayName = displayName
        self.organisationId = organisationId
        self.componentId = componentId
        self.role = role
        self.organisationContact = organisationContact
    }
}

/// Changes to a user; `nil` leaves a field as it is.
public struct UserChanges: Sendable {
    public var displayName: String?
    public var componentId: UUID?
    public var role: Role?
    public var organisationContact: Bool?

    public init(displayName: String? = nil, componentId: UUID? = nil, role: Role? = nil, organisationContact: Bool? = nil) {
        self.displayName = displayName
        self.componentId = componentId
        self.role = role
        self.organisationContact = organisationContact
    }
}
