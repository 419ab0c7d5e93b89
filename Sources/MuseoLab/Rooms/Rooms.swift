import Foundation
import PostgresNIO

/// The rooms, their layouts and capacities (configurable), and when they are free.
public struct Rooms: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(includingArchived: Bool = false) async throws -> [Room] {
        try await database.read { session in
            try await Self.load(session, includingArchived: includingArchived)
        }
    }

    /// A room by id or code.
    public func find(_ reference: String) async throws -> Room {
        try await database.read { session in
            guard let room = try await Self.find(reference, session) else { throw Problem.notFound("room \(reference)") }
            return room
        }
    }

    public func add(code: String, name: String, layouts: [(code: String, label: String, capacity: Int?)], by actor: Actor) async throws -> Room {
        try actor.require(.manageRooms, "add rooms")
        let code = try Validate.slug(code, field: "code")
        let name = try Validate.text(name, field: "name", maxLength: 100)
        guard !layouts.isEmpty else { throw Problem.invalid("layouts", "a room has at least one layout") }
        return try await database.write(as: actor, action: "room.add") { session in
            if try await session.first("SELECT 1 FROM rooms WHERE code = \(code)") != nil {
                throw Problem(.duplicate, "a room already has the code \(code)", field: "code")
            }
            let id = try await session.first("INSERT INTO rooms (code, name) VALUES (\(code), \(name)) RETURNING id")!.decode(UUID.self)
            for (index, layout) in layouts.enumerated() {
                try await Self.upsertLayout(id, code: layout.code, label: layout.label, capacity: layout.capacity, field: "layouts[\(index)]", session)
            }
            return try await Self.find(id.uuidString, session)!
        }
    }

    public func update(_ id: UUID, name: String?, archived: Bool?, by actor: Actor) async throws -> Room {
        try actor.require(.manageRooms, "change rooms")
        let name = try name.map { try Validate.text($0, field: "name", maxLength: 100) }
        return try await database.write(as: actor, action: "room.update") { session in
            guard try await session.first(
                """
                UPDATE rooms SET name = coalesce(\(name), name),
                    archived_at = CASE WHEN \(archived)::boolean IS NULL THEN archived_at WHEN \(archived ?? false) THEN coalesce(archived_at, now()) END
                WHERE id = \(id) RETURNING id
                """) != nil
            else { throw Problem.notFound("room") }
            return try await Self.find(id.uuidString, session)!
        }
    }

    /// Adds a layout, or changes its label and capacity.
    public func setLayout(_ roomId: UUID, code: String, label: String, capacity: Int?, by actor: Actor) async throws -> Room {
        try actor.require(.manageRooms, "change room layouts")
        return try await database.write(as: actor, action: "room.layout") { session in
            guard try await session.first("SELECT 1 FROM rooms WHERE id = \(roomId)") != nil else { throw Problem.notFound("room") }
            try await Self.upsertLayout(roomId, code: code, label: label, capacity: capacity, field: "layout", session)
            return try await Self.find(roomId.uuidString, session)!
        }
    }

    /// When a room is free in a window: not taken by an accepted booking (pending requests do not block).
    public func availability(_ roomId: UUID, within window: Period) async throws -> [Period] {
        guard window.end > window.start else { throw Problem(.endNotAfterStart, "`to` must be after `from`", field: "to") }
        guard window.duration <= 366 * 86_400 else { throw Problem.invalid("to", "ask for at most a year at once") }
        return try await database.read { session in
            guard try await session.first("SELECT 1 FROM rooms WHERE id = \(roomId)") != nil else { throw Problem.notFound("room") }
            let taken = try await session.rows(
                """
                SELECT lower(period), upper(period) FROM room_bookings
                WHERE room_id = \(roomId) AND status = 'accepted' AND period && tstzrange(\(window.start), \(window.end), '[)')
                """
            ).map { row -> Period in
                let (start, end) = try row.decode((Date, Date).self)
                return Period(start: start, end: end)
            }
            return PeriodSet([window]).subtracting(taken).periods
        }
    }

    // MARK: - Store

    static func upsertLayout(_ roomId: UUID, code: String, label: String, capacity: Int?, field: String, _ session: SQLSession) async throws {
        let code = try Validate.slug(code, field: "\(field).code")
        let label = try Validate.text(label, field: "\(field).label", maxLength: 100)
        if let capacity, !(1...10_000).contains(capacity) {
            throw Problem.invalid("\(field).capacity", "a capacity is between 1 and 10000 people")
        }
        try await session.execute(
            """
            INSERT INTO room_layouts (room_id, code, label, capacity) VALUES (\(roomId), \(code), \(label), \(capacity))
            ON CONFLICT (room_id, code) DO UPDATE SET label = excluded.label, capacity = excluded.capacity
            """)
    }

    static func find(_ reference: String, _ session: SQLSession) async throws -> Room? {
        let id = UUID(uuidString: reference)
        let code = reference.lowercased()
        guard let row = try await session.first("SELECT id FROM rooms WHERE id = \(id) OR code = \(code)") else { return nil }
        let roomId = try row.decode(UUID.self)
        return try await load(session, includingArchived: true).first { $0.id == roomId }
    }

    static func load(_ session: SQLSession, includingArchived: Bool) async throws -> [Room] {
        var layouts: [UUID: [RoomLayout]] = [:]
        for row in try await session.rows("SELECT room_id, id, code, label, capacity FROM room_layouts ORDER BY room_id, capacity NULLS FIRST, code") {
            let (roomId, id, code, label, capacity) = try row.decode((UUID, UUID, String, String, Int32?).self)
            layouts[roomId, default: []].append(RoomLayout(id: id, code: code, label: label, capacity: capacity.map(Int.init)))
        }
        return try await session.rows(
            "SELECT id, code, name, archived_at FROM rooms WHERE \(includingArchived) OR archived_at IS NULL ORDER BY created_at, code"
        ).map { row in
            let (id, code, name, archived) = try row.decode((UUID, String, String, Date?).self)
            return Room(id: id, code: code, name: name, layouts: layouts[id] ?? [], archivedAt: archived)
        }
    }
}
