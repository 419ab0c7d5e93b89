import Foundation
import Hummingbird
import MuseoLab

/// The member's waiting list (`/mes-attentes`): ask to be told when a taken machine, or a staff
/// member's time, frees up; see what is waiting, told or withdrawn; withdraw.
extension WebFrontEnd {
    func registerWaitingList<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/mes-attentes") { request, _ in
            try await signedIn(request) { visitor in
                let query = request.uri.queryParameters
                var page = try await waitingPage(visitor, posted: nil, refusal: nil)
                if let machine = query.get("machine") { page.form.resources = page.form.resources.map { Self.chosen($0, "m:\(machine)") } }
                page.notice = query.get("fait").flatMap(WaitingTexts.done)
                return page
            }
        }
        router.post("/mes-attentes") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            func again(_ field: String, _ said: String) async throws -> Response {
                try page(try await waitingPage(visitor, posted: form, refusal: FieldRefusal(field: field, said: said)), status: .unprocessableContent)
            }
            let resource = form["ressource"] ?? ""
            let id = UUID(uuidString: String(resource.dropFirst(2)))
            guard let id, resource.hasPrefix("m:") || resource.hasPrefix("s:") else { return try await again("ressource", WaitingTexts.chooseResource) }
            guard let day = CalendarDate((form["jour"] ?? "").trimmingCharacters(in: .whitespaces)) else { return try await again("jour", WaitingTexts.day) }
            guard let from = LocalTime(form["debut"] ?? ""), let start = try? ParisClock.instant(day, from) else {
                return try await again("debut", WaitingTexts.time)
            }
            guard let to = LocalTime(form["fin"] ?? ""), let end = try? ParisClock.instant(day, to) else { return try await again("fin", WaitingTexts.time) }
            do {
                _ = try await lab.waitingList.ask(
                    machineId: resource.hasPrefix("m:") ? id : nil, staffId: resource.hasPrefix("s:") ? id : nil, period: Period(start: start, end: end),
                    by: visitor.actor)
                return redirect("/mes-attentes?fait=attente")
            } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError {
                let field = switch problem.field {
                case "machineId"?, "staffId"?: "ressource"
                default: "fin"
                }
                return try await again(field, WaitingTexts.refusal(problem))
            }
        }
        router.post("/mes-attentes/:id/retirer") { request, context in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
            do {
                _ = try await lab.waitingList.withdraw(id, by: visitor.actor)
                return redirect("/mes-attentes?fait=retiree")
            } catch let problem as Problem where problem.kind == .invalidTransition {
                return try page(try await waitingPage(visitor, posted: nil, refusal: FieldRefusal(field: nil, said: WaitingTexts.closed)), status: .conflict)
            } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
                return try notFoundPage(visitor)
            }
        }
    }

    static func chosen(_ choice: Choice, _ value: String) -> Choice {
        Choice(value: choice.value, label: choice.label, selected: choice.value == value)
    }

    func waitingPage(_ visitor: Visitor, posted: Form?, refusal: FieldRefusal?) async throws -> WaitingListPage {
        let requests = try await lab.waitingList.list(userId: visitor.user.id, by: visitor.actor)
        let machines = try await lab.inventory.list(by: visitor.actor).filter { $0.status == .inService && $0.bookable }
        let staff = try await lab.staffAvailability.staff()
        let names = Dictionary(machines.map { ($0.id, $0.nature) }) { first, _ in first }
            .merging(staff.map { ($0.userId, "l’accompagnement de \($0.displayName)") }) { first, _ in first }
        let picked = posted?["ressource"]
        let resources = machines.map { Choice(value: "m:\(Self.text($0.id))", label: $0.nature + ($0.inventoryNumber.map { " (n° \($0))" } ?? ""), selected: false) }
            + staff.map { Choice(value: "s:\(Self.text($0.userId))", label: "Accompagnement de \($0.displayName)", selected: false) }
        func said(_ field: String) -> String? { refusal?.field == field ? refusal?.said : nil }
        let tomorrow = ParisClock.date(of: lab.now()).adding(days: 1)
        return WaitingListPage(
            nav: visitor.nav(.waiting), csrf: visitor.csrf, notice: nil, problem: refusal?.field == nil ? refusal?.said : nil,
            requests: requests.reversed().map { request in
                WaitingListPage.Request(
                    what: names[request.machineId ?? request.staffId ?? UUID()] ?? "une ressource retirée", when: French.period(request.period),
                    status: WaitingTexts.status(request.status), statusClass: request.status.rawValue,
                    withdrawAction: request.status == .waiting ? "/mes-attentes/\(Self.text(request.id))/retirer" : nil)
            },
            form: .init(
                resources: picked.map { value in resources.map { Self.chosen($0, value) } } ?? resources,
                day: posted?["jour"] ?? tomorrow.description, from: posted?["debut"] ?? "10:00", to: posted?["fin"] ?? "12:00",
                resourceError: said("ressource"), dayError: said("jour"), fromError: said("debut"), toError: said("fin")))
    }
}
