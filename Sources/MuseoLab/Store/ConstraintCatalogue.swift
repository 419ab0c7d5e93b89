import PostgresNIO

/// Turns the database's refusals into `Problem`s a person can act on.
///
/// The constraints are the real guard; the domain checks first to give a friendly
/// message, and this catalogue covers the races those checks cannot see.
enum ConstraintCatalogue {
    /// Known constraints: the problem kind, the field it concerns, and what to say.
    static let known: [String: (kind: Problem.Kind, field: String?, detail: String)] = [
        "users_email_key": (.duplicate, "email", "a user with this e-mail address already exists"),
        "users_email_valid": (.invalidField, "email", "not a valid e-mail address"),
        "users_component_in_organisation": (.invalidField, "componentId", "the component does not belong to the user's organisation"),
        "organisations_name_key": (.duplicate, "name", "an organisation with this name already exists"),
        "organisations_siret_key": (.duplicate, "siret", "an organisation with this SIRET already exists"),
        "organisations_siren_valid": (.invalidField, "siren", "a SIREN is 9 digits with a valid check digit"),
        "organisations_siret_valid": (.invalidField, "siret", "a SIRET is 14 digits with a valid check digit"),
        "organisations_siret_matches_siren": (.invalidField, "siret", "the SIRET does not start with the organisation's SIREN"),
        "organisations_contact_email_valid": (.invalidField, "contactEmail", "not a valid e-mail address"),
        "organisation_components_name_key": (.duplicate, "name", "this organisation already has a component with this name"),
        "machines_inventory_number_key": (.duplicate, "inventoryNumber", "another machine of this owner has this inventory number"),
        "machines_inventory_number_normalised": (.invalidField, "inventoryNumber", "an inventory number is letters, digits, '.', '/' or '-', without leading zeros"),
        "machines_category_slug": (.invalidField, "category", "a category is lower-case words joined by '-', e.g. laser-cutter"),
        "machines_retired_not_bookable": (.conflict, "bookable", "a retired machine cannot be bookable"),
        "api_tokens_expiry_after_creation": (.invalidField, "expiresAt", "a token must expire after it is created"),
        "machine_occupations_no_overlap": (.bookingConflict, "machineIds", "a machine is already booked, or in maintenance, at that time"),
        "support_sessions_staff_no_overlap": (.bookingConflict, "staffId", "the staff member already supervises a session at that time"),
        "opening_hours_no_overlap": (.invalidField, "openingHours", "opening hours overlap on a weekday"),
        "staff_weekly_availability_no_overlap": (.invalidField, "weekly", "availability intervals overlap on a weekday"),
        "room_bookings_no_overlap": (.bookingConflict, nil, "the room is already booked at that time"),
        "room_bookings_layout_of_room": (.invalidField, "layout", "this layout is not one of the room's"),
        "calendar_feeds_one_live": (.conflict, nil, "a calendar feed was created at the same moment: retry"),
        "invoice_lines_item_once": (.conflict, nil, "an item is already on another draft or invoice (drafted at the same moment?): list the drafts"),
        "invoices_number_key": (.conflict, nil, "this invoice number is taken: numbering is continuous, retry"),
        "invoices_series_number": (.conflict, nil, "this invoice number is taken: numbering is continuous, retry"),
        "waiting_requests_once": (.duplicate, nil, "you are already waiting for this slot"),
        "tariff_versions_effective_from_key": (.conflict, "effectiveFrom", "a grid version effective from that day was loaded at the same moment: retry"),
    ]

    static func problem(for error: PSQLError) -> Problem? {
        guard let state = error.serverInfo?[.sqlState] else { return nil }
        let constraint = error.serverInfo?[.constraintName]
        let message = error.serverInfo?[.message] ?? "refused by the database"
        if let constraint, let entry = known[constraint] {
            return Problem(entry.kind, entry.detail, field: entry.field)
        }
        switch state {
        case "23505": return Problem(.duplicate, "this already exists (\(constraint ?? message))")
        case "23503": return Problem(.invalidField, "refers to something that does not exist (\(constraint ?? message))")
        case "23514", "23502": return Problem(.invalidField, "a value breaks a rule (\(constraint ?? message))")
        case "23P01": return Problem(.conflict, "overlaps something already booked (\(constraint ?? message))")
        case "22001", "22003", "22007", "22008", "22P02", "22023": return Problem(.invalidField, message)
        // Text PostgreSQL cannot store (a NUL character): the input's fault, whichever field let it through.
        case "22021", "22P05": return Problem(.invalidField, "a text contains a character that cannot be stored (\(message))")
        case "ML002", "ML003": return Problem(.conflict, message)
        case "ML004", "ML005", "ML006": return Problem(.conflict, message)
        // A token created with a token: not beyond its creator, nor by a revoked one.
        case "ML007": return Problem(.invalidField, message, field: "expiresAt")
        default: return nil
        }
    }
}
