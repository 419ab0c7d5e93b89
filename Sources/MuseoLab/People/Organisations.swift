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
            try await Self.load(session, where: nil)
        }
    }

    /// An organisation; members may see only their own.
    public func get(_ id: UUID, by actor: Actor) async throws -> Organisation {
        guard actor.role.allows(.viewOrganisations) || actor.organisationId == id else {
            throw Problem.notFound("organisation")
        }
        return try await database.read { session in
            guard let organisation = try await Self.load(session, where: id).first else {
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
            let row = try await session.first(
                """
                INSERT INTO organisations (name, legal_form, siren, siret, tariff_category, contact_email, address, is_public_body,
                                           chorus_service_code, customer_account)
                VALUES (\(name), \(legalForm), \(siren), \(siret), \(new.tariffCategory), \(email), \(address), \(new.isPublicBody),
                        \(serviceCode), \(account))
                RETURNING id
                """)
            let id = try row!.decode(UUID.self)
            return try await Self.load(session, where: id)[0]
        }
    }

    public func update(_ id: UUID, _ changes: OrganisationChanges, by actor: Actor) async throws -> Organisation {
        try actor.require(.manageOrganisations, "change organisations")
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
            let updated = try await session.first(
                """
                UPDATE organisations SET
                    name = coalesce(\(name), name),
                    legal_form = coalesce(\(legalForm), legal_form),
                    siret = coalesce(\(siret), siret),
                    siren = coalesce(left(\(siret), 9), siren),
                    tariff_category = coalesce(\(changes.tariffCategory), tariff_category),
                    contact_email = coalesce(\(email), contact_email),
                    address = coalesce(\(address), address),
                    is_public_body = coalesce(\(changes.isPublicBody), is_public_body),
                    chorus_service_code = coalesce(\(serviceCode), chorus_service_code),
                    customer_account = coalesce(\(account), customer_account)
                WHERE id = \(id)
                RETURNING id
                """)
            guard updated != nil else { throw Problem.notFound("organisation") }
            return try await Self.load(session, where: id)[0]
        }
    }

    public func addComponent(
        to organisationId: UUID, kind: OrganisationComponent.Kind, name: String, by actor: Actor
    ) async throws -> OrganisationComponent {
        try actor.require(.manageOrganisations, "add components to organisations")
        let name = try Validate.text(name, field: "name", maxLength: 200)
        return try await database.write(as: actor, action: "organisation.add-component") { session in
            guard try await session.first("SELECT 1 FROM organisations WHERE id = \(organisationId)") != nil else {
                throw Problem.notFound("organisation")
            }
            let row = try await session.first(
                """
                INSERT INTO organisation_components (organisation_id, kind, name)
                VALUES (\(organisationId), \(kind.rawValue), \(name))
                RETURNING id
                """)
            return OrganisationComponent(id: try row!.decode(UUID.self), organisationId: organisationId, kind: kind, name: name)
        }
    }

    /// The tariff categories organisations can be given.
    public func tariffCategories() async throws -> [(code: String, label: String)] {
        try await database.read { session in
            try await session.rows("SELECT code, label FROM tariff_categories ORDER BY code").map {
                try $0.decode((String, String).self)
            }
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

    // MARK: - Store

    static func requireCategory(_ code: String, _ session: SQLSession) async throws {
        guard try await session.first("SELECT 1 FROM tariff_categories WHERE code = \(code)") != nil else {
            let known = try await session.rows("SELECT code FROM tariff_categories ORDER BY code").map { try $0.decode(String.self) }
            throw Problem.invalid("tariffCategory", "unknown tariff category \"\(code)\" (known: \(known.joined(separator: ", ")))")
        }
    }

    static func load(_ session: SQLSession, where id: UUID?) async throws -> [Organisation] {
        let rows = try await session.rows(
            """
            SELECT id, name, legal_form, siren, siret, tariff_category, contact_email, address, created_at, archived_at,
                   is_public_body, chorus_service_code, customer_account
            FROM organisations
            WHERE \(id)::uuid IS NULL OR id = \(id)
            ORDER BY name
            """)
        let componentRows = try await session.rows(
            """
            SELECT id, organisation_id, kind, name FROM organisation_components
            WHERE archived_at IS NULL AND (\(id)::uuid IS NULL OR organisation_id = \(id))
            ORDER BY name
            """)
        var components: [UUID: [OrganisationComponent]] = [:]
        for row in componentRows {
            let r = row.makeRandomAccess()
            let component = OrganisationComponent(
                id: try r.value("id"), organisationId: try r.value("organisation_id"), kind: try r.value("kind"), name: try r.value("name"))
            components[component.organisationId, default: []].append(component)
        }
        return try rows.map { row in
            let r = row.makeRandomAccess()
            let id: UUID = try r.value("id")
            return Organisation(
                id: id, name: try r.value("name"), legalForm: try r.value("legal_form"), siren: try r.value("siren"),
                siret: try r.value("siret"), tariffCategory: try r.value("tariff_category"),
                contactEmail: try r.value("contact_email"), address: try r.value("address"),
                isPublicBody: try r.value("is_public_body"), chorusServiceCode: try r.value("chorus_service_code"),
                customerAccount: try r.value("customer_account"),
                components: components[id] ?? [], createdAt: try r.value("created_at"), archivedAt: try r.value("archived_at"))
        }
    }
}
