import Foundation
import Hummingbird
import MuseoLab

/// A series of sessions (`/series/:id`): asked from the booking forms (a member's `/reserver`,
/// the manager's `/gestion/reserver`), read occurrence by occurrence, confirmed at once by the
/// staff, cancelled from an occurrence on by the requester or the staff.
extension WebFrontEnd {
    func registerSeries<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/series/:id") { request, context in
            try await signedIn(request) { visitor in
                try await seriesPage(
                    visitor, id: try Self.seriesId(context), notice: request.uri.queryParameters.get("fait").flatMap(SeriesTexts.done),
                    posted: nil, refusal: nil)
            }
        }
        router.post("/series/:id/confirmer") { request, context in
            try await staffForm(.console, request) { visitor, _ in
                let id = try Self.seriesId(context)
                do {
                    _ = try await lab.sessionSeries.confirm(id, by: visitor.actor)
                } catch let problem as Problem where ![.unavailable, .internalError, .notFound].contains(problem.kind) {
                    // An occurrence that cannot be confirmed (taken meanwhile, a closure since): the others are, the page says which.
                    return try page(try await seriesPage(visitor, id: id, notice: nil, posted: nil, refusal: FieldRefusal(field: nil, said: WebTexts.bookingRefusal(problem))),
                                    status: .conflict)
                }
                return redirect("/series/\(id.uuidString.lowercased())?fait=confirmee")
            }
        }
        router.post("/series/:id/annuler") { request, context in
            try await signedInForm(request) { visitor, form in
                let id = try Self.seriesId(context)
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    try page(try await seriesPage(visitor, id: id, notice: nil, posted: form, refusal: refusal), status: .unprocessableContent)
                }
                guard let from = Int(form["a-partir-de"] ?? "") else { return try await again(FieldRefusal(field: "fromOccurrence", said: SeriesTexts.chooseFirst)) }
                do {
                    _ = try await lab.sessionSeries.cancel(id, from: from, reason: form["motif"] ?? "", by: visitor.actor)
                    return redirect("/series/\(id.uuidString.lowercased())?fait=annulees")
                } catch let problem as Problem where problem.field == "reason" {
                    return try await again(FieldRefusal(field: "reason", said: WebTexts.bookingRefusal(problem)))
                } catch let problem as Problem where problem.field == "fromOccurrence" || problem.kind == .invalidTransition {
                    return try await again(FieldRefusal(field: "fromOccurrence", said: SeriesTexts.nothingToCancel))
                } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
                    // Someone who may see the series but not cancel its sessions is told it does not exist, as for one session.
                    return try notFoundPage(visitor)
                }
            }
        }
    }

    /// The series in the address; a malformed one does not exist.
    static func seriesId(_ context: some RequestContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("series") }
        return id
    }

    /// The repetition a booking form asks for, if any: every N weeks (`repeter`), N times (`fois`)
    /// or until a day (`jusqu-au`). The domain checks the rest (2 to 52 occurrences).
    static func repetition(_ form: Form) throws -> (everyWeeks: Int, until: CalendarDate?, count: Int?)? {
        let every = (form["repeter"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !every.isEmpty else { return nil }
        guard let weeks = Int(every) else { throw Problem.invalid("everyWeeks", "repeat every 1 to 4 weeks") }
        let times = (form["fois"] ?? "").trimmingCharacters(in: .whitespaces)
        let last = (form["jusqu-au"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !times.isEmpty || !last.isEmpty else { throw Problem.invalid("count", "give a number of occurrences or an end date") }
        var count: Int?
        if !times.isEmpty {
            guard let n = Int(times) else { throw Problem.invalid("count", "a number of occurrences") }
            count = n
        }
        var until: CalendarDate?
        if !last.isEmpty {
            guard let day = CalendarDate(last) else { throw Problem.invalid("until", "a date, YYYY-MM-DD") }
            until = day
        }
        return (weeks, until, count)
    }

    /// Asks for `first` alone, or as the first of the series the form asks for: where to go next.
    func book(_ first: SessionRequest, form: Form, by visitor: Visitor, single: (SupportSession) -> String) async throws -> String {
        guard let repetition = try Self.repetition(form) else {
            return single(try await lab.sessions.request(first, by: visitor.actor))
        }
        let series = try await lab.sessionSeries.request(
            SessionSeries.Request(first: first, everyWeeks: repetition.everyWeeks, until: repetition.until, count: repetition.count), by: visitor.actor)
        return "/series/\(series.id.uuidString.lowercased())?fait=demandee"
    }

    /// Where the series of a session is, if it was booked in one.
    func seriesHref(_ session: SupportSession) async throws -> String? {
        try await lab.sessionSeries.containing(session).map { "/series/\($0.uuidString.lowercased())" }
    }

    func seriesPage(_ visitor: Visitor, id: UUID, notice: String?, posted: Form?, refusal: FieldRefusal?) async throws -> SeriesPage {
        let series = try await lab.sessionSeries.get(id, by: visitor.actor)
        let now = lab.now()
        let mine = series.requesterId == visitor.user.id
        let staff = visitor.actor.role.allows(.superviseSessions)
        let cancellable = series.occurrences.filter { $0.session.map { $0.status.isActive && $0.period.start > now } ?? false }
        let chosen = posted?["a-partir-de"]
        return SeriesPage(
            nav: visitor.nav(mine ? .bookings : .planner), csrf: visitor.csrf, notice: notice,
            problem: refusal.flatMap { $0.field == nil ? $0.said : nil }, every: SeriesTexts.every(series.everyWeeks),
            summary: SeriesTexts.summary(asked: series.occurrences.count, booked: series.occurrences.filter { $0.session != nil }.count),
            occurrences: series.occurrences.map { occurrence in
                let session = occurrence.session
                return SeriesPage.Row(
                    number: occurrence.occurrence, when: French.period(occurrence.period),
                    status: session.map { WebTexts.status($0.status) } ?? SeriesTexts.refused,
                    statusClass: session.map { $0.status.rawValue.replacingOccurrences(of: "_", with: "-") } ?? "refused",
                    href: session.map { mine ? "/reservations/\($0.reference)" : "/gestion/seances/\($0.reference)" },
                    reference: session?.reference, refusal: occurrence.refusal.map(SeriesTexts.refusal))
            },
            quota: series.quota.map(SeriesTexts.quota),
            confirmAction: staff && series.occurrences.contains { $0.session?.status == .requested } ? "/series/\(id.uuidString.lowercased())/confirmer" : nil,
            cancel: (mine || staff) && !cancellable.isEmpty ? SeriesPage.Cancel(
                action: "/series/\(id.uuidString.lowercased())/annuler",
                options: cancellable.map { Choice(value: String($0.occurrence), label: "\($0.occurrence). \(French.period($0.period))", selected: chosen == String($0.occurrence)) },
                reason: posted?["motif"] ?? "",
                fromError: refusal.flatMap { $0.field == "fromOccurrence" ? $0.said : nil },
                reasonError: refusal.flatMap { $0.field == "reason" ? $0.said : nil }) : nil)
    }
}
