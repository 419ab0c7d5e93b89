import Foundation
import PostgresNIO

/// How organisations, their components and users are read and written: one type per statement,
/// rows decoded by column name. A list of organisations is read in two statements whatever its
/// length (the organisations, then all their components).
enum PeopleStore {
    // MARK: - Organisations

    /// Organisations (all, or one), without their components.
    struct OrganisationsListed: Statement {
        static let sql = """
            SELECT id, name, legal_form, siren, siret, tariff_category, contact_email, address, created_at, archived_at,
                   is_public_body, chorus_service_code, customer_account
            FROM organisations
            WHERE $1::uuid IS NULL OR id = $1::uuid
            ORDER BY name
            """
        var id: UUID?
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Organisation {
            Organisation(
                id: try r.value("id"), name: try r.value("name"), legalForm: try r.value("legal_form"), siren: try r.value("siren"),
                siret: try r.value("siret"), tariffCategory: try r.value("tariff_category"),
                contactEmail: try r.value("contact_email"), address: try r.value("address"),
                isPublicBody: try r.value("is_public_body"), chorusServiceCode: try r.value("chorus_service_code"),
                customerAccount: try r.value("customer_account"),
                components: [], createdAt: try r.value("created_at"), archivedAt: try r.value("archived_at"))
        }
    }

