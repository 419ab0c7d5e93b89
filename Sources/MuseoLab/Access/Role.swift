/// What a person does at the MuséoLab, which decides what they may do here.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// A registered user (a student, a researcher) belonging to an organisation.
    case member
    /// LLV fablab staff: runs the calendar and the inventory, supervises sessions, sees alerts.
    case manager
    /// LLV accounting: tariffs, invoices, exports.
    case accountant
    /// Everything, including people and their tokens.
    case admin
}

/// Something a role may be allowed to do.
public enum Permission: Sendable, CaseIterable {
    case viewInventory
    case manageInventory
    case viewOrganisations
    case manageOrganisations
    case viewPeople
    case managePeople
    case manageOthersTokens
    case viewAudit
    case manageCalendar
    /// Confirm, complete, record no-shows, book on a member's behalf, cancel anyone's session.
    case superviseSessions
    case viewAllSessions
    case manageAuthorisations
    /// Quota status, ledger, reports, alerts: LLV staff and the accountant.
    case viewQuota
    /// Adjust the ledger, acknowledge alerts, decide on overage, amend agreements.
    case manageQuota
    /// Configure rooms; accept, refuse and see every room booking.
    case manageRooms
    /// Tariffs, invoices, credit notes, accounting exports.
    case manageBilling
    /// See invoices and the grid; enter consumables.
    case viewBilling

    /// The roles holding this permission (admins hold all of them).
    var roles: Set<Role> {
        switch self {
        case .viewInventory: [.member, .manager, .accountant, .admin]
        case .manageInventory: [.manager, .admin]
        case .viewOrganisations: [.manager, .accountant, .admin]
        case .manageOrganisations: [.admin]
        case .viewPeople: [.manager, .admin]
        case .managePeople: [.admin]
        case .manageOthersTokens: [.admin]
        case .viewAudit: [.admin]
        case .manageCalendar: [.manager, .admin]
        case .superviseSessions: [.manager, .admin]
        case .viewAllSessions: [.manager, .accountant, .admin]
        case .manageAuthorisations: [.manager, .admin]
        case .viewQuota: [.manager, .accountant, .admin]
        case .manageQuota: [.manager, .admin]
        case .manageRooms: [.manager, .admin]
        case .manageBilling: [.accountant, .admin]
        case .viewBilling: [.manager, .accountant, .admin]
        }
    }
}

extension Role {
    public func allows(_ permission: Permission) -> Bool {
        permission.roles.contains(self)
    }
}
