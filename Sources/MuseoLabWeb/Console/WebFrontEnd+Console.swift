import Foundation
import Hummingbird
import MuseoLab

/// The fablab manager's console: the planner and each session's steps, the room requests, the
/// quota of the university's agreement. Each page is a view over domain calls, under the
/// manager's role; the domain decides and refuses.
extension WebFrontEnd {
    func registerConsole<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/planning") { request, _ in
            try await staffPage(.console, request) { visitor in
                try await plannerPage(visitor, week: request.uri.queryParameters.get("semaine"), day: request.uri.queryParameters.get("jour"))
            }
        }
        router.get("/gestion/seances/:reference") { request, context in
            try await staffPage(.console, request) { visitor in
                try await consoleSessionPage(
                    visitor, reference: context.parameters.get("reference") ?? "",
                    notice: request.uri.queryParameters.get("fait").flatMap(ConsoleTexts.done), posted: nil, refusal: nil)
            }
        }
        for step in SessionStep.allCases {
            router.post("/gestion/seances/:reference/\(step.rawValue)") { request, context in
                try await staffForm(.console, request) { visitor, form in
                    try await take(step, reference: context.parameters.get("reference") ?? "", form: form, visitor: visitor)
                }
            }
        }
        registerQuota(on: router)
        registerRoomRequests(on: router)
        registerAuthorisations(on: router)
        registerCalendar(on: router)
        registerInventory(on: router)
        registerOnBehalf(on: router)
    }

    /// The steps a manager takes on a session, by the last segment of their form's address.
    enum SessionStep: String, CaseIterable, Sendable {
        case confirm = "confirmer"
        case complete = "terminer"
        case noShow = "absence"
        case cancel = "annuler"
        case reschedule = "deplacer"
    }

    /// Takes a step on a session: back to the session with what was done, or its page again
    /// with why the domain refused it.
    func take(_ step: SessionStep, reference: String, form: Form, visitor: Visitor) async throws -> Response {
        let session = try await lab.sessions.find(reference, by: visitor.actor)
        func again(_ refusal: FieldRefusal) async throws -> Response {
            try page(
                try await consoleSessionPage(visitor, reference: reference, notice: nil, posted: form, refusal: refusal),
                status: .unprocessableContent)
        }
        do {
            switch step {
            case .confirm:
                _ = try await lab.sessions.confirm(session.id, by: visitor.actor)
            case .complete:
                guard let actual = Self.period(form) else { return try await again(FieldRefusal(field: "actual", said: ConsoleTexts.actualTimes)) }
                let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                _ = try await lab.sessions.complete(session.id, actual: actual, note: note.isEmpty ? nil : note, by: visitor.actor)
            case .noShow:
                _ = try await lab.sessions.noShow(session.id, by: visitor.actor)
            case .cancel:
                _ = try await lab.sessions.cancel(session.id, reason: form["motif"] ?? "", by: visitor.actor)
            case .reschedule:
                guard let period = Self.period(form) else { return try await again(FieldRefusal(field: "moved", said: ConsoleTexts.newTimes)) }
                let reason = (form["motif-deplacement"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                _ = try await lab.sessions.reschedule(session.id, to: period, reason: reason.isEmpty ? nil : reason, by: visitor.actor)
            }
        } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError && problem.kind != .notFound {
            let field = ConsoleTexts.refusesNewTime(step, problem) ? "moved" : problem.field
            return try await again(FieldRefusal(field: field, said: ConsoleTexts.stepRefusal(step, problem)))
        }
        return redirect("/gestion/seances/\(session.reference)?fait=\(step.rawValue)")
    }

    // MARK: - The planner

    /// A week (or one day) of the planner: one lane per staff member and per machine, the
    /// requests waiting for confirmation first.
    func plannerPage(_ visitor: Visitor, week: String?, day: String?) async throws -> PlannerPage {
        let today = ParisClock.date(of: lab.now())
        let shownDay = day.flatMap(CalendarDate.init)
        let anchor = shownDay ?? week.flatMap(CalendarDate.init) ?? today
        let monday = anchor.adding(days: -(anchor.weekday.rawValue - 1))
        let dates = shownDay.map { [$0] } ?? (0..<7).map { monday.adding(days: $0) }
        let window = Period(start: try ParisClock.instant(dates.first!, LocalTime("00:00")!), end: try ParisClock.instant(dates.last!.adding(days: 1), LocalTime("00:00")!))

        let sessions = try await lab.sessions.list(SessionFilter(within: window, limit: 1000), by: visitor.actor).filter { $0.status != .cancelled }
        let pending = try await lab.sessions.list(SessionFilter(status: .requested, limit: 200), by: visitor.actor)
            .filter { $0.period.end > lab.now() }.sorted { $0.period.start < $1.period.start }
        let windows = try await lab.maintenance.within(window, by: visitor.actor)
        let staff = try await lab.staffAvailability.staff()
        let machines = try await lab.inventory.list(by: visitor.actor).filter { $0.status != .retired }

        func block(_ session: SupportSession) -> PlannerPage.Block {
            PlannerPage.Block(
                href: "/gestion/seances/\(session.reference)", time: "\(French.time(session.period.start)) – \(French.time(session.period.end))",
                label: "\(session.reference) · \(session.requester.displayName)", detail: session.purpose,
                status: WebTexts.status(session.status), statusClass: session.status.rawValue.replacingOccurrences(of: "_", with: "-"),
                placement: PlannerPage.placement(session.period))
        }
        func maintenanceBlock(_ window: MaintenanceWindow) -> PlannerPage.Block {
            PlannerPage.Block(
                href: nil, time: "\(French.time(window.period.start)) – \(French.time(window.period.end))", label: "Maintenance",
                detail: window.reason, status: "Maintenance", statusClass: "maintenance", placement: PlannerPage.placement(window.period))
        }
        func days(_ blocks: [(Period, PlannerPage.Block)]) -> [PlannerPage.LaneDay] {
            dates.map { date in
                let inDay = blocks.filter { ParisClock.date(of: $0.0.start) == date }.sorted { $0.0.start < $1.0.start }.map(\.1)
                return PlannerPage.LaneDay(label: French.day(date), blocks: inDay)
            }
        }
        var lanes = staff.map { member in
            PlannerPage.Lane(
                name: member.displayName, kind: "Équipe",
                days: days(sessions.filter { $0.staff?.id == member.userId }.map { ($0.period, block($0)) }))
        }
        lanes += machines.compactMap { machine in
            let booked = sessions.filter { $0.machines.contains { $0.id == machine.id } }.map { ($0.period, block($0)) }
            let maintained = windows.filter { $0.machineId == machine.id }.map { ($0.period, maintenanceBlock($0)) }
            // A week shows every machine someone may book, and any other that has something on.
            guard machine.bookable || !booked.isEmpty || !maintained.isEmpty else { return nil }
            return PlannerPage.Lane(
                name: [machine.nature, machine.inventoryNumber.map { "n° \($0)" }].compactMap { $0 }.joined(separator: " "),
                kind: "Machine", days: days(booked + maintained))
        }
        let previous = shownDay.map { "/gestion/planning?jour=\($0.adding(days: -1))" } ?? "/gestion/planning?semaine=\(monday.adding(days: -7))"
        let next = shownDay.map { "/gestion/planning?jour=\($0.adding(days: 1))" } ?? "/gestion/planning?semaine=\(monday.adding(days: 7))"
        return PlannerPage(
            title: shownDay.map { "Planning du \(French.day($0))" } ?? "Planning de la semaine du \(French.day(monday))",
            nav: visitor.nav(.planner), csrf: visitor.csrf, dayView: shownDay != nil,
            previousHref: previous, nextHref: next, weekHref: "/gestion/planning?semaine=\(monday)",
            todayHref: "/gestion/planning?jour=\(today)",
            columns: dates.map { PlannerPage.Column(label: French.day($0), href: "/gestion/planning?jour=\($0)") },
            hours: PlannerPage.hourMarks,
            pending: pending.map { session in
                PlannerPage.Pending(
                    reference: session.reference, href: "/gestion/seances/\(session.reference)", when: French.period(session.period),
                    requester: session.requester.displayName, purpose: session.purpose,
                    machines: session.machines.isEmpty ? WebTexts.supportOnly : session.machines.map(\.nature).joined(separator: ", "),
                    staff: session.staff?.displayName ?? "—", confirmAction: "/gestion/seances/\(session.reference)/confirmer")
            },
            lanes: lanes)
    }

    // MARK: - A session, for the manager

    func consoleSessionPage(
        _ visitor: Visitor, reference: String, notice: String?, posted: Form?, refusal: FieldRefusal?
    ) async throws -> ConsoleSessionPage {
        let session = try await lab.sessions.find(reference, by: visitor.actor)
        let now = lab.now()
        let base = "/gestion/seances/\(session.reference)"
        let active = session.status.isActive
        let started = session.period.start <= now
        let plannedDay = ParisClock.date(of: session.period.start)
        func time(_ instant: Date) -> String { ParisClock.time(of: instant).description }
        return ConsoleSessionPage(
            title: "Séance \(session.reference)", nav: visitor.nav(.planner), csrf: visitor.csrf, notice: notice,
            problem: refusal.flatMap { $0.field == nil || $0.field == "status" ? $0.said : nil },
            when: French.period(session.period), status: WebTexts.status(session.status),
            statusClass: session.status.rawValue.replacingOccurrences(of: "_", with: "-"),
            requester: "\(session.requester.displayName) (\(session.requester.email))", organisation: session.organisationName,
            staff: session.staff?.displayName ?? (session.supervised ? "—" : "Sans encadrement"),
            machines: session.machines.isEmpty ? WebTexts.supportOnly : session.machines.map(\.nature).joined(separator: ", "),
            purpose: session.purpose, participants: session.participants,
            actual: session.actualPeriod.map(French.period),
            confirmAction: session.status == .requested ? "\(base)/confirmer" : nil,
            complete: session.status == .confirmed && started ? ConsoleSessionPage.Completion(
                action: "\(base)/terminer", day: posted?["jour"] ?? plannedDay.description,
                start: posted?["debut"] ?? time(session.period.start), end: posted?["fin"] ?? time(session.period.end),
                note: posted?["note"] ?? "", error: refusal.flatMap { ["actual", "start", "end", "note"].contains($0.field) ? $0.said : nil }) : nil,
            noShowAction: session.status == .confirmed && started ? "\(base)/absence" : nil,
            reschedule: active && !started ? ConsoleSessionPage.Rescheduling(
                action: "\(base)/deplacer", day: posted?["jour"] ?? plannedDay.description,
                start: posted?["debut"] ?? time(session.period.start), end: posted?["fin"] ?? time(session.period.end),
                reason: posted?["motif-deplacement"] ?? "", error: refusal.flatMap { $0.field == "moved" ? $0.said : nil }) : nil,
            cancel: active ? ConsoleSessionPage.Cancellation(
                action: "\(base)/annuler", reason: posted?["motif"] ?? "",
                error: refusal.flatMap { $0.field == "reason" ? $0.said : nil }) : nil,
            history: session.events.map { event in
                ConsoleSessionPage.Step(
                    status: WebTexts.step(event), when: French.dateTime(event.occurredAt), actor: event.actor, reason: event.reason)
            },
            plannerHref: "/gestion/planning?jour=\(plannedDay)", seriesHref: try await seriesHref(session))
    }
}
