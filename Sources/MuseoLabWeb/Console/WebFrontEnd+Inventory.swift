import Foundation
import Hummingbird
import MuseoLab

/// The inventory, for the manager: each machine's status, bookability, training and category;
/// and a new year's annex, uploaded, previewed line by line (a dry run of the import), then applied.
extension WebFrontEnd {
    func registerInventory<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/gestion/inventaire") { request, _ in
            try await staffPage(.console, request) { visitor in
                try await inventoryPage(visitor, notice: request.uri.queryParameters.get("fait").flatMap(ConsoleTexts.inventoryDone), refusal: nil)
            }
        }
        router.post("/gestion/inventaire/machines/:id") { request, context in
            try await staffForm(.console, request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                var changes = MachineChanges()
                changes.status = form["etat"].flatMap(MachineStatus.init(rawValue:))
                changes.bookable = form["reservable"] == "oui"
                changes.requiresAuthorisation = form["formation"] == "oui"
                let category = (form["categorie"] ?? "").trimmingCharacters(in: .whitespaces)
                if !category.isEmpty { changes.category = category }
                do {
                    _ = try await lab.inventory.update(id, changes, by: visitor.actor)
                } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError && problem.kind != .notFound {
                    return try page(
                        try await inventoryPage(visitor, notice: nil, refusal: FieldRefusal(field: id.uuidString.lowercased(), said: ConsoleTexts.machineRefusal(problem))),
                        status: .unprocessableContent)
                }
                return redirect("/gestion/inventaire?fait=machine#m-\(id.uuidString.lowercased())")
            }
        }
        // The annex, uploaded as a file: previewed, nothing changed.
        router.post("/gestion/inventaire/import") { request, _ in
            try await staffUpload(.console, request, limit: 1 << 20) { visitor, upload in
                guard let file = upload.files["annexe"], let text = file.text else {
                    return try page(try await inventoryPage(visitor, notice: nil, refusal: FieldRefusal(field: "annexe", said: ConsoleTexts.annexFile)),
                                    status: .unprocessableContent)
                }
                return try await annexImport(visitor, text: text, source: file.filename, year: upload.fields["annee"], dryRun: true)
            }
        }
        // The previewed annex, applied (read again and checked again by the domain).
        router.post("/gestion/inventaire/import/appliquer") { request, _ in
            try await staffForm(.console, request, limit: 1 << 20) { visitor, form in
                // The bytes previewed, exactly (base64: a form field would rewrite its line ends).
                let text = form["annexe"].flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) } ?? ""
                return try await annexImport(visitor, text: text, source: form["source"] ?? "annexe", year: form["annee"], dryRun: false)
            }
        }
    }

    /// Runs the import of an annex (a dry run first): the preview page, or once applied, back to the inventory.
    func annexImport(_ visitor: Visitor, text: String, source: String, year asked: String?, dryRun: Bool) async throws -> Response {
        guard let year = asked.flatMap({ Int($0) }) else {
            return try page(try await inventoryPage(visitor, notice: nil, refusal: FieldRefusal(field: "annee", said: ConsoleTexts.annexYear)),
                            status: .unprocessableContent)
        }
        let report: InventoryImportReport
        do {
            report = try await lab.annexImporter.importAnnex(text, source: source, year: year, dryRun: dryRun, by: visitor.actor)
        } catch let problem as Problem where problem.kind != .unavailable && problem.kind != .internalError {
            return try page(
                try await inventoryPage(visitor, notice: nil, refusal: FieldRefusal(
                    field: problem.field == "year" ? "annee" : "annexe", said: ConsoleTexts.annexRefusal(problem))),
                status: .unprocessableContent)
        }
        guard dryRun else { return redirect("/gestion/inventaire?fait=import") }
        let totals = report.totals
        return try page(AnnexPreviewPage(
            title: "Aperçu de l’import de l’annexe \(year)", nav: visitor.nav(.inventory), csrf: visitor.csrf, source: source, year: year,
            totals: [
                .init(label: "Lignes lues", value: totals.rows), .init(label: "Machines (unités)", value: totals.units),
                .init(label: "À créer", value: totals.created), .init(label: "Déjà connues", value: totals.matched),
                .init(label: "À mettre à jour", value: totals.updated), .init(label: "Répétées", value: totals.repeated),
                .init(label: "Lignes ignorées", value: totals.skipped), .init(label: "Avertissements", value: totals.warnings),
            ],
            lines: report.lines.map { line in
                AnnexPreviewPage.Line(
                    line: line.line, outcome: ConsoleTexts.outcome(line.outcome), outcomeClass: line.outcome.rawValue,
                    nature: line.nature, model: line.model ?? "—", inventoryNumber: line.inventoryNumber ?? "—",
                    unit: line.units > 1 ? "\(line.unit) / \(line.units)" : "",
                    remarks: line.remarks.map { remark in
                        AnnexPreviewPage.Remark(label: ConsoleTexts.remark(remark.code), detail: remark.message, warning: remark.isWarning)
                    },
                    warned: line.remarks.contains(where: \.isWarning))
            },
            skipped: report.skipped.map { .init(line: $0.line, reason: $0.reason) },
            text: Data(text.utf8).base64EncodedString()))
    }

    func inventoryPage(_ visitor: Visitor, notice: String?, refusal: FieldRefusal?) async throws -> InventoryPage {
        let machines = try await lab.inventory.list(by: visitor.actor)
        return InventoryPage(
            title: "Inventaire", nav: visitor.nav(.inventory), csrf: visitor.csrf, notice: notice,
            machines: machines.map { machine in
                let id = machine.id.uuidString.lowercased()
                return InventoryPage.Row(
                    id: id, anchor: "m-\(id)", action: "/gestion/inventaire/machines/\(id)", nature: machine.nature, model: machine.model ?? "—",
                    inventoryNumber: machine.inventoryNumber ?? "—", annex: machine.annexYear.map(String.init) ?? "—",
                    category: machine.category ?? "",
                    statuses: MachineStatus.allCases.map { status in
                        .init(value: status.rawValue, label: WebTexts.machineStatus(status), selected: status == machine.status)
                    },
                    bookable: machine.bookable, trainingRequired: machine.requiresAuthorisation,
                    error: refusal?.field == id ? refusal?.said : nil)
            },
            year: ParisClock.date(of: lab.now()).year + 1,
            fileError: refusal.flatMap { $0.field == "annexe" ? $0.said : nil },
            yearError: refusal.flatMap { $0.field == "annee" ? $0.said : nil })
    }
}
