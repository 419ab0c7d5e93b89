import Foundation
import PostgresNIO

/// How agreements and their amendments are read and written: one type per statement, rows decoded
/// by column name. Agreements are read with their terms and room allowances in three statements
/// whatever their number.
enum AgreementStore {
    /// Agreements (some, or all when `ids` is nil) in the order they start, without their terms.
    struct Agreements: Statement {
        static let sql = """
            SELECT id, reference, title, customer_organisation_id, provider_organisation_id, starts_on::text AS starts_on,
                   ends_on::text AS ends_on, contact_email, late_cancellations_count, no_shows_count, alert_thresholds
            FROM agreements WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[])
            ORDER BY starts_on, reference
            """
        var ids: [UUID]?
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Agreement {
            Agreement(
                id: try r.value("id"), reference: try r.value("reference"), title: try r.value("title"),
                customerOrganisationId: try r.value("customer_organisation_id"), providerOrganisationId: try r.value("provider_organisation_id"),
                startsOn: try r.date("starts_on"), endsOn: try r.date("ends_on"), contactEmail: try r.value("contact_email"),
                lateCancellationsCount: try r.value("late_cancellations_count"), noShowsCount: try r.value("no_shows_count"),
                alertThresholds: try r.value("alert_thresholds", as: [Int16].self).map(Int.init), terms: [])
        }
    }

    /// The terms of agreements, by effective date, without their room allowances.
    struct Terms: Statement {
        static let sql = """
            SELECT id, agreement_id, effective_from::text AS effective_from, label, support_quota_hours FROM agreement_terms
            WHERE $1::uuid[] IS NULL OR agreement_id = ANY($1::uuid[])
            ORDER BY effective_from
            """
        var agreementIds: [UUID]?
        func makeBindings() throws -> PostgresBindings { .with(agreementIds) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (agreementId: UUID, terms: Agreement.Terms) {
            (try r.value("agreement_id"), Agreement.Terms(
                id: try r.value("id"), effectiveFrom: try r.date("effective_from"), label: try r.value("label"),
                supportQuotaHours: Int(try r.value("support_quota_hours", as: Int32.self)), roomAllowances: [:]))
        }
    }

    /// The free bookings a year each terms give, by room code.
    struct Allowances: Statement {
        static let sql = """
            SELECT a.terms_id, r.code, a.free_bookings_per_year FROM agreement_room_allowances a
            JOIN agreement_terms t ON t.id = a.terms_id JOIN rooms r ON r.id = a.room_id
            WHERE $1::uuid[] IS NULL OR t.agreement_id = ANY($1::uuid[])
            """
        var agreementIds: [UUID]?
        func makeBindings() throws -> PostgresBindings { .with(agreementIds) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (termsId: UUID, room: String, count: Int) {
            (try r.value("terms_id"), try r.value("code"), Int(try r.value("free_bookings_per_year", as: Int32.self)))
        }
    }

    /// Agreements with their terms and allowances (some, or all when `ids` is nil): three statements.
    static func agreements(_ ids: [UUID]?, _ session: SQLSession) async throws -> [Agreement] {
        var allowances: [UUID: [String: Int]] = [:]
        for row in try await session.run(Allowances(agreementIds: ids)) { allowances[row.termsId, default: [:]][row.room] = row.count }
        var terms: [UUID: [Agreement.Terms]] = [:]
        for row in try await session.run(Terms(agreementIds: ids)) {
            var entry = row.terms
            entry.roomAllowances = allowances[entry.id] ?? [:]
            terms[row.agreementId, default: []].append(entry)
        }
        return try await session.run(Agreements(ids: ids)).map { agreement in
            var agreement = agreement
            agreement.terms = terms[agreement.id] ?? []
            return agreement
        }
    }

    /// Whether an agreement exists.
    struct AgreementExists: IdExists {
        static let table = "agreements"
        var id: UUID
    }

    /// The agreement charged for an organisation on a day: the one of which it is the customer, in force then.
    struct InForce: Statement {
        static let sql = """
            SELECT id FROM agreements WHERE customer_organisation_id = $1::uuid
              AND starts_on <= $2::text::date AND ends_on >= $2::text::date
            ORDER BY starts_on DESC LIMIT 1
            """
        var organisationId: UUID, date: CalendarDate
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(organisationId)
            bindings.append(date.description)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The agreements whose customer a user is the active contact person of.
    struct ContactOf: Statement {
        static let sql = """
            SELECT a.id FROM agreements a JOIN users u ON u.organisation_id = a.customer_organisation_id
            WHERE u.id = $1::uuid AND u.organisation_contact AND u.disabled_at IS NULL
            """
        var userId: UUID
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// An agreement's dates, locked while it is amended.
    struct Locked: Statement {
        static let sql = "SELECT starts_on::text AS starts_on, ends_on::text AS ends_on FROM agreements WHERE id = $1::uuid FOR UPDATE"
        var id: UUID
        func makeBindings() throws -> PostgresBindings { .with(id) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (startsOn: CalendarDate, endsOn: CalendarDate) {
            (try r.date("starts_on"), try r.date("ends_on"))
        }
    }

    /// The rooms among some codes.
    struct RoomsCoded: Statement {
        static let sql = "SELECT code FROM rooms WHERE code = ANY($1::text[])"
        var codes: [String]
        func makeBindings() throws -> PostgresBindings { .with(codes) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> String { try r.value("code") }
    }

    /// New terms (an amendment); answers their id.
    struct TermsAdded: Statement {
        static let sql = """
            INSERT INTO agreement_terms (agreement_id, effective_from, label, support_quota_hours)
            VALUES ($1::uuid, $2::text::date, $3::text, $4::int) RETURNING id
            """
        var agreementId: UUID, effectiveFrom: CalendarDate, label: String, supportQuotaHours: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(agreementId)
            bindings.append(effectiveFrom.description)
            bindings.append(label)
            bindings.append(Int32(supportQuotaHours))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// The room allowances of new terms, in one statement.
    struct AllowancesAdded: Statement {
        static let sql = """
            INSERT INTO agreement_room_allowances (terms_id, room_id, free_bookings_per_year)
            SELECT $1::uuid, r.id, a.count FROM jsonb_to_recordset($2::jsonb) AS a(room text, count integer) JOIN rooms r ON r.code = a.room
            """
        struct Allowance: Encodable { var room: String, count: Int }
        var termsId: UUID, allowances: [String: Int]
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(termsId)
            let rows = allowances.sorted { $0.key < $1.key }.map { Allowance(room: $0.key, count: $0.value) }
            try bindings.appendJSON(rows)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The cancellation policy and the alert thresholds changed (`nil` keeps each); answers the
    /// agreement's id, or nothing when there is no such agreement.
    struct PolicyChanged: Statement {
        static let sql = """
            UPDATE agreements SET
                late_cancellations_count = coalesce($2::boolean, late_cancellations_count),
                no_shows_count = coalesce($3::boolean, no_shows_count),
                alert_thresholds = coalesce($4::smallint[], alert_thresholds)
            WHERE id = $1::uuid RETURNING id
            """
        var id: UUID, lateCancellationsCount: Bool?, noShowsCount: Bool?, alertThresholds: [Int]?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(lateCancellationsCount)
            bindings.append(noShowsCount)
            bindings.append(alertThresholds?.sorted().map(Int16.init))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
