import Foundation
import PostgresNIO

/// How the rooms and their layouts are read and written: one type per statement, rows decoded by
/// column name. Rooms are read with their layouts in two statements whatever their number.
enum RoomStore {
    /// Rooms (one, or all), archived ones when asked, without their layouts.
    struct Listed: Statement {
        static let sql = """
            SELECT id, code, name, archived_at FROM rooms
            WHERE ($1::uuid IS NULL OR id = $1::uuid) AND ($2::boolean OR archived_at IS NULL)
            ORDER BY created_at, code
            """
        var id: UUID?
        var includingArchived: Bool
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(includingArchived)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Room {
            Room(id: try r.value("id"), code: try r.value("code"), name: try r.value("name"), layouts: [], archivedAt: try r.value("archived_at"))
        }
    }

    /// The layouts of rooms (one's, or all), smallest capacity first.
    struct Layouts: Statement {
        static let sql = """
            SELECT room_id, id, code, label, capacity FROM room_layouts
            WHERE $1::uuid IS NULL OR room_id = $1::uuid
            ORDER BY room_id, capacity NULLS FIRST, code
            """
        var roomId: UUID?
        func makeBindings() throws -> PostgresBindings { .with(roomId) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> (roomId: UUID, layout: RoomLayout) {
            (try r.value("room_id"), RoomLayout(
                id: try r.value("id"), code: try r.value("code"), label: try r.value("label"),
                capacity: try r.value("capacity", as: Int32?.self).map(Int.init)))
        }
    }

    /// Rooms with their layouts: two statements.
    static func rooms(_ id: UUID?, includingArchived: Bool, _ session: SQLSession) async throws -> [Room] {
        var layouts: [UUID: [RoomLayout]] = [:]
        for row in try await session.run(Layouts(roomId: id)) { layouts[row.roomId, default: []].append(row.layout) }
        return try await session.run(Listed(id: id, includingArchived: includingArchived)).map { room in
            var room = room
            room.layouts = layouts[room.id] ?? []
            return room
        }
    }

    /// The room a reference names: its id, or its code in any case.
    struct Named: Statement {
        static let sql = "SELECT id FROM rooms WHERE id = $1::uuid OR code = $2::text"
        var reference: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(UUID(uuidString: reference))
            bindings.append(reference.lowercased())
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// Whether a room exists.
    struct Exists: IdExists {
        static let table = "rooms"
        var id: UUID
    }

    /// A new room; answers its id.
    struct Added: Statement {
        static let sql = "INSERT INTO rooms (code, name) VALUES ($1::text, $2::text) RETURNING id"
        var code: String, name: String
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(code)
            bindings.append(name)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A room renamed, archived or brought back (`nil` keeps each); answers its id, or nothing
    /// when there is no such room.
    struct Changed: Statement {
        static let sql = """
            UPDATE rooms SET name = coalesce($2::text, name),
                archived_at = CASE WHEN $3::boolean IS NULL THEN archived_at WHEN $3::boolean THEN coalesce(archived_at, now()) END
            WHERE id = $1::uuid RETURNING id
            """
        var id: UUID, name: String?, archived: Bool?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(name)
            bindings.append(archived)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }

    /// A layout added, or its label and capacity changed.
    struct LayoutSet: Statement {
        static let sql = """
            INSERT INTO room_layouts (room_id, code, label, capacity) VALUES ($1::uuid, $2::text, $3::text, $4::int)
            ON CONFLICT (room_id, code) DO UPDATE SET label = excluded.label, capacity = excluded.capacity
            """
        var roomId: UUID, code: String, label: String, capacity: Int?
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(roomId)
            bindings.append(code)
            bindings.append(label)
            bindings.append(capacity.map(Int32.init))
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws {}
    }

    /// The accepted bookings of a room touching a window (pending requests do not take it).
    struct Taken: Statement {
        static let sql = """
            SELECT lower(period) AS starts_at, upper(period) AS ends_at FROM room_bookings
            WHERE room_id = $1::uuid AND status = 'accepted' AND period && tstzrange($2::timestamptz, $3::timestamptz, '[)')
            """
        var roomId: UUID, window: Period
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(roomId)
            bindings.append(window.start)
            bindings.append(window.end)
            return bindings
        }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> Period { Period(start: try r.value("starts_at"), end: try r.value("ends_at")) }
    }
}
