import Foundation
import Hummingbird
import MuseoLab

/// Requesting a room and following one's requests.
extension WebFrontEnd {
    func registerRooms<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/salles") { request, _ in
            try await signedIn(request) { visitor in
                try await roomsPage(visitor, posted: nil, notice: request.uri.queryParameters.get("fait") == "demande" ? WebTexts.roomRequested : nil)
            }
        }
        router.post("/salles") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            func again(_ refusal: FieldRefusal) async throws -> Response {
                var page = try await roomsPage(visitor, posted: form, notice: nil)
                let said = refusal.said
                switch refusal.field {
                case "roomId", "layout": page.layoutError = said
                case "start", "end": page.timeError = said
                case "attendees": page.attendeesError = said
                case "purpose": page.purposeError = said
                default: page.problem = said
                }
                return try self.page(page, status: .unprocessableContent)
            }
            let parts = (form["disposition"] ?? "").split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return try await again(FieldRefusal(field: "layout", said: WebTexts.chooseLayout)) }
            guard let period = Self.period(form) else { return try await again(FieldRefusal(field: "start", said: WebTexts.roomTime)) }
            guard let attendees = Int(form["personnes"] ?? "") else { return try await again(FieldRefusal(field: "attendees", said: WebTexts.roomAttendees)) }
            do {
                _ = try await lab.roomBookings.request(
                    RoomBookingRequest(room: parts[0], layout: parts[1], period: period, attendees: attendees,
                                       purpose: form["objet"] ?? ""),
                    by: visitor.actor)
                return redirect("/salles?fait=demande")
            } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError {
                return try await again(FieldRefusal(field: problem.field, said: WebTexts.roomRefusal(problem)))
            }
        }
    }

    func roomsPage(_ visitor: Visitor, posted: Form?, notice: String?) async throws -> RoomsPage {
        let rooms = try await lab.rooms.list()
        let chosen = posted?["disposition"]
        let layouts = rooms.flatMap { room in
            room.layouts.map { layout in
                let value = "\(room.code):\(layout.code)"
                return RoomsPage.Layout(
                    value: value, label: "\(room.name) – \(layout.label)\(layout.capacity.map { " (\($0) places)" } ?? "")", selected: value == chosen)
            }
        }
        let requests = try await lab.roomBookings.list(by: visitor.actor).filter { $0.requester.id == visitor.user.id }
        return RoomsPage(
            nav: visitor.nav(.rooms), csrf: visitor.csrf, layouts: layouts,
            date: posted?["jour"] ?? "", start: posted?["debut"] ?? "", end: posted?["fin"] ?? "", attendees: posted?["personnes"] ?? "",
            purpose: posted?["objet"] ?? "", notice: notice, problem: nil, layoutError: nil, timeError: nil, attendeesError: nil, purposeError: nil,
            requests: requests.sorted { $0.period.start > $1.period.start }.map { booking in
                RoomsPage.Request(
                    reference: booking.reference, room: booking.roomName, when: French.period(booking.period),
                    status: WebTexts.roomStatus(booking.status), statusClass: booking.status.rawValue,
                    reason: booking.status == .refused || booking.status == .cancelled ? booking.events.last?.reason : nil)
            })
    }
}
