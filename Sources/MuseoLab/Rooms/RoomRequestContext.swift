import Foundation
import PostgresNIO

/// What deciding a room request needs to know, read in one statement: the room asked for (by
/// id or code) with its layouts, the requester, whether the organisation charged exists and
/// the agreement in force for it on the day. Read one by one they were six round trips.
struct RoomRequestContext: Sendable {
    /// `nil` when no room has that id or code.
    var room: Room?
    /// `nil` when no user has the id.
    var requester: UserStanding?
    /// The organisation asked for, or the requester's.
    var organisationId: UUID?
    var organisationExists: Bool
    var agreementId: UUID?

    static func load(room reference: String, requesterId: UUID, organisationId: UUID?, on day: CalendarDate, _ session: SQLSession) async throws -> RoomRequestContext {
        try await session.run(Read(reference: reference, requesterId: requesterId, organisationId: organisationId, day: day))[0]
    }

    struct Read: Statement {
        static let sql = """
            SELECT u.organisation_id AS requester_organisation_id, u.email, u.disabled_at IS NOT NULL AS disabled,
                   c.id AS organisation_id, c.id IS NOT NULL AS organisation_exists,
                   (SELECT a.id FROM agreements a WHERE a.customer_organisation_id = c.id
                      AND a.starts_on <= $5::text::date AND a.ends_on >= $5::text::date
                    ORDER BY a.starts_on DESC LIMIT 1) AS agreement_id,
                   r.id AS room_id, r.code AS room_code, r.name AS room_name, r.archived_at AS room_archived_at,
                   (SELECT coalesce(json_agg(json_build_array(l.id, l.code, l.label, l.capacity) ORDER BY l.capacity NULLS FIRST, l.code), '[]')
                    FROM room_layouts l WHERE l.room_id = r.id)::text AS layouts
            FROM (SELECT 1) AS one
            LEFT JOIN users u ON u.id = $3::uuid
            LEFT JOIN organisations c ON c.id = coalesce($4::uuid, u.organisation_id)
            LEFT JOIN rooms r ON r.id = $1::uuid OR r.code = $2::text
            """
        var reference: String, requesterId: UUID, organisationId: UUID?, day: CalendarDate

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(UUID(uuidString: reference))
            bindings.append(reference.lowercased())
            bindings.append(requesterId)
            bindings.append(organisationId)
            bindings.append(day.description)
            return bindings
        }

        func decodeRow(_ r: PostgresRandomAccessRow) throws -> RoomRequestContext {
            let requesterOrganisation: UUID? = try r.value("requester_organisation_id")
            let (email, disabled): (String?, Bool?) = (try r.value("email"), try r.value("disabled"))
            let roomId: UUID? = try r.value("room_id")
            return RoomRequestContext(
                room: try roomId.map { id in
                    Room(
                        id: id, code: try r.value("room_code"), name: try r.value("room_name"),
                        layouts: try JSONArrays(try r.value("layouts")).map { layout in
                            RoomLayout(
                                id: try layout.uuid(0), code: try layout.string(1), label: try layout.string(2),
                                capacity: try layout.optionalInt(3).map(Int.init))
                        },
                        archivedAt: try r.value("room_archived_at"))
                },
                requester: requesterOrganisation.map { UserStanding(organisationId: $0, email: email ?? "", disabled: disabled ?? false) },
                organisationId: try r.value("organisation_id"), organisationExists: try r.value("organisation_exists"),
                agreementId: try r.value("agreement_id"))
        }
    }
}
