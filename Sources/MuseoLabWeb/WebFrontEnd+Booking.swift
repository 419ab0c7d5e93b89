import Foundation
import Hummingbird
import MuseoLab

/// Booking a session, following it and cancelling it.
extension WebFrontEnd {
    func registerBooking<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/reserver") { request, _ in
            try await signedIn(request) { visitor in
                let query = request.uri.queryParameters
                return try await bookPage(
                    visitor, machine: query.get("machine") ?? "", week: query.get("semaine"), minutes: query.get("duree"), posted: nil, refusal: nil)
            }
        }
        router.post("/reserver") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            let machine = form["machine"] ?? ""
            let minutes = Int(form["duree"] ?? "") ?? 120
            func again(_ refusal: FieldRefusal) async throws -> Response {
                let week = (form["creneau"].flatMap(Self.iso.date(from:))).map { ParisClock.date(of: $0).description }
                return try page(try await bookPage(visitor, machine: machine, week: week, minutes: String(minutes), posted: form, refusal: refusal),
                                status: .unprocessableContent)
            }
            guard let start = form["creneau"].flatMap(Self.iso.date(from:)) else {
                return try await again(FieldRefusal(field: "start", said: WebTexts.chooseSlot))
            }
            guard let participants = Int(form["participants"] ?? "") else {
                return try await again(FieldRefusal(field: "participants", said: WebTexts.participantsNumber))
            }
            let machineIds: [UUID]
            if machine.isEmpty {
                machineIds = []
            } else if let id = UUID(uuidString: machine) {
                machineIds = [id]
            } else {
                return try await again(FieldRefusal(field: "machineIds", said: WebTexts.unknownMachine))
            }
            do {
                let first = SessionRequest(
                    purpose: form["objet"] ?? "", participants: participants,
                    period: Period(start: start, end: start.addingTimeInterval(Double(minutes) * 60)), machineIds: machineIds)
                return redirect(try await book(first, form: form, by: visitor) { "/reservations/\($0.reference)?fait=demande" })
            } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError {
                // A slot taken meanwhile (by a machine's booking or a staff member's) is the slot's problem.
                return try await again(FieldRefusal(
                    field: problem.kind == .bookingConflict ? "start" : problem.field, said: SeriesTexts.refusal(problem)))
            }
        }
        router.get("/reservations/:reference") { request, context in
            try await signedIn(request) { visitor in
                let notice: String? = switch request.uri.queryParameters.get("fait") {
                case "demande": WebTexts.requested
                case "annulee": WebTexts.cancelled
                default: nil
                }
                return try await bookingPage(visitor, reference: context.parameters.get("reference") ?? "", notice: notice, reason: "", reasonError: nil)
            }
        }
        router.post("/reservations/:reference/annuler") { request, context in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            let reference = context.parameters.get("reference") ?? ""
            do {
                let session = try await lab.sessions.find(reference, by: visitor.actor)
                do {
                    _ = try await lab.sessions.cancel(session.id, reason: form["motif"] ?? "", by: visitor.actor)
                } catch let problem as Problem where problem.field == "reason" || problem.kind == .invalidTransition {
                    return try page(
                        try await bookingPage(visitor, reference: reference, notice: nil, reason: form["motif"] ?? "",
                                              reasonError: WebTexts.bookingRefusal(problem)),
                        status: .unprocessableContent)
                }
                return redirect("/reservations/\(session.reference)?fait=annulee")
            } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
                return try notFoundPage(visitor)
            }
        }
    }

    static var iso: ISO8601DateFormatter { ISO8601DateFormatter() }

    /// The booking form, for the filters asked (or the defaults), with what was posted and why it was refused.
    func bookPage(
        _ visitor: Visitor, machine: String, week: String?, minutes: String?, posted: Form?, refusal: FieldRefusal?
    ) async throws -> BookPage {
        let now = lab.now()
        let today = ParisClock.date(of: now)
        let rules = try await lab.calendar.rules()
        let asked = min(max(Int(minutes ?? "") ?? 120, BookingSlots.step), rules.maximumDurationMinutes)
        let length = asked - asked % BookingSlots.step
        let day = week.flatMap(CalendarDate.init) ?? today
        let monday = day.adding(days: -(day.weekday.rawValue - 1))
        let thisMonday = today.adding(days: -(today.weekday.rawValue - 1))

        let machines = try await lab.inventory.list(by: visitor.actor).filter { $0.status == .inService && $0.bookable }
        let machineId = UUID(uuidString: machine)
        var machineError: String?
        let chosen = machineId.flatMap { id in machines.first { $0.id == id } }
        if !machine.isEmpty, chosen == nil { machineError = "Cette machine ne peut pas être réservée." }

        let slots = machineError == nil
            ? try await lab.bookingSlots.week(from: monday, minutes: length, machineId: chosen?.id, by: visitor.actor) : []
        let picked = posted?["creneau"]
        let days = Dictionary(grouping: slots) { ParisClock.date(of: $0.start) }.sorted { $0.key < $1.key }.map { date, slots in
            BookPage.Day(id: date.description, label: French.day(date), slots: slots.map { slot in
                let value = Self.iso.string(from: slot.start)
                return BookPage.Slot(
                    id: "creneau-\(Int(slot.start.timeIntervalSince1970))", value: value,
                    label: "\(French.time(slot.start)) – \(French.time(slot.end))", checked: value == picked)
            })
        }

        var quota: BookPage.Quota?
        let sample = Period(start: slots.first?.start ?? now, end: (slots.first?.start ?? now).addingTimeInterval(Double(length) * 60))
        if let preview = try await lab.quota.previewBooking(requesterId: visitor.user.id, period: sample, by: visitor.actor) {
            quota = BookPage.Quota(
                year: preview.year, consumed: French.hours(minutes: preview.consumedMinutes), committed: French.hours(minutes: preview.committedMinutes),
                remaining: French.hours(minutes: max(0, preview.remainingBeforeMinutes)), session: French.hours(minutes: preview.minutes),
                remainingAfter: preview.remainingAfterMinutes >= 0 ? French.hours(minutes: preview.remainingAfterMinutes) + " au quota" : "un quota épuisé",
                over: preview.overQuotaMinutes > 0 ? French.hours(minutes: preview.overQuotaMinutes) : nil)
        }

        var page = BookPage(
            nav: visitor.nav(.book), csrf: visitor.csrf,
            machines: [BookPage.Option(value: "", label: WebTexts.supportOnly, selected: chosen == nil)] + machines.map { machine in
                BookPage.Option(
                    value: machine.id.uuidString.lowercased(),
                    label: [machine.nature, machine.model, machine.inventoryNumber.map { "n° \($0)" }].compactMap { $0 }.joined(separator: " – ")
                        + (machine.requiresAuthorisation ? " (formation requise)" : ""),
                    selected: machine.id == chosen?.id)
            },
            durations: stride(from: BookingSlots.step, through: rules.maximumDurationMinutes, by: BookingSlots.step).map {
                BookPage.Option(value: String($0), label: French.hours(minutes: $0), selected: $0 == length)
            },
            week: monday.description, weekLabel: "semaine du \(French.day(monday))",
            previousWeek: monday > thisMonday ? monday.adding(days: -7).description : nil, nextWeek: monday.adding(days: 7).description,
            machine: chosen.map { $0.id.uuidString.lowercased() } ?? "", minutes: String(length), days: days, quota: quota,
            purpose: posted?["objet"] ?? "", participants: posted?["participants"] ?? "1",
            repetition: RepetitionForm(posted: posted, error: nil),
            problem: nil, slotError: nil, purposeError: nil, participantsError: nil, machineError: machineError)
        if let refusal {
            let said = refusal.said
            switch refusal.field {
            case "start", "end", "staffId": page.slotError = said
            case "purpose": page.purposeError = said
            case "participants": page.participantsError = said
            case "machineIds": page.machineError = said
            case let field? where SeriesTexts.repetitionFields.contains(field): page.repetition.repeatError = said
            default: page.problem = said
            }
        }
        return page
    }

    func bookingPage(_ visitor: Visitor, reference: String, notice: String?, reason: String, reasonError: String?) async throws -> BookingPage {
        // Another member's session, or none: the domain says "not found" either way.
        let session = try await lab.sessions.find(reference, by: visitor.actor)
        let now = lab.now()
        var cancel: BookingPage.Cancel?
        if session.status.isActive, now < session.period.end, session.requester.id == visitor.user.id {
            let notice = try await lab.calendar.rules().cancellationNoticeMinutes
            cancel = BookingPage.Cancel(
                action: "/reservations/\(session.reference)/annuler", csrf: visitor.csrf, reason: reason, reasonError: reasonError,
                lateWarning: session.cancellingIsLate(now: now, noticeMinutes: notice) ? WebTexts.lateCancellation(noticeHours: notice / 60) : nil)
        }
        return BookingPage(
            title: "Réservation \(session.reference)", nav: visitor.nav(.bookings), booking: row(session),
            staff: session.staff?.displayName, participants: session.participants,
            history: session.events.map {
                BookingPage.Event(
                    when: French.dateTime($0.occurredAt), status: WebTexts.step($0), reason: $0.reason)
            },
            notice: notice, cancel: cancel, seriesHref: try await seriesHref(session))
    }
}
