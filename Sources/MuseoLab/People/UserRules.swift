import Foundation

/// Rules about accounts, over loaded users.
enum UserRules {
    /// Whether a change takes an active administrator away (the role given to someone else, or
    /// the account disabled): another active administrator must then remain, so nobody locks
    /// the service out.
    static func removesAnAdministrator(_ current: User, role: Role? = nil, disabling: Bool = false) -> Bool {
        guard current.role == .admin, current.isActive else { return false }
        return disabling || (role.map { $0 != .admin } ?? false)
    }
}
