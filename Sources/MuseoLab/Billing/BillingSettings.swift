import Foundation

/// Who invoices and how: the seller (LLV), its VAT number and bank details, the payment
/// terms stated on invoices, and the accounts of the sales journal. Issued documents keep
/// what they stated; a change applies to documents issued after it.
public struct BillingSettings: Sendable, Equatable, Codable {
    public var sellerOrganisationId: UUID
    public var sellerVatId: String?
    public var paymentTermsDays: Int
    /// Late-payment penalty rate, in basis points a year.
    public var latePenaltyRateBp: Int
    /// The fixed indemnity for recovery costs owed by professional buyers.
    public var recoveryIndemnityCents: Int
    public var paymentIBAN: String?
    public var paymentBIC: String?
    public var journalCode: String
    public var journalLabel: String
    public var revenueAccount: String
    public var vatCollectedAccount: String
    public var customerAccount: String
    public var updatedAt: Date
}

/// Changes to the billing settings; `nil` leaves a field as it is.
public struct BillingSettingsChanges: Sendable {
    public var sellerVatId: String?
    public var paymentTermsDays: Int?
    public var latePenaltyRateBp: Int?
    public var recoveryIndemnityCents: Int?
    public var paymentIBAN: String?
    public var paymentBIC: String?
    public var journalCode: String?
    public var journalLabel: String?
    public var revenueAccount: String?
    public var vatCollectedAccount: String?
    public var customerAccount: String?

    public init(
        sellerVatId: String? = nil, paymentTermsDays: Int? = nil, latePenaltyRateBp: Int? = nil, recoveryIndemnityCents: Int? = nil,
        paymentIBAN: String? = nil, paymentBIC: String? = nil, journalCode: String? = nil, journalLabel: String? = nil,
        revenueAccount: String? = nil, vatCollectedAccount: String? = nil, customerAccount: String? = nil
    ) {
        self.sellerVatId = sellerVatId
        self.paymentTermsDays = paymentTermsDays
        self.latePenaltyRateBp = latePenaltyRateBp
        self.recoveryIndemnityCents = recoveryIndemnityCents
        self.paymentIBAN = paymentIBAN
        self.paymentBIC = paymentBIC
        self.journalCode = journalCode
        self.journalLabel = journalLabel
        self.revenueAccount = revenueAccount
        self.vatCollectedAccount = vatCollectedAccount
        self.customerAccount = customerAccount
    }

    var isEmpty: Bool {
        [sellerVatId, paymentIBAN, paymentBIC, journalCode, journalLabel, revenueAccount, vatCollectedAccount, customerAccount]
            .allSatisfy { $0 == nil } && [paymentTermsDays, latePenaltyRateBp, recoveryIndemnityCents].allSatisfy { $0 == nil }
    }
}

extension BillingSettings {
    /// Reads and changes the settings; changing them is the accountant's.
    public struct Store: Sendable {
        let database: Database

        public init(database: Database) {
            self.database = database
        }

        public func get(by actor: Actor) async throws -> BillingSettings {
            try actor.require(.viewBilling, "see the billing settings")
            return try await database.read { try await BillingSettings.load($0) }
        }

        public func update(_ changes: BillingSettingsChanges, by actor: Actor) async throws -> BillingSettings {
            try actor.require(.manageBilling, "change the billing settings")
            guard !changes.isEmpty else { throw Problem(.invalidField, "nothing to change: give at least one field") }
            let vatId = try changes.sellerVatId.map { try Self.pattern($0, "sellerVatId", #"^[A-Z]{2}[0-9A-Z]{2,13}$"#, "a VAT number like FR28797553567") }
            if let days = changes.paymentTermsDays, !(0...60).contains(days) {
                // Article L441-10 of the Code de commerce: at most 60 days from the invoice date.
                throw Problem.invalid("paymentTermsDays", "payment terms are 0 to 60 days")
            }
            if let rate = changes.latePenaltyRateBp, !(0...10_000).contains(rate) {
                throw Problem.invalid("latePenaltyRateBp", "a rate in basis points, 0 to 10000")
            }
            if let cents = changes.recoveryIndemnityCents, cents < 0 { throw Problem.invalid("recoveryIndemnityCents", "an amount in cents, 0 or more") }
            let iban = try changes.paymentIBAN.map { try IBAN.validate($0) }
            let bic = try changes.paymentBIC.map { try Self.pattern($0, "paymentBIC", #"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$"#, "a BIC of 8 or 11 characters") }
            let journal = try changes.journalCode.map { try Self.pattern($0, "journalCode", #"^[A-Z0-9]{1,10}$"#, "1 to 10 capitals or digits") }
            let journalLabel = try Validate.optionalText(changes.journalLabel, field: "journalLabel", maxLength: 100)
            let revenue = try changes.revenueAccount.map { try Self.pattern($0, "revenueAccount", #"^7[0-9]{2,10}$"#, "a revenue account 7…") }
            let vat = try changes.vatCollectedAccount.map { try Self.pattern($0, "vatCollectedAccount", #"^4457[0-9]{0,8}$"#, "a VAT account 4457…") }
            let customers = try changes.customerAccount.map { try Self.pattern($0, "customerAccount", #"^411[0-9]{0,9}$"#, "a customer account 411…") }
            return try await database.write(as: actor, action: "billing-settings.update") { session in
                _ = try await session.run(BillingSettingsStore.Update(
                    sellerVatId: vatId, paymentTermsDays: changes.paymentTermsDays, latePenaltyRateBp: changes.latePenaltyRateBp,
                    recoveryIndemnityCents: changes.recoveryIndemnityCents, paymentIBAN: iban, paymentBIC: bic, journalCode: journal,
                    journalLabel: journalLabel, revenueAccount: revenue, vatCollectedAccount: vat, customerAccount: customers))
                return try await BillingSettings.load(session)
            }
        }

        static func pattern(_ value: String, _ field: String, _ regex: String, _ expected: String) throws -> String {
            let text = value.replacingOccurrences(of: " ", with: "").uppercased()
            guard text.range(of: regex, options: .regularExpression) != nil else {
                throw Problem.invalid(field, "\"\(value)\" is not \(expected)")
            }
            return text
        }
    }

    static func load(_ session: SQLSession) async throws -> BillingSettings {
        guard let settings = try await session.run(BillingSettingsStore.Settings()).first else {
            throw Problem.conflict("the billing settings are missing: the reference data was not loaded")
        }
        return settings
    }
}

/// International bank account numbers, checked with their ISO 13616 mod-97 key.
enum IBAN {
    static func validate(_ value: String) throws -> String {
        let text = value.replacingOccurrences(of: " ", with: "").uppercased()
        guard (15...34).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }),
            text.prefix(2).allSatisfy(\.isLetter), text.dropFirst(2).prefix(2).allSatisfy(\.isNumber)
        else { throw Problem.invalid("paymentIBAN", "\"\(value)\" is not an IBAN") }
        let rearranged = text.dropFirst(4) + text.prefix(4)
        var remainder = 0
        for character in rearranged {
            let digits = character.isNumber ? String(character) : String(Int(character.asciiValue!) - 55)
            for digit in digits { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        guard remainder == 1 else { throw Problem.invalid("paymentIBAN", "the check digits of \"\(value)\" are wrong") }
        return text
    }
}
