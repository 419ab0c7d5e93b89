import Foundation
import MuseoLab
import MuseoLabAPI

extension APIImplementation {
    func listRooms(_ input: Operations.ListRooms.Input) async throws -> Operations.ListRooms.Output {
        _ = try actor
        return .ok(.init(body: .json(.init(items: try await lab.rooms.list().map(Components.Schemas.Room.init)))))
    }

    func addRoom(_ input: Operations.AddRoom.Input) async throws -> Operations.AddRoom.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let room = try await lab.rooms.add(
            code: body.code, name: body.name, layouts: body.layouts.map { ($0.code, $0.label, $0.capacity) }, by: try actor)
        return .created(.init(body: .json(.init(room))))
    }

    func getRoom(_ input: Operations.GetRoom.Input) async throws -> Operations.GetRoom.Output {
        _ = try actor
        return .ok(.init(body: .json(.init(try await lab.rooms.find(input.path.roomId)))))
    }

    func updateRoom(_ input: Operations.UpdateRoom.Input) async throws -> Operations.UpdateRoom.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard body.name != nil || body.archived != nil else { throw Problem(.invalidField, "nothing to change: give at least one field") }
        let room = try await lab.rooms.find(input.path.roomId)
        return .ok(.init(body: .json(.init(try await lab.rooms.update(room.id, name: body.name, archived: body.archived, by: try actor)))))
    }

    func setRoomLayout(_ input: Operations.SetRoomLayout.Input) async throws -> Operations.SetRoomLayout.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let room = try await lab.rooms.find(input.path.roomId)
        let updated = try await lab.rooms.setLayout(room.id, code: input.path.layoutCode, label: body.label, capacity: body.capacity, by: try actor)
        return .ok(.init(body: .json(.init(updated))))
    }

    func getRoomAvailability(_ input: Operations.GetRoomAvailability.Input) async throws -> Operations.GetRoomAvailability.Output {
        _ = try actor
        let room = try await lab.rooms.find(input.path.roomId)
        let window = Period(start: input.query.from, end: input.query.to)
        let free = try await lab.rooms.availability(room.id, within: window)
        return .ok(.init(body: .json(.init(roomId: room.id.resourceId, from: window.start, to: window.end, free: free.map { .init(start: $0.start, end: $0.end) }))))
    }

    func listRoomBookings(_ input: Operations.ListRoomBookings.Input) async throws -> Operations.ListRoomBookings.Output {
        let q = input.query
        var window: Period?
        if q.from != nil || q.to != nil {
            guard let from = q.from, let to = q.to else { throw Problem.invalid(q.from == nil ? "from" : "to", "give both from and to") }
            guard to > from else { throw Problem(.endNotAfterStart, "`to` must be after `from`", field: "to") }
            window = Period(start: from, end: to)
        }
        let roomId = try await q.roomId.asyncMap { try await lab.rooms.find($0).id }
        let bookings = try await lab.roomBookings.list(
            status: q.status.map { try $0.bridged(RoomBooking.Status.self) }, roomId: roomId, within: window, by: try actor)
        return .ok(.init(body: .json(.init(items: try bookings.map(Components.Schemas.RoomBooking.init)))))
    }

    func requestRoomBooking(_ input: Operations.RequestRoomBooking.Input) async throws -> Operations.RequestRoomBooking.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let booking = try await lab.roomBookings.request(
            RoomBookingRequest(
                room: body.room, layout: body.layout, period: Period(start: body.start, end: body.end), attendees: body.attendees,
                purpose: body.purpose, requesterId: body.requesterId?.uuid,
                organisationId: body.organisationId?.uuid),
            by: try actor)
        return .created(.init(headers: .init(location: "/v1/room-bookings/\(booking.id.text)"), body: .json(try .init(booking))))
    }

    func getRoomBooking(_ input: Operations.GetRoomBooking.Input) async throws -> Operations.GetRoomBooking.Output {
        .ok(.init(body: .json(try .init(try await lab.roomBookings.get(input.path.bookingId.uuid, by: try actor)))))
    }

    func acceptRoomBooking(_ input: Operations.AcceptRoomBooking.Input) async throws -> Operations.AcceptRoomBooking.Output {
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let booking = try await lab.roomBookings.accept(input.path.bookingId.uuid, reason: reason, by: try actor)
        return .ok(.init(body: .json(try .init(booking))))
    }

    func refuseRoomBooking(_ input: Operations.RefuseRoomBooking.Input) async throws -> Operations.RefuseRoomBooking.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let booking = try await lab.roomBookings.refuse(input.path.bookingId.uuid, reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(booking))))
    }

    func cancelRoomBooking(_ input: Operations.CancelRoomBooking.Input) async throws -> Operations.CancelRoomBooking.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let booking = try await lab.roomBookings.cancel(input.path.bookingId.uuid, reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(booking))))
    }

    func getRoomAllowances(_ input: Operations.GetRoomAllowances.Input) async throws -> Operations.GetRoomAllowances.Output {
        let allowances = try await lab.roomBookings.allowances(
            input.path.agreementId.uuid, year: input.query.year, by: try actor)
        return .ok(.init(body: .json(.init(year: input.query.year, items: allowances.map {
            .init(roomId: $0.roomId.resourceId, roomCode: $0.roomCode, roomName: $0.roomName, allowance: $0.allowance, used: $0.used,
                  remaining: $0.remaining, freeBookings: $0.freeBookings, billableBookings: $0.billableBookings)
        }))))
    }
}

extension Components.Schemas.Room {
    init(_ room: Room) {
        self.init(
            id: room.id.resourceId, code: room.code, name: room.name,
            layouts: room.layouts.map { .init(id: $0.id.resourceId, code: $0.code, label: $0.label, capacity: $0.capacity) }, archivedAt: room.archivedAt)
    }
}

extension Components.Schemas.RoomBooking {
    init(_ booking: RoomBooking) throws {
        self.init(
            id: booking.id.resourceId, reference: booking.reference, roomId: booking.roomId.resourceId, roomCode: booking.roomCode,
            roomName: booking.roomName, layout: booking.layoutCode,
            requester: .init(id: booking.requester.id.resourceId, displayName: booking.requester.displayName, email: booking.requester.email),
            organisationId: booking.organisationId.resourceId, organisationName: booking.organisationName, agreementId: booking.agreementId?.resourceId,
            purpose: booking.purpose, attendees: booking.attendees, start: booking.period.start, end: booking.period.end,
            status: try booking.status.bridged(), charge: try booking.charge.map { try $0.bridged() },
            chargeReason: booking.chargeReason, acceptedAt: booking.acceptedAt, freeUseReturned: booking.freeUseReturned,
            events: try booking.events.map {
                .init(occurredAt: $0.occurredAt, from: try $0.from.map { try $0.bridged() }, to: try $0.to.bridged(),
                      actor: $0.actor, reason: $0.reason)
            },
            createdAt: booking.createdAt)
    }
}

extension Optional {
    /// `map` for an asynchronous transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
