import Foundation

/// An asset in the inventory: a machine or computer the university lends (annex 1),
/// or one added later (article 5-2). It is never deleted: it leaves by being retired.
public struct Machine: Sendable, Equatable, Codable {
    public var id: UUID
    /// The kind of asset, in French as the annex writes it (`Découpeuse laser`).
    public var nature: String
    public var model: String?
    public var serialNumber: String?
    /// The university's inventory number, the asset's identity (leading zeros dropped).
    public var inventoryNumber: String?
    public var ownerOrganisationId: UUID
    public var ownerName: String
    public var category: String?
    public var status: MachineStatus
    public var bookable: Bool
    /// Whether a user needs an authorisation (training) to use it.
    public var requiresAuthorisation: Bool
    /// The annex (by year) that lists it.
    public var annexYear: Int?
    /// For an asset with neither serial nor inventory number, which occurrence of its
    /// nature and model it is (the speakers of `Enceinte … *3` are 1, 2, 3); else 1.
    public var unitIndex: Int
    public var acquiredOn: CalendarDate?
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var retiredAt: Date?
}

public enum MachineStatus: String, Sendable, Codable, CaseIterable {
    case inService = "in_service"
    case maintenance
    case retired
}

/// A machine to add to the inventory (an asset acquired later, article 5-2).
public struct NewMachine: Sendable {
    public var nature: String
    public var model: String?
    public var serialNumber: String?
    public var inventoryNumber: String?
    /// Defaults to the organisation lending the equipment under the current agreement.
    public var ownerOrganisationId: UUID?
    public var category: String?
    public var bookable: Bool
    public var requiresAuthorisation: Bool
    /// The annex the asset is added to; defaults to the acquisition year, else the current year.
    public var annexYear: Int?
    public var acquiredOn: CalendarDate?
    public var notes: String?

    public init(
        nature: String, model: String? = nil, serialNumber: String? = nil, inventoryNumber: String? = nil,
        ownerOrganisationId: UUID? = nil, category: String? = nil, bookable: Bool = false,
        requiresAuthorisation: Bool = false, annexYear: Int? = nil, acquiredOn: CalendarDate? = nil, notes: String? = nil
    ) {
        self.nature = nature
        self.model = model
        self.serialNumber = serialNumber
        self.inventoryNumber = inventoryNumber
        self.ownerOrganisationId = ownerOrganisationId
        self.category = category
        self.bookable = bookable
        self.requiresAuthorisation = requiresAuthorisation
        self.annexYear = annexYear
        self.acquiredOn = acquiredOn
        self.notes = notes
    }
}

/// Changes to a machine; `nil` leaves a field as it is.
public struct MachineChanges: Sendable {
    public var nature: String?
    public var model: String?
    public var serialNumber: String?
    public var inventoryNumber: String?
    public var category: String?
    public var status: MachineStatus?
    public var bookable: Bool?
    public var requiresAuthorisation: Bool?
    public var acquiredOn: CalendarDate?
    public var notes: String?

    public init(
        nature: String? = nil, model: String? = nil, serialNumber: String? = nil, inventoryNumber: String? = nil,
        category: String? = nil, status: MachineStatus? = nil, bookable: Bool? = nil,
        requiresAuthorisation: Bool? = nil, acquiredOn: CalendarDate? = nil, notes: String? = nil
    ) {
        self.nature = nature
        self.model = model
        self.serialNumber = serialNumber
        self.inventoryNumber = inventoryNumber
        self.category = category
        self.status = status
        self.bookable = bookable
        self.requiresAuthorisation = requiresAuthorisation
        self.acquiredOn = acquiredOn
        self.notes = notes
    }

    public var isEmpty: Bool {
        nature == nil && model == nil && serialNumber == nil && inventoryNumber == nil && category == nil
            && status == nil && bookable == nil && requiresAuthorisation == nil && acquiredOn == nil && notes == nil
    }
}

/// Filters for listing the inventory.
public struct MachineFilter: Sendable {
    public var status: MachineStatus?
    public var category: String?
    public var bookable: Bool?

    public init(status: MachineStatus? = nil, category: String? = nil, bookable: Bool? = nil) {
        self.status = status
        self.category = category
        self.bookable = bookable
    }
}
