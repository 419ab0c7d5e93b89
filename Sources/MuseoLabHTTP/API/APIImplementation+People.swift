import Foundation
import MuseoLab
import MuseoLabAPI

extension APIImplementation {
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let actor = try actor
        guard let userId = actor.userId else { throw Problem.notFound("user") }
        return .ok(.init(body: .json(try .init(try await lab.users.get(userId, by: actor)))))
    }

    // MARK: - Organisations

    func listOrganisations(_ input: Operations.ListOrganisations.Input) async throws -> Operations.ListOrganisations.Output {
        let organisations = try await lab.organisations.list(by: try actor)
        return .ok(.init(body: .json(.init(items: try organisations.map(Components.Schemas.Organisation.init)))))
    }

    func createOrganisation(_ input: Operations.CreateOrganisation.Input) async throws -> Operations.CreateOrganisation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let organisation = try await lab.organisations.create(
            NewOrganisation(
                name: body.name, legalForm: body.legalForm, siren: body.siren, siret: body.siret,
                tariffCategory: body.tariffCategory, contactEmail: body.contactEmail, address: body.address,
                isPublicBody: body.isPublicBody ?? false, chorusServiceCode: body.chorusServiceCode, customerAccount: body.customerAccount),
            by: try actor)
        return .created(.init(headers: .init(location: "/v1/organisations/\(organisation.id.text)"), body: .json(try .init(organisation))))
    }

    func getOrganisation(_ input: Operations.GetOrganisation.Input) async throws -> Operations.GetOrganisation.Output {
        let id = input.path.organisationId.uuid
        return .ok(.init(body: .json(try .init(try await lab.organisations.get(id, by: try actor)))))
    }

    func updateOrganisation(_ input: Operations.UpdateOrganisation.Input) async throws -> Operations.UpdateOrganisation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let id = input.path.organisationId.uuid
        let organisation = try await lab.organisations.update(
            id,
            OrganisationChanges(
                name: body.name, legalForm: body.legalForm, siret: body.siret, tariffCategory: body.tariffCategory,
                contactEmail: body.contactEmail, address: body.address, isPublicBody: body.isPublicBody,
                chorusServiceCode: body.chorusServiceCode, customerAccount: body.customerAccount),
            by: try actor)
        return .ok(.init(body: .json(try .init(organisation))))
    }

    func addOrganisationComponent(_ input: Operations.AddOrganisationComponent.Input) async throws -> Operations.AddOrganisationComponent.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let id = input.path.organisationId.uuid
        let component = try await lab.organisations.addComponent(
            to: id, kind: try body.kind.bridged(), name: body.name, by: try actor)
        return .created(.init(body: .json(try .init(component))))
    }

    // MARK: - Users

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let filter = Users.Filter(
            organisationId: input.query.organisationId?.uuid,
            role: try input.query.role.map { try $0.bridged(Role.self) }, includeDisabled: input.query.includeDisabled ?? false)
        let users = try await lab.users.list(filter, by: try actor)
        return .ok(.init(body: .json(.init(items: try users.map(Components.Schemas.User.init)))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let organisationId = body.organisationId.uuid
        let user = try await lab.users.add(
            NewUser(
                email: body.email, displayName: body.displayName, organisationId: organisationId,
                componentId: body.componentId?.uuid, role: try body.role.bridged(),
                organisationContact: body.organisationContact ?? false),
            by: try actor)
        return .created(.init(headers: .init(location: "/v1/users/\(user.id.text)"), body: .json(try .init(user))))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        let id = input.path.userId.uuid
        return .ok(.init(body: .json(try .init(try await lab.users.get(id, by: try actor)))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let id = input.path.userId.uuid
        let user = try await lab.users.update(
            id,
            UserChanges(
                displayName: body.displayName, componentId: body.componentId?.uuid,
                role: body.role.map { try $0.bridged(Role.self) }, organisationContact: body.organisationContact),
            by: try actor)
        return .ok(.init(body: .json(try .init(user))))
    }

    func disableUser(_ input: Operations.DisableUser.Input) async throws -> Operations.DisableUser.Output {
        let id = input.path.userId.uuid
        var reason: String?
        if case .json(let body) = input.body { reason = body.reason }
        return .ok(.init(body: .json(try .init(try await lab.users.disable(id, reason: reason, by: try actor)))))
    }
}

extension Components.Schemas.User {
    init(_ user: User) throws {
        self.init(
            id: user.id.resourceId, email: user.email, displayName: user.displayName, organisationId: user.organisationId.resourceId,
            organisationName: user.organisationName, componentId: user.componentId?.resourceId, componentName: user.componentName,
            role: try user.role.bridged(Components.Schemas.Role.self), organisationContact: user.organisationContact,
            createdAt: user.createdAt, disabledAt: user.disabledAt, disabledReason: user.disabledReason)
    }
}

extension Components.Schemas.Component {
    init(_ component: OrganisationComponent) throws {
        self.init(
            id: component.id.resourceId, organisationId: component.organisationId.resourceId,
            kind: try component.kind.bridged(Components.Schemas.ComponentKind.self), name: component.name)
    }
}

extension Components.Schemas.Organisation {
    init(_ organisation: Organisation) throws {
        self.init(
            id: organisation.id.resourceId, name: organisation.name, legalForm: organisation.legalForm, siren: organisation.siren,
            siret: organisation.siret, tariffCategory: organisation.tariffCategory, contactEmail: organisation.contactEmail,
            address: organisation.address, isPublicBody: organisation.isPublicBody, chorusServiceCode: organisation.chorusServiceCode,
            customerAccount: organisation.customerAccount, accountingAccount: organisation.accountingAccount,
            missingForInvoicing: organisation.missingForInvoicing, components: try organisation.components.map(Components.Schemas.Component.init),
            createdAt: organisation.createdAt, archivedAt: organisation.archivedAt)
    }
}
