import Foundation
import Hummingbird
import MuseoLab

/// The room requests waiting for the manager: what each would clash with, what remains of the
/// agreement's free uses, and the answer (accepted, or refused with a reason).
extension WebFrontEnd {
    func registerRoomRequests<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/salles") { request, _ in
            try await staffPage(.console, request) { visitor in
                try await roomRequestsPage(visitor, notice: request.uri.queryParameters.get("fait").flatMap(RoomRequestTexts.done), refusal: nil)
            }
        }
        for (segment, accept) in [("accepter", true), ("refuser", false)] {
            router.post("/gestion/salles/:reference/\(segment)") { request, context in
                try await staffForm(.console, request) { visitor, form in
                    let booking = try await lab.roomBookings.find(context.parameters.get("reference") ?? "", by: visitor.actor)
                    do {
                        if accept {
                            _ = try await lab.roomBookings.accept(booking.id, by: visitor.actor)
                        } else {
                            _ = try await lab.roomBookings.refuse(booking.id, reason: form["motif"] ?? "", by: visitor.actor)
                        }
                        return redirect("/gestion/salles?fait=\(segment)")
                    } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError && problem.kind != .notFound {
                        // Taken meanwhile (another manager accepted an overlapping request): said at the request.
                        return try page(
                            try await roomRequestsPage(visitor, notice: nil, refusal: (booking.reference, RoomRequestTexts.refusal(problem, accepting: accept))),
                            status: problem.kind == .bookingConflict || problem.kind == .invalidTransition || problem.kind == .conflict
                                ? .conflict : .unprocessableContent)
                    }
                }
            }
        }
    }

    func roomRequestsPage(_ visitor: Visitor, notice: String?, refusal: (reference: String, said: String)?) async throws -> RoomRequestsPage {
        let now = lab.now()
        let upcoming = try await lab.roomBookings.list(by: visitor.actor).filter { $0.period.end > now }
        let pending = upcoming.filter { $0.status == .pending }.sorted { $0.period.start < $1.period.start }
        // The free uses left, per agreement and year, read once each.
        var allowances: [String: [RoomAllowance]] = [:]
        for booking in pending {
            guard let agreementId = booking.agreementId else { continue }
            let year = ParisClock.date(of: booking.period.start).year
            let key = "\(agreementId)-\(year)"
            if allowances[key] == nil { allowances[key] = try await lab.roomBookings.allowances(agreementId, year: year, by: visitor.actor) }
        }
        return RoomRequestsPage(
            title: "Demandes de salles", nav: visitor.nav(.roomRequests), csrf: visitor.csrf, notice: notice,
            requests: pending.map { booking in
                let conflicts = booking.conflicts(among: upcoming)
                let allowance = booking.agreementId.flatMap { agreementId in
                    allowances["\(agreementId)-\(ParisClock.date(of: booking.period.start).year)"]?.first { $0.roomId == booking.roomId }
                }
                let reference = booking.reference
                return RoomRequestsPage.Request(
                    reference: reference, room: booking.roomName, layout: booking.layoutCode, when: French.period(booking.period),
                    requester: "\(booking.requester.displayName), \(booking.organisationName)", attendees: booking.attendees,
                    purpose: booking.purpose,
                    conflicts: conflicts.map { .init(text: "\($0.reference) (\(WebTexts.roomStatus($0.status)), \(French.period($0.period)))") },
                    hasConflicts: !conflicts.isEmpty,
                    freeUses: allowance.map { RoomRequestTexts.freeUses(remaining: $0.remaining, of: $0.allowance) } ?? RoomRequestTexts.noAgreement,
                    acceptAction: "/gestion/salles/\(reference)/accepter", refuseAction: "/gestion/salles/\(reference)/refuser",
                    error: refusal?.reference == reference ? refusal?.said : nil)
            })
    }
}
