import Foundation
import PostgresNIO

/// How machine authorisations are read and written: one type per statement, rows decoded by
/// column name; every statement that answers an authorisation answers the same columns.
enum AuthorisationStore {
    static let columns = """
        id, user_id, machine_id, category, granted_on::text AS granted_on, expires_on::text AS expires_on, granted_by, note,
        revoked_at, revocation_reason
        """

    static func authorisation(_ r: PostgresRandomAccessRow) throws -> MachineAuthorisation {
        MachineAuthorisation(
            id: try r.value("id"), userId: try r.value("user_id"), machineId: try r.value("machine_id"), category: try r.value("category"),
            grantedOn: try r.date("granted_on"),
            expiresOn: try r.value("expires_on", as: String?.self).map { try CalendarDate.reading($0, column: "expires_on") },
            grantedBy: try r.value("granted_by"), note: try r.value("note"), revokedAt: try r.value("revoked_at"),
            revocationReason: try r.value("revocation_reason"))
    }

    /// Authorisations (everyone's, or one user's), in the order they were granted.
    struct Listed: Statement {
        static let sql = "SELECT \(columns) FROM machine_authorisations WHERE $1::uuid IS NULL OR user_id = $1::uuid ORDER BY created_at, id"
        var userId: UUID?
        func makeBindings() throws -> PostgresBindings { .with(userId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MachineAuthorisation { try AuthorisationStore.authorisation(r) }
    }

    /// An authorisation granted, already checked; answers it.
    struct Granted: Statement {
        static let sql = """
            INSERT INTO machine_authorisations (user_id, machine_id, category, granted_on, expires_on, granted_by, note)
            VALUES ($1::uuid, $2::uuid, $3::text, $4::text::date, $5::text::date, $6::text, $7::text)
            RETURNING \(columns)
            """
        var userId: UUID, machineId: UUID?, category: String?, grantedOn: CalendarDate, expiresOn: CalendarDate?, grantedBy: String, note: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(userId)
            bindings.append(machineId)
            bindings.append(category)
            bindings.append(grantedOn.description)
            bindings.append(expiresOn?.description)
            bindings.append(grantedBy)
            bindings.append(note)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MachineAuthorisation { try AuthorisationStore.authorisation(r) }
    }

    /// An authorisation revoked (kept, with who, when and why); answers it, or nothing when it
    /// was not in force.
    struct Revoked: Statement {
        static let sql = """
            UPDATE machine_authorisations SET revoked_at = now(), revoked_by = $2::text, revocation_reason = $3::text
            WHERE id = $1::uuid AND revoked_at IS NULL
            RETURNING \(columns)
            """
        var id: UUID, revokedBy: String, reason: String?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(revokedBy)
            bindings.append(reason)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> MachineAuthorisation { try AuthorisationStore.authorisation(r) }
    }

    /// Whether an authorisation exists, revoked or not.
    struct Exists: IdExists {
        static let table = "machine_authorisations"
        var id: UUID
    }
}