    /// The current components of organisations (all, or one's).
    struct Components: Statement {
        static let sql = """
            SELECT id, organisation_id, kind, name FROM organisation_components
            WHERE archived_at IS NULL AND ($1::uuid IS NULL OR organisation_id = $1::uuid)
            ORDER BY name
            """
        var organisationId: UUID?
        func makeBindings() throws -> PostgresBindings { .with(organisationId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> OrganisationComponent {
            OrganisationComponent(
                id: try r.value("id"), organisationId: try r.value("organisation_id"), kind: try r.value("kind"), name: try r.value("name"))
        }
    }

    /// Organisations with their components: two statements.
    static func organisations(_ id: UUID?, _ session: SQLSession) async throws -> [Organisation] {
        let components = Dictionary(grouping: try await session.run(Components(organisationId: id)), by: \.organisationId)
        return try await session.run(OrganisationsListed(id: id)).map { organisation in
            var organisation = organisation
            organisation.components = components[organisation.id] ?? []
            return organisation
        }
    }

    /// A new organisation, already checked; answers its id.
    struct OrganisationRegistered: Statement {
        static let sql = """
            INSERT INTO organisations (name, legal_form, siren, siret, tariff_category, contact_email, address, is_public_body,
                                       chorus_service_code, customer_account)
            VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::boolean, $9::text, $10::text)
            RETURNING id
            """
        var name: String, legalForm: String?, siren: String?, siret: String?, tariffCategory: String, contactEmail: String?
        var address: String?, isPublicBody: Bool, chorusServiceCode: String?, customerAccount: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(name)
            bindings.append(legalForm)
            bindings.append(siren)
            bindings.append(siret)
            bindings.append(tariffCategory)
            bindings.append(contactEmail)
            bindings.append(address)
            bindings.append(isPublicBody)
            bindings.append(chorusServiceCode)
            bindings.append(customerAccount)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Changes to an organisation, already checked (`nil` keeps a field; a SIRET sets the SIREN);
    /// answers its id, or nothing when there is no such organisation.
    struct OrganisationChanged: Statement {
        static let sql = """
            UPDATE organisations SET
                name = coalesce($2::text, name),
                legal_form = coalesce($3::text, legal_form),
                siret = coalesce($4::text, siret),
                siren = coalesce(left($4::text, 9), siren),
                tariff_category = coalesce($5::text, tariff_category),
                contact_email = coalesce($6::text, contact_email),
                address = coalesce($7::text, address),
                is_public_body = coalesce($8::boolean, is_public_body),
                chorus_service_code = coalesce($9::text, chorus_service_code),
                customer_account = coalesce($10::text, customer_account)
            WHERE id = $1::uuid
            RETURNING id
            """
        var id: UUID, name: String?, legalForm: String?, siret: String?, tariffCategory: String?, contactEmail: String?
        var address: String?, isPublicBody: Bool?, chorusServiceCode: String?, customerAccount: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(name)
            bindings.append(legalForm)
            bindings.append(siret)
            bindings.append(tariffCategory)
            bindings.append(contactEmail)
            bindings.append(address)
            bindings.append(isPublicBody)
            bindings.append(chorusServiceCode)
            bindings.append(customerAccount)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Whether an organisation exists.
    struct OrganisationExists: IdExists {
        static let table = "organisations"
        var id: UUID
    }

    /// Whether a user exists, disabled or not.
    struct UserExists: IdExists {
        static let table = "users"
        var id: UUID
    }

    /// A user's standing when something is booked for them: their organisation, e-mail, and whether they are disabled.
    struct Standing: Statement {
        static let sql = "SELECT organisation_id, email, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1::uuid"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UserStanding {
            UserStanding(organisationId: try r.value("organisation_id"), email: try r.value("email"), disabled: try r.value("disabled"))
        }
    }

    /// A new component of an organisation; answers its id.
    struct ComponentAdded: Statement {
        static let sql = """
            INSERT INTO organisation_components (organisation_id, kind, name) VALUES ($1::uuid, $2::text, $3::text) RETURNING id
            """
        var organisationId: UUID, kind: OrganisationComponent.Kind, name: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(organisationId)
            bindings.append(kind.rawValue)
            bindings.append(name)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Whether a component belongs to an organisation.
    struct ComponentOf: Statement {
        static let sql = "SELECT true AS found FROM organisation_components WHERE id = $1::uuid AND organisation_id = $2::uuid"
        var componentId: UUID, organisationId: UUID
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(componentId)
            bindings.append(organisationId)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("found") }
    }

    /// The tariff categories organisations can be given.
    struct TariffCategories: Statement {
        static let sql = "SELECT code, label FROM tariff_categories ORDER BY code"
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (code: String, label: String) { (try r.value("code"), try r.value("label")) }
    }

    /// Whether a tariff category exists.
    struct TariffCategoryExists: Statement {
        static let sql = "SELECT true AS found FROM tariff_categories WHERE code = $1::text"
        var code: String
        func makeBindings() throws -> PostgresBindings { .with(code) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Bool { try r.value("found") }
    }

    // MARK: - Users

    /// Users (one, or those a filter keeps), with their organisation's and component's names.
    struct UsersListed: Statement {
        static let sql = """
            SELECT u.id, u.email, u.display_name, u.organisation_id, o.name AS organisation_name,
                   u.component_id, c.name AS component_name, u.role, u.organisation_contact,
                   u.created_at, u.disabled_at, u.disabled_reason
            FROM users u
            JOIN organisations o ON o.id = u.organisation_id
            LEFT JOIN organisation_components c ON c.id = u.component_id
            WHERE ($1::uuid IS NULL OR u.id = $1::uuid)
              AND ($2::uuid IS NULL OR u.organisation_id = $2::uuid)
              AND ($3::text IS NULL OR u.role = $3::text)
              AND ($4::boolean OR u.disabled_at IS NULL)
            ORDER BY lower(u.email)
            """
        var id: UUID?
        var filter: Users.Filter
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(filter.organisationId)
            bindings.append(filter.role?.rawValue)
            bindings.append(filter.includeDisabled)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> User {
            User(
                id: try r.value("id"), email: try r.value("email"), displayName: try r.value("display_name"),
                organisationId: try r.value("organisation_id"), organisationName: try r.value("organisation_name"),
                componentId: try r.value("component_id"), componentName: try r.value("component_name"),
                role: try r.value("role", as: Role.self),
                organisationContact: try r.value("organisation_contact"), createdAt: try r.value("created_at"),
                disabledAt: try r.value("disabled_at"), disabledReason: try r.value("disabled_reason"))
        }
    }

    /// One user, disabled or not.
    static func user(_ id: UUID, _ session: SQLSession) async throws -> User? {
        try await session.run(UsersListed(id: id, filter: .init(includeDisabled: true))).first
    }

    /// The user of an e-mail address, in any case.
    struct UserOfEmail: Statement {
        static let sql = "SELECT id FROM users WHERE lower(email) = lower($1::text)"
        var email: String
        func makeBindings() throws -> PostgresBindings { .with(email) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A new user, already checked; answers their id.
    struct UserAdded: Statement {
        static let sql = """
            INSERT INTO users (email, display_name, organisation_id, component_id, role, organisation_contact)
            VALUES ($1::text, $2::text, $3::uuid, $4::uuid, $5::text, $6::boolean)
            RETURNING id
            """
        var email: String, displayName: String, organisationId: UUID, componentId: UUID?, role: Role, organisationContact: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(email)
            bindings.append(displayName)
            bindings.append(organisationId)
            bindings.append(componentId)
            bindings.append(role.rawValue)
            bindings.append(organisationContact)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Changes to a user, already checked (`nil` keeps a field).
    struct UserChanged: Statement {
        static let sql = """
            UPDATE users SET
                display_name = coalesce($2::text, display_name),
                component_id = coalesce($3::uuid, component_id),
                role = coalesce($4::text, role),
                organisation_contact = coalesce($5::boolean, organisation_contact)
            WHERE id = $1::uuid
            RETURNING id
            """
        var id: UUID, displayName: String?, componentId: UUID?, role: Role?, organisationContact: Bool?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(displayName)
            bindings.append(componentId)
            bindings.append(role?.rawValue)
            bindings.append(organisationContact)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A user disabled, saying why; nothing is deleted.
    struct UserDisabled: Statement {
        static let sql = "UPDATE users SET disabled_at = now(), disabled_reason = $2::text WHERE id = $1::uuid RETURNING id"
        var id: UUID, reason: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The active administrators other than one, locked so that two concurrent removals cannot
    /// both find the other still there.
    struct OtherActiveAdministrators: Statement {
        static let sql = "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1::uuid ORDER BY id FOR UPDATE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
