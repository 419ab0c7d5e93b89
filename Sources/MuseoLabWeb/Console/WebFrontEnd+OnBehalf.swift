import Foundation
import Hummingbird
import MuseoLab

/// A session booked by the manager for a member (a phone call, a walk-in booking ahead): the
/// member's own rules apply, as the domain checks them for anyone booking on someone's behalf.
/// Or one recorded afterwards, once over (a walk-in nobody booked): the same form, the actual times.
extension WebFrontEnd {
    func registerOnBehalf<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/reserver") { request, _ in
            try await staffPage(.console, request) { visitor in try await onBehalfPage(visitor, posted: nil, refusal: nil) }
        }
        router.post("/gestion/reserver") { request, _ in
            try await staffForm(.console, request) { visitor, form in
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    try page(try await onBehalfPage(visitor, posted: form, refusal: refusal), status: .unprocessableContent)
                }
                guard let requester = form["membre"].flatMap(UUID.init(uuidString:)) else {
                    return try await again(FieldRefusal(field: "requesterId", said: ConsoleTexts.chooseMember))
                }
                guard let period = Self.period(form) else { return try await again(FieldRefusal(field: "start", said: WebTexts.roomTime)) }
                guard let participants = Int(form["participants"] ?? "") else {
                    return try await again(FieldRefusal(field: "participants", said: WebTexts.participantsNumber))
                }
                let machine = form["machine"] ?? ""
                let staff = form["encadrant"] ?? ""
                do {
                    let first = SessionRequest(
                        requesterId: requester, supervised: form["sans-encadrement"] != "oui", staffId: UUID(uuidString: staff),
                        purpose: form["objet"] ?? "", participants: participants, period: period,
                        machineIds: UUID(uuidString: machine).map { [$0] } ?? [])
                    return redirect(try await book(first, form: form, by: visitor) { "/gestion/seances/\($0.reference)?fait=reservee" })
                } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError {
                    return try await again(FieldRefusal(
                        field: problem.kind == .bookingConflict ? "start" : problem.field, said: SeriesTexts.refusal(problem)))
                }
            }
        }

        router.get("/gestion/enregistrer") { request, _ in
            try await staffPage(.console, request) { visitor in try await recordedAfterwardsPage(visitor, posted: nil, refusal: nil) }
        }
        router.post("/gestion/enregistrer") { request, _ in
            try await staffForm(.console, request) { visitor, form in
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    try page(try await recordedAfterwardsPage(visitor, posted: form, refusal: refusal), status: .unprocessableContent)
                }
                guard let requester = form["membre"].flatMap(UUID.init(uuidString:)) else {
                    return try await again(FieldRefusal(field: "requesterId", said: ConsoleTexts.chooseRequester))
                }
                guard let period = Self.period(form) else { return try await again(FieldRefusal(field: "start", said: ConsoleTexts.actualTimes)) }
                guard let staff = form["encadrant"].flatMap(UUID.init(uuidString:)) else {
                    return try await again(FieldRefusal(field: "staffId", said: ConsoleTexts.chooseStaff))
                }
                guard let participants = Int(form["participants"] ?? "") else {
                    return try await again(FieldRefusal(field: "participants", said: WebTexts.participantsNumber))
                }
                do {
                    let recorded = try await lab.sessions.record(
                        RecordedSession(
                            requesterId: requester, staffId: staff, purpose: form["objet"] ?? "", participants: participants,
                            actual: period, machineIds: UUID(uuidString: form["machine"] ?? "").map { [$0] } ?? []),
                        by: visitor.actor)
                    return redirect("/gestion/seances/\(recorded.reference)?fait=enregistree")
                } catch let problem as Problem where ![.unavailable, .internalError, .notFound].contains(problem.kind) {
                    let window = try await lab.calendar.rules().recordingWindowDays
                    return try await again(FieldRefusal(
                        field: problem.field == "actualEnd" || problem.kind == .forbidden ? "start" : problem.field,
                        said: ConsoleTexts.recordingRefusal(problem, windowDays: window)))
                }
            }
        }
    }

    /// The day (`jour`) and the hours (`debut`, `fin`) of a form, on the clock of Paris, or nil
    /// when they do not make one (a page then says so at its field).
    static func period(_ form: Form) -> Period? {
        try? period(form, field: "start")
    }

    func recordedAfterwardsPage(_ visitor: Visitor, posted: Form?, refusal: FieldRefusal?) async throws -> OnBehalfPage {
        var page = try await onBehalfPage(visitor, posted: posted, refusal: refusal)
        page.title = "Enregistrer une séance passée"
        page.afterwards = true
        page.repetition = nil
        page.action = "/gestion/enregistrer"
        page.submit = "Enregistrer la séance terminée"
        page.windowDays = try await lab.calendar.rules().recordingWindowDays
        return page
    }

    func onBehalfPage(_ visitor: Visitor, posted: Form?, refusal: FieldRefusal?) async throws -> OnBehalfPage {
        let users = try await lab.users.list(by: visitor.actor).filter { $0.disabledAt == nil }.sorted { $0.displayName < $1.displayName }
        let machines = try await lab.inventory.list(by: visitor.actor).filter { $0.status == .inService && $0.bookable }
        let staff = try await lab.staffAvailability.staff()
        func option(_ value: String, _ label: String, field: String) -> OnBehalfPage.Option {
            OnBehalfPage.Option(value: value, label: label, selected: posted?[field] == value)
        }
        func said(_ fields: [String]) -> String? { refusal.flatMap { $0.field.map(fields.contains) == true ? $0.said : nil } }
        let known = ["requesterId", "start", "end", "participants", "purpose", "machineIds", "staffId"] + SeriesTexts.repetitionFields
        return OnBehalfPage(
            title: "Réserver pour un membre", nav: visitor.nav(.planner), csrf: visitor.csrf,
            problem: refusal.flatMap { $0.field.map(known.contains) == true ? nil : $0.said },
            members: users.map { option($0.id.uuidString.lowercased(), "\($0.displayName) (\($0.email))", field: "membre") },
            machines: machines.map {
                option($0.id.uuidString.lowercased(), [$0.nature, $0.inventoryNumber.map { "n° \($0)" }].compactMap { $0 }.joined(separator: " "), field: "machine")
            },
            staff: staff.map { option($0.userId.uuidString.lowercased(), $0.displayName, field: "encadrant") },
            day: posted?["jour"] ?? "", start: posted?["debut"] ?? "", end: posted?["fin"] ?? "", purpose: posted?["objet"] ?? "",
            participants: posted?["participants"] ?? "1", unsupervised: posted?["sans-encadrement"] == "oui",
            memberError: said(["requesterId"]), timeError: said(["start", "end"]), participantsError: said(["participants"]),
            purposeError: said(["purpose"]), machineError: said(["machineIds"]), staffError: said(["staffId"]),
            repetition: RepetitionForm(posted: posted, error: said(SeriesTexts.repetitionFields)))
    }
}
