import Foundation
import Testing
@testable import MuseoLab

/// The last-administrator rule over loaded users, without a database.
@Suite struct UserRulesTests {
    static func user(_ role: Role, disabled: Bool = false) -> User {
        User(
            id: UUID(), email: "\(role.rawValue)@museolab.test", displayName: role.rawValue, organisationId: UUID(),
            organisationName: "LLV", componentId: nil, componentName: nil, role: role, organisationContact: false,
            createdAt: Date(timeIntervalSince1970: 1_796_115_600), disabledAt: disabled ? Date(timeIntervalSince1970: 1_796_115_600) : nil,
            disabledReason: nil)
    }

    @Test func takingTheRoleOrTheAccountOfAnActiveAdministratorRemovesOne() {
        let admin = Self.user(.admin)
        for role in Role.allCases where role != .admin {
            #expect(UserRules.removesAnAdministrator(admin, role: role))
        }
        #expect(UserRules.removesAnAdministrator(admin, disabling: true))
    }

    @Test func otherChangesRemoveNone() {
        let admin = Self.user(.admin)
        #expect(!UserRules.removesAnAdministrator(admin, role: .admin))
        #expect(!UserRules.removesAnAdministrator(admin))
        // A disabled administrator is no longer one who keeps the service open.
        #expect(!UserRules.removesAnAdministrator(Self.user(.admin, disabled: true), role: .member))
        for role in Role.allCases where role != .admin {
            #expect(!UserRules.removesAnAdministrator(Self.user(role), role: .member))
            #expect(!UserRules.removesAnAdministrator(Self.user(role), disabling: true))
        }
    }
}
