import Foundation
import Hummingbird
import MuseoLab

/// The fablab's calendar, for the manager: opening hours, closures (public holidays and LLV's),
/// each staff member's weekly pattern and exceptions, and maintenance windows (refused over
/// bookings unless the manager asks to cancel them, as in the API).
extension WebFrontEnd {
    func registerCalendar<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/calendrier") { request, _ in
            try await staffPage(.console, request) { visitor in
                try await calendarPage(visitor, notice: request.uri.queryParameters.get("fait").flatMap(ConsoleTexts.calendarDone), posted: nil, refusal: nil)
            }
        }
        router.post("/gestion/calendrier/horaires") { request, _ in
            try await staffForm(.console, request) { visitor, form in
                try await calendarStep(visitor, form, done: "horaires") {
                    _ = try await lab.calendar.setOpeningHours(try Self.weekly(form, prefix: "horaires"), by: visitor.actor)
                }
            }
        }
        router.post("/gestion/calendrier/fermetures") { request, _ in
            try await staffForm(.console, request) { visitor, form in
                try await calendarStep(visitor, form, done: "fermeture") {
                    guard let from = form["du"].flatMap(CalendarDate.init), let to = form["au"].flatMap(CalendarDate.init) else {
                        throw Problem.invalid("closure", "give both days")
                    }
                    _ = try await lab.calendar.addClosure(from: from, to: to, label: form["libelle"] ?? "", by: visitor.actor)
                }
            }
        }
        router.post("/gestion/calendrier/fermetures/:id/retirer") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                return try await calendarStep(visitor, form, done: "fermeture-retiree") { _ = try await lab.calendar.withdrawClosure(id, by: visitor.actor) }
            }
        }
        router.post("/gestion/calendrier/equipe/:id") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                return try await calendarStep(visitor, form, done: "equipe") {
                    _ = try await lab.staffAvailability.setWeekly(id, try Self.weekly(form, prefix: "equipe"), by: visitor.actor)
                }
            }
        }
        router.post("/gestion/calendrier/equipe/:id/exceptions") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                return try await calendarStep(visitor, form, done: "exception") {
                    _ = try await lab.staffAvailability.addException(
                        id, period: try Self.period(form, field: "exception"), available: form["disponible"] == "oui", reason: form["motif"],
                        by: visitor.actor)
                }
            }
        }
        router.post("/gestion/calendrier/exceptions/:id/retirer") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                return try await calendarStep(visitor, form, done: "exception-retiree") { try await lab.staffAvailability.withdrawException(id, by: visitor.actor) }
            }
        }
        router.post("/gestion/calendrier/maintenance") { request, _ in
            try await staffForm(.console, request) { visitor, form in
                try await calendarStep(visitor, form, done: "maintenance") {
                    guard let machineId = form["machine"].flatMap(UUID.init(uuidString:)) else { throw Problem.invalid("machineId", "choose a machine") }
                    _ = try await lab.maintenance.add(
                        machineId: machineId, period: try Self.period(form, field: "maintenance"), reason: form["motif"] ?? "",
                        cancelConflicting: form["annuler"] == "oui", by: visitor.actor)
                }
            }
        }
        router.post("/gestion/calendrier/maintenance/:id/retirer") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                return try await calendarStep(visitor, form, done: "maintenance-retiree") { _ = try await lab.maintenance.withdraw(id, by: visitor.actor) }
            }
        }
    }

    /// Runs one change of the calendar: back to the page with what was done, or the page again
    /// with the domain's refusal said at its form.
    func calendarStep(_ visitor: Visitor, _ form: Form, done: String, _ change: () async throws -> Void) async throws -> Response {
        do {
            try await change()
        } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError && problem.kind != .notFound {
            let refusal = FieldRefusal(field: form["formulaire"], said: ConsoleTexts.calendarRefusal(problem))
            return try page(
                try await calendarPage(visitor, notice: nil, posted: form, refusal: refusal),
                status: problem.kind == .bookingConflict ? .conflict : .unprocessableContent)
        }
        return redirect("/gestion/calendrier?fait=\(done)")
    }

    /// A week's ranges from one text field per weekday (`<prefix>-1` … `<prefix>-7`).
    static func weekly(_ form: Form, prefix: String) throws -> [WeeklyInterval] {
        try Weekday.allCases.flatMap { day in
            try WeeklyInterval.ranges(form["\(prefix)-\(day.rawValue)"] ?? "", on: day, field: "\(prefix)-\(day.rawValue)")
        }
    }

    /// A period from a day and two times of the form.
    static func period(_ form: Form, field: String) throws -> Period {
        guard let day = form["jour"].flatMap(CalendarDate.init), let from = form["debut"].flatMap(LocalTime.init),
            let to = form["fin"].flatMap(LocalTime.init)
        else { throw Problem.invalid(field, "give the day and the times") }
        return Period(start: try ParisClock.instant(day, from), end: try ParisClock.instant(day, to))
    }

    /// `09:00-12:30, 13:30-18:00`, a weekday's ranges as its text field shows them.
    static func ranges(_ intervals: [WeeklyInterval], on day: Weekday) -> String {
        intervals.filter { $0.weekday == day }.sorted().map { "\($0.start)-\($0.end)" }.joined(separator: ", ")
    }

    func calendarPage(_ visitor: Visitor, notice: String?, posted: Form?, refusal: FieldRefusal?) async throws -> CalendarPage {
        let now = lab.now()
        let today = ParisClock.date(of: now)
        let hours = try await lab.calendar.openingHours()
        let closures = try await lab.calendar.closures(year: today.year) + lab.calendar.closures(year: today.year + 1)
        let staff = try await lab.staffAvailability.staff()
        let ahead = Period(start: now, end: now.addingTimeInterval(90 * 86_400))
        let machines = try await lab.inventory.list(by: visitor.actor).filter { $0.status != .retired }
        let windows = try await lab.maintenance.within(ahead, by: visitor.actor)
        func said(_ form: String) -> String? { refusal?.field == form ? refusal?.said : nil }
        /// A week's text fields, as posted when it was this form that was refused.
        func week(_ intervals: [WeeklyInterval], prefix: String, form: String, ids: String = "") -> [CalendarPage.Day] {
            Weekday.allCases.map { day in
                let name = "\(prefix)-\(day.rawValue)"
                return CalendarPage.Day(
                    name: name, label: French.weekdays[day.rawValue - 1].capitalized,
                    ranges: posted?["formulaire"] == form ? posted?[name] ?? "" : Self.ranges(intervals, on: day), id: ids + name)
            }
        }
        let standing = try await lab.staffAvailability.standingExceptions(of: staff.map(\.userId), within: ahead)
        var people: [CalendarPage.Staff] = []
        for member in staff {
            let id = member.userId.uuidString.lowercased()
            let form = "equipe-\(id)"
            people.append(CalendarPage.Staff(
                name: member.displayName, action: "/gestion/calendrier/equipe/\(id)",
                exceptionAction: "/gestion/calendrier/equipe/\(id)/exceptions", form: form,
                days: week(member.weekly, prefix: "equipe", form: form, ids: "\(id)-"),
                exceptions: (standing[member.userId] ?? []).map { exception in
                    CalendarPage.Exception(
                        when: French.period(exception.period), kind: exception.available ? "Disponible en plus" : "Absent",
                        reason: exception.reason, withdrawAction: "/gestion/calendrier/exceptions/\(exception.id.uuidString.lowercased())/retirer")
                },
                error: said(form), exceptionError: said("exception-\(id)"), exceptionForm: "exception-\(id)"))
        }
        let machineNames = Dictionary(machines.map { ($0.id, $0.nature + ($0.inventoryNumber.map { " n° \($0)" } ?? "")) }) { first, _ in first }
        return CalendarPage(
            title: "Calendrier", nav: visitor.nav(.opening), csrf: visitor.csrf, notice: notice,
            hours: week(hours, prefix: "horaires", form: "horaires"), hoursError: said("horaires"),
            closures: closures.filter { $0.withdrawnAt == nil && $0.endsOn >= today }.map { closure in
                CalendarPage.ClosureRow(
                    when: closure.startsOn == closure.endsOn ? French.day(closure.startsOn) : "du \(French.day(closure.startsOn)) au \(French.day(closure.endsOn))",
                    label: closure.label, kind: closure.kind == .publicHoliday ? "Jour férié" : "Fermeture du LLV",
                    withdrawAction: closure.id.map { "/gestion/calendrier/fermetures/\($0.uuidString.lowercased())/retirer" })
            },
            closureError: said("fermeture"),
            staff: people,
            machines: machines.map { machine in
                let value = machine.id.uuidString.lowercased()
                return CalendarPage.Option(value: value, label: machineNames[machine.id] ?? machine.nature, selected: posted?["machine"] == value)
            },
            maintenance: windows.map { window in
                CalendarPage.Window(
                    machine: machineNames[window.machineId] ?? "—", when: French.period(window.period), reason: window.reason,
                    withdrawAction: "/gestion/calendrier/maintenance/\(window.id.uuidString.lowercased())/retirer")
            },
            maintenanceError: said("maintenance"))
    }
}
