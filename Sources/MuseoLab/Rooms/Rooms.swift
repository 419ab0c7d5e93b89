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
            try await RoomStore.rooms(nil, includingArchived: includingArchived, session)
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
            if try await !session.run(RoomStore.Named(reference: code)).isEmpty {
                throw Problem(.duplicate, "a room already has the code \(code)", field: "code")
            }
            let id = try await session.run(RoomStore.Added(code: code, name: name))[0]
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
            guard try await !session.run(RoomStore.Changed(id: id, name: name, archived: archived)).isEmpty else { throw Problem.notFound("room") }
            return try await Self.find(id.uuidString, session)!
        }
    }

    /// Adds a layout, or changes its label and capacity.
    public func setLayout(_ roomId: UUID, code: String, label: String, capacity: Int?, by actor: Actor) async throws -> Room {
        try actor.require(.manageRooms, "change room layouts")
        return try await database.write(as: actor, action: "room.layout") { session in
            guard try await session.exists(RoomStore.Exists(id: roomId)) else { throw Problem.notFound("room") }
            try await Self.upsertLayout(roomId, code: code, label: label, capacity: capacity, field: "layout", session)
            return try await Self.find(roomId.uuidString, session)!
        }
    }

    /// When a room is free in a window: not taken by an accepted booking (pending requests do not block).
    public func availability(_ roomId: UUID, within window: Period) async throws -> [Period] {
        guard window.end > window.start else { throw Problem(.endNotAfterStart, "`to` must be after `from`", field: "to") }
        guard window.duration <= 366 * 86_400 else { throw Problem.invalid("to", "ask for at most a year at once") }
        return try await database.read { session in
            guard try await session.exists(RoomStore.Exists(id: roomId)) else { throw Problem.notFound("room") }
            let taken = try await session.run(RoomStore.Taken(roomId: roomId, window: window))
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
        _ = try await session.run(RoomStore.LayoutSet(roomId: roomId, code: code, label: label, capacity: capacity))
    }

    static func find(_ reference: String, _ session: SQLSession) async throws -> Room? {
        guard let id = try await session.run(RoomStore.Named(reference: reference)).first else { return nil }
        return try await RoomStore.rooms(id, includingArchived: true, session).first
    }
}
