import Foundation
import PostgresNIO

/// How the billing settings (one row) are read and changed: one type per statement, rows decoded
/// by column name.
enum BillingSettingsStore {
    /// The billing settings (no row when the reference data was not loaded).
    struct Settings: Statement {
        static let sql = """
            SELECT seller_organisation_id, seller_vat_id, payment_terms_days, late_penalty_rate_bp, recovery_indemnity_cents, payment_iban,
                   payment_bic, journal_code, journal_label, revenue_account, vat_collected_account, customer_account, updated_at
            FROM billing_settings
            """
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> BillingSettings {
            BillingSettings(
                sellerOrganisationId: try r.value("seller_organisation_id"), sellerVatId: try r.value("seller_vat_id"),
                paymentTermsDays: Int(try r.value("payment_terms_days", as: Int32.self)),
                latePenaltyRateBp: Int(try r.value("late_penalty_rate_bp", as: Int32.self)),
                recoveryIndemnityCents: Int(try r.value("recovery_indemnity_cents", as: Int32.self)), paymentIBAN: try r.value("payment_iban"),
                paymentBIC: try r.value("payment_bic"), journalCode: try r.value("journal_code"), journalLabel: try r.value("journal_label"),
                revenueAccount: try r.value("revenue_account"), vatCollectedAccount: try r.value("vat_collected_account"),
                customerAccount: try r.value("customer_account"), updatedAt: try r.value("updated_at"))
        }
    }

    /// The billing settings changed: each field given replaces the stored one, a `NULL` leaves it as it is.
    struct Update: Statement {
        static let sql = """
            UPDATE billing_settings SET
                seller_vat_id = coalesce($1::text, seller_vat_id),
                payment_terms_days = coalesce($2::bigint, payment_terms_days),
                late_penalty_rate_bp = coalesce($3::bigint, late_penalty_rate_bp),
                recovery_indemnity_cents = coalesce($4::bigint, recovery_indemnity_cents),
                payment_iban = coalesce($5::text, payment_iban),
                payment_bic = coalesce($6::text, payment_bic),
                journal_code = coalesce($7::text, journal_code),
                journal_label = coalesce($8::text, journal_label),
                revenue_account = coalesce($9::text, revenue_account),
                vat_collected_account = coalesce($10::text, vat_collected_account),
                customer_account = coalesce($11::text, customer_account)
            """
        var sellerVatId: String?
        var paymentTermsDays: Int?, latePenaltyRateBp: Int?, recoveryIndemnityCents: Int?
        var paymentIBAN: String?, paymentBIC: String?, journalCode: String?, journalLabel: String?
        var revenueAccount: String?, vatCollectedAccount: String?, customerAccount: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(sellerVatId)
            bindings.append(paymentTermsDays.map(Int64.init))
            bindings.append(latePenaltyRateBp.map(Int64.init))
            bindings.append(recoveryIndemnityCents.map(Int64.init))
            bindings.append(paymentIBAN)
            bindings.append(paymentBIC)
            bindings.append(journalCode)
            bindings.append(journalLabel)
            bindings.append(revenueAccount)
            bindings.append(vatCollectedAccount)
            bindings.append(customerAccount)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }
}
