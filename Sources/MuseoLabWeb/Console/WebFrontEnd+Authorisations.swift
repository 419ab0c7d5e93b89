import Foundation
import Hummingbird
import MuseoLab

/// Who may use which machine or category, until when: granted and revoked by the manager.
extension WebFrontEnd {
    func registerAuthorisations<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/autorisations") { request, _ in
            try await staffPage(.console, request) { visitor in
                try await authorisationsPage(visitor, notice: request.uri.queryParameters.get("fait").flatMap(ConsoleTexts.authorisationDone), posted: nil, refusal: nil)
            }
        }
        router.post("/gestion/autorisations") { request, _ in
            try await staffForm(.console, request) { visitor, form in
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    try page(try await authorisationsPage(visitor, notice: nil, posted: form, refusal: refusal), status: .unprocessableContent)
                }
                guard let userId = form["membre"].flatMap(UUID.init(uuidString:)) else {
                    return try await again(FieldRefusal(field: "userId", said: ConsoleTexts.chooseMember))
                }
                let target = form["cible"] ?? ""
                let machineId = target.hasPrefix("machine:") ? UUID(uuidString: String(target.dropFirst(8))) : nil
                let category = target.hasPrefix("categorie:") ? String(target.dropFirst(10)) : nil
                guard machineId != nil || category != nil else { return try await again(FieldRefusal(field: "machineId", said: ConsoleTexts.chooseTarget)) }
                let until = (form["jusqua"] ?? "").isEmpty ? nil : form["jusqua"]
                guard until == nil || CalendarDate(until!) != nil else { return try await again(FieldRefusal(field: "expiresOn", said: ConsoleTexts.untilDate)) }
                do {
                    _ = try await lab.authorisations.grant(
                        to: userId, machineId: machineId, category: category, grantedOn: nil, expiresOn: until.flatMap(CalendarDate.init),
                        note: form["note"], by: visitor.actor)
                } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError {
                    return try await again(FieldRefusal(field: problem.field, said: ConsoleTexts.authorisationRefusal(problem)))
                }
                return redirect("/gestion/autorisations?fait=accordee")
            }
        }
        router.post("/gestion/formations/:id/planifier") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                func again(_ said: String) async throws -> Response {
                    try page(try await authorisationsPage(visitor, notice: nil, posted: nil, refusal: nil, training: .init(id: id, form: form, said: said)),
                             status: .unprocessableContent)
                }
                guard let period = Self.period(form) else { return try await again(ConsoleTexts.trainingTimes) }
                let validity = (form["validite"] ?? "").trimmingCharacters(in: .whitespaces)
                guard validity.isEmpty || Int(validity) != nil else { return try await again(ConsoleTexts.trainingValidity) }
                do {
                    let planned = try await lab.trainings.plan(
                        id, period: period, staffId: nil, validityMonths: Int(validity), by: visitor.actor)
                    return redirect("/gestion/seances/\(planned.session.reference)?fait=formation")
                } catch let problem as Problem where ![.unavailable, .internalError, .notFound].contains(problem.kind) {
                    return try await again(problem.field == "validityMonths" ? ConsoleTexts.trainingValidity : WebTexts.bookingRefusal(problem))
                }
            }
        }
        router.post("/gestion/autorisations/:id/revoquer") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                do {
                    _ = try await lab.authorisations.revoke(id, reason: form["motif"], by: visitor.actor)
                } catch let problem as Problem where problem.kind == .conflict || problem.kind == .invalidField {
                    return try page(
                        try await authorisationsPage(visitor, notice: nil, posted: nil, refusal: FieldRefusal(field: nil, said: ConsoleTexts.authorisationRefusal(problem))),
                        status: .unprocessableContent)
                }
                return redirect("/gestion/autorisations?fait=revoquee")
            }
        }
    }

    /// The training form posted, and what the domain said of it.
    struct PostedTraining {
        var id: UUID
        var form: Form
        var said: String
    }

    func authorisationsPage(
        _ visitor: Visitor, notice: String?, posted: Form?, refusal: FieldRefusal?, training: PostedTraining? = nil
    ) async throws -> AuthorisationsPage {
        let today = ParisClock.date(of: lab.now())
        let held = try await lab.authorisations.list(userId: nil, by: visitor.actor)
        let users = try await lab.users.list(by: visitor.actor).filter { $0.disabledAt == nil }
        let machines = try await lab.inventory.list(by: visitor.actor).filter { $0.status != .retired }
        let people = Dictionary(users.map { ($0.id, $0) }) { first, _ in first }
        let machineNames = Dictionary(machines.map { ($0.id, $0) }) { first, _ in first }
        let categories = Set(machines.compactMap(\.category)).sorted()
        func machineLabel(_ machine: Machine) -> String {
            [machine.nature, machine.inventoryNumber.map { "n° \($0)" }].compactMap { $0 }.joined(separator: " ")
        }
        let asked = try await lab.trainings.list(userId: nil, by: visitor.actor).filter { $0.status == .asked }
        var page = AuthorisationsPage(
            title: "Habilitations", nav: visitor.nav(.authorisations), csrf: visitor.csrf, notice: notice,
            problem: refusal.flatMap { $0.field == nil ? $0.said : nil },
            current: held.filter { $0.revokedAt == nil }.sorted { $0.grantedOn > $1.grantedOn }.map { authorisation in
                let person = people[authorisation.userId]
                return AuthorisationsPage.Held(
                    person: person.map { "\($0.displayName) (\($0.email))" } ?? "—",
                    covers: authorisation.machineId.flatMap { machineNames[$0] }.map(machineLabel)
                        ?? authorisation.category.map { "Catégorie \($0)" } ?? "—",
                    granted: French.day(authorisation.grantedOn),
                    until: authorisation.expiresOn.map(French.day) ?? "Sans limite",
                    valid: authorisation.isValid(on: today), note: authorisation.note,
                    revokeAction: "/gestion/autorisations/\(authorisation.id.uuidString.lowercased())/revoquer",
                    id: authorisation.id.uuidString.lowercased())
            },
            members: users.sorted { $0.displayName < $1.displayName }.map { user in
                let value = user.id.uuidString.lowercased()
                return AuthorisationsPage.Option(value: value, label: "\(user.displayName) (\(user.email))", selected: posted?["membre"] == value)
            },
            targets: categories.map { category in
                AuthorisationsPage.Option(value: "categorie:\(category)", label: "Catégorie \(category)", selected: posted?["cible"] == "categorie:\(category)")
            } + machines.filter(\.requiresAuthorisation).map { machine in
                let value = "machine:\(machine.id.uuidString.lowercased())"
                return AuthorisationsPage.Option(value: value, label: machineLabel(machine), selected: posted?["cible"] == value)
            },
            until: posted?["jusqua"] ?? "", note: posted?["note"] ?? "",
            memberError: refusal.flatMap { $0.field == "userId" ? $0.said : nil },
            targetError: refusal.flatMap { ["machineId", "category"].contains($0.field) ? $0.said : nil },
            untilError: refusal.flatMap { $0.field == "expiresOn" ? $0.said : nil },
            noteError: refusal.flatMap { $0.field == "note" ? $0.said : nil })
        page.trainings = asked.map { request in
            let mine = training?.id == request.id ? training : nil
            let id = request.id.uuidString.lowercased()
            return AuthorisationsPage.AskedTraining(
                id: id, person: people[request.userId].map { "\($0.displayName) (\($0.email))" } ?? "—",
                subject: request.machineId.flatMap { machineNames[$0] }.map(machineLabel) ?? request.category.map { "catégorie \($0)" } ?? "—",
                asked: French.day(ParisClock.date(of: request.askedAt)), note: request.note, planAction: "/gestion/formations/\(id)/planifier",
                planDay: mine?.form["jour"] ?? "", planStart: mine?.form["debut"] ?? "", planEnd: mine?.form["fin"] ?? "",
                planValidity: mine?.form["validite"] ?? "24", planProblem: mine?.said)
        }
        return page
    }
}
