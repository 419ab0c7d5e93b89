import Foundation
import PostgresNIO

/// The organisations the MuséoLab works with, and their components.
public struct Organisations: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(by actor: Actor) async throws -> [Organisation] {
        try actor.require(.viewOrganisations, "list organisations")
        return try await database.read { session in
            try await PeopleStore.organisations(nil, session)
        }
    }

    /// An organisation; members may see only their own.
    public func get(_ id: UUID, by actor: Actor) async throws -> Organisation {
        guard actor.role.allows(.viewOrganisations) || actor.organisationId == id else {
            throw Problem.notFound("organisation")
        }
        return try await database.read { session in
            guard let organisation = try await PeopleStore.organisations(id, session).first else {
                throw Problem.notFound("organisation")
            }
            return organisation
        }
    }

    /// Finds an organisation by id or by its exact name (case-insensitive): the CLI's way of naming one.
    public func find(_ reference: String, by actor: Actor) async throws -> Organisation {
        try actor.require(.viewOrganisations, "look up organisations")
        if let id = UUID(uuidString: reference) { return try await get(id, by: actor) }
        let all = try await list(by: actor)
        guard let match = all.first(where: { $0.name.lowercased() == reference.lowercased() }) else {
            throw Problem.notFound("organisation \"\(reference)\"")
        }
        return match
    }

    public func create(_ new: NewOrganisation, by actor: Actor) async throws -> Organisation {
        try actor.require(.manageOrganisations, "register organisations")
        let name = try Validate.text(new.name, field: "name", maxLength: 200)
        let legalForm = try Validate.optionalText(new.legalForm, field: "legalForm", maxLength: 100)
        let siret = try new.siret.map { try BusinessIdentifier.siret($0) }
        var siren = try new.siren.map { try BusinessIdentifier.siren($0) }
        if let siret {
            if let siren, !siret.hasPrefix(siren) {
                throw Problem.invalid("siret", "the SIRET \(siret) does not start with the SIREN \(siren)")
            }
            siren = String(siret.prefix(9))
        }
        let email = try new.contactEmail.map { try Validate.email($0, field: "contactEmail") }
        let address = try Validate.optionalText(new.address, field: "address", maxLength: 500)
        let serviceCode = try Validate.optionalText(new.chorusServiceCode, field: "chorusServiceCode", maxLength: 100)
        let account = try new.customerAccount.map { try Self.customerAccount($0) }
        return try await database.write(as: actor, action: "organisation.create") { session in
            try await Self.requireCategory(new.tariffCategory, session)
            let id = try await session.run(PeopleStore.OrganisationRegistered(
                name: name, legalForm: legalForm, siren: siren, siret: siret, tariffCategory: new.tariffCategory, contactEmail: email,
                address: address, isPublicBody: new.isPublicBody, chorusServiceCode: serviceCode, customerAccount: account))[0]
            return try await PeopleStore.organisations(id, session)[0]
        }
    }

    public func update(_ id: UUID, _ changes: OrganisationChanges, by actor: Actor) async throws -> Organisation {
        if !(changes.touchesBillingDetailsOnly && actor.role.allows(.manageBilling)) {
            try actor.require(.manageOrganisations, "change organisations")
        }
        guard !changes.isEmpty else { throw Problem(.invalidField, "nothing to change: give at least one field") }
        let name = try changes.name.map { try Validate.text($0, field: "name", maxLength: 200) }
        let legalForm = try changes.legalForm.map { try Validate.text($0, field: "legalForm", maxLength: 100) }
        let siret = try changes.siret.map { try BusinessIdentifier.siret($0) }
        let email = try changes.contactEmail.map { try Validate.email($0, field: "contactEmail") }
        let address = try changes.address.map { try Validate.text($0, field: "address", maxLength: 500) }
        let serviceCode = try changes.chorusServiceCode.map { try Validate.text($0, field: "chorusServiceCode", maxLength: 100) }
        let account = try changes.customerAccount.map { try Self.customerAccount($0) }
        return try await database.write(as: actor, action: "organisation.update") { session in
            if let category = changes.tariffCategory { try await Self.requireCategory(category, session) }
            // A SIRET is one of the SIREN's establishments: never a way to change the SIREN.
            if let siret, let current = try await PeopleStore.organisations(id, session).first, let siren = current.siren, !siret.hasPrefix(siren) {
                throw Problem.invalid("siret", "the SIRET \(siret) is not an establishment of \(current.name), whose SIREN is \(siren)")
            }
            let updated = try await session.run(PeopleStore.OrganisationChanged(
                id: id, name: name, legalForm: legalForm, siret: siret, tariffCategory: changes.tariffCategory, contactEmail: email,
                address: address, isPublicBody: changes.isPublicBody, chorusServiceCode: serviceCode, customerAccount: account))
            guard !updated.isEmpty else { throw Problem.notFound("organisation") }
            return try await PeopleStore.organisations(id, session)[0]
        }
    }

    public func addComponent(
        to organisationId: UUID, kind: OrganisationComponent.Kind, name: String, by actor: Actor
    ) async throws -> OrganisationComponent {
        try actor.require(.manageOrganisations, "add components to organisations")
        let name = try Validate.text(name, field: "name", maxLength: 200)
        return try await database.write(as: actor, action: "organisation.add-component") { session in
            guard try await session.exists(PeopleStore.OrganisationExists(id: organisationId)) else {
                throw Problem.notFound("organisation")
            }
            let id = try await session.run(PeopleStore.ComponentAdded(organisationId: organisationId, kind: kind, name: name))[0]
            return OrganisationComponent(id: id, organisationId: organisationId, kind: kind, name: name)
        }
    }

    /// The tariff categories organisations can be given.
    public func tariffCategories() async throws -> [(code: String, label: String)] {
        try await database.read { session in
            try await session.run(PeopleStore.TariffCategories())
        }
    }

    /// An auxiliary account number: capitals and digits, at most 17 (FEC `CompAuxNum`).
    static func customerAccount(_ text: String) throws -> String {
        let account = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard (1...17).contains(account.count), account.allSatisfy({ ($0.isASCII && $0.isNumber) || ("A"..."Z").contains($0) }) else {
            throw Problem.invalid("customerAccount", "an auxiliary account is 1 to 17 capital letters and digits, not \"\(text)\"")
        }
        return account
    }

    static func requireCategory(_ code: String, _ session: SQLSession) async throws {
        guard try await session.run(PeopleStore.TariffCategoryExists(code: code)).first == true else {
            let known = try await session.run(PeopleStore.TariffCategories()).map(\.code)
            throw Problem.invalid("tariffCategory", "unknown tariff category \"\(code)\" (known: \(known.joined(separator: ", ")))")
        }
    }
}
