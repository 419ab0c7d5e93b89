import Foundation

/// A customer or partner of the MuséoLab: the university, LLV, a museum, a company.
public struct Organisation: Sendable, Equatable, Codable {
    public var id: UUID
    public var name: String
    public var legalForm: String?
    public var siren: String?
    public var siret: String?
    /// The tariff grid's customer category (`founder_member`, `partner`, `public_body`, ...).
    public var tariffCategory: String
    public var contactEmail: String?
    public var address: String?
    /// A public body is invoiced through Chorus Pro, which needs its SIRET and may need a service code.
    public var isPublicBody: Bool
    /// The Chorus Pro service code to put on its invoices unless a draft names another.
    public var chorusServiceCode: String?
    /// Its auxiliary account in the accounts (FEC `CompAuxNum`); derived from the id when not set.
    public var customerAccount: String?
    public var components: [OrganisationComponent]
    public var createdAt: Date
    public var archivedAt: Date?

    /// The auxiliary account its entries are exported under: its own, or one made from its id.
    public var accountingAccount: String { Self.accountingAccount(set: customerAccount, id: id) }

    /// `C` and the first eight hex digits of the id, in capitals: stable, unique enough, and a
    /// valid auxiliary account (1 to 17 capitals and digits).
    public static func accountingAccount(set: String?, id: UUID) -> String {
        set ?? "C" + id.uuidString.replacingOccurrences(of: "-", with: "").prefix(8).uppercased()
    }

    /// What the French rules and Chorus Pro need of it as a buyer that it lacks: a public body's SIRET.
    public var missingForInvoicing: [String] {
        isPublicBody && siret == nil ? ["siret"] : []
    }
}

/// A part of an organisation whose usage is reported apart: a UFR, an IUT, a laboratory.
public struct OrganisationComponent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case ufr, iut, school, laboratory, service, other
    }

    public var id: UUID
    public var organisationId: UUID
    public var kind: Kind
    public var name: String
}

/// What is needed to register an organisation.
public struct NewOrganisation: Sendable {
    public var name: String
    public var legalForm: String?
    public var siren: String?
    public var siret: String?
    public var tariffCategory: String
    public var contactEmail: String?
    public var address: String?
    public var isPublicBody: Bool
    public var chorusServiceCode: String?
    public var customerAccount: String?

    public init(
        name: String, legalForm: String? = nil, siren: String? = nil, siret: String? = nil,
        tariffCategory: String, contactEmail: String? = nil, address: String? = nil,
        isPublicBody: Bool = false, chorusServiceCode: String? = nil, customerAccount: String? = nil
    ) {
        self.name = name
        self.legalForm = legalForm
        self.siren = siren
        self.siret = siret
        self.tariffCategory = tariffCategory
        self.contactEmail = contactEmail
        self.address = address
        self.isPublicBody = isPublicBody
        self.chorusServiceCode = chorusServiceCode
        self.customerAccount = customerAccount
    }
}

/// Changes to an organisation; `nil` leaves a field as it is.
public struct OrganisationChanges: Sendable {
    public var name: String?
    public var legalForm: String?
    public var siret: String?
    public var tariffCategory: String?
    public var contactEmail: String?
    public var address: String?
    public var isPublicBody: Bool?
    public var chorusServiceCode: String?
    public var customerAccount: String?

    public init(
        name: String? = nil, legalForm: String? = nil, siret: String? = nil, tariffCategory: String? = nil,
        contactEmail: String? = nil, address: String? = nil, isPublicBody: Bool? = nil, chorusServiceCode: String? = nil,
        customerAccount: String? = nil
    ) {
        self.name = name
        self.legalForm = legalForm
        self.siret = siret
        self.tariffCategory = tariffCategory
        self.contactEmail = contactEmail
        self.address = address
        self.isPublicBody = isPublicBody
        self.chorusServiceCode = chorusServiceCode
        self.customerAccount = customerAccount
    }

    public var isEmpty: Bool {
        [name, legalForm, siret, tariffCategory, contactEmail, address, chorusServiceCode, customerAccount].allSatisfy { $0 == nil }
            && isPublicBody == nil
    }

    /// Only what invoicing it needs (its SIRET, Chorus Pro service code, auxiliary account): the
    /// accountant sets these where they are missing, without managing organisations otherwise.
    public var touchesBillingDetailsOnly: Bool {
        [name, legalForm, tariffCategory, contactEmail, address].allSatisfy { $0 == nil } && isPublicBody == nil
    }
}
