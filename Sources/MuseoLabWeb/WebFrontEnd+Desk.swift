import Foundation
import Hummingbird
import MuseoLab
import MuseoLabHTTP

/// The accountant's desk (`/comptabilite/…`, opened by `.manageBilling`): the tariff grid's
/// versions, what is to invoice, invoices and credit notes with their files, the accounting
/// exports. Every figure and every rule is the domain's; these pages read forms and say in French.
extension WebFrontEnd {
    func registerDesk<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        // MARK: The tariff grid
        router.get("/comptabilite/tarifs") { request, _ in
            try await staffResponse(.desk, request) { visitor in
                var page = try await tariffsPage(visitor, day: request.uri.queryParameters.get("jour"))
                page.notice = request.uri.queryParameters.get("fait") == "charge" ? DeskTexts.versionLoaded : nil
                return try deskPage(visitor, page, status: page.dayError == nil ? .ok : .unprocessableContent)
            }
        }
        // A new version, uploaded as a file (or pasted) and read line by line: nothing is loaded.
        router.post("/comptabilite/tarifs/apercu") { request, _ in
            try await staffUpload(.desk, request, limit: 1 << 20) { visitor, upload in
                var page = try await tariffsPage(visitor, day: nil, posted: Form(fields: upload.fields))
                // A chosen file wins over a pasted table; a browser sends an empty, unnamed part when none is chosen.
                let file = upload.files["fichier"].flatMap { $0.filename.isEmpty && $0.data.isEmpty ? nil : $0 }
                if let file, file.text == nil { page.tableError = DeskTexts.unreadableFile }
                let table = file?.text ?? page.table
                if file == nil, table.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { page.tableError = DeskTexts.emptyTable }
                if CalendarDate(page.effectiveFrom) == nil { page.effectiveFromError = DeskTexts.effectiveFrom }
                guard page.tableError == nil, page.effectiveFromError == nil else { return try self.page(page, status: .unprocessableContent) }
                do {
                    let lines = try await lab.tariffs.preview(table, by: visitor.actor)
                    page.table = table
                    page.preview = DeskTariffsPage.Preview(
                        effectiveDay: CalendarDate(page.effectiveFrom).map(French.day) ?? page.effectiveFrom,
                        source: file.map { "Le fichier « \($0.filename) »" } ?? "Le tableau collé",
                        items: try await tariffItems(lines.map(\.item), lines: lines.map(\.line)),
                        bytes: Data(table.utf8).base64EncodedString())
                    return try self.page(page)
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    // What was uploaded stays on the page, in the table's box, to be fixed there.
                    page.table = table
                    page.tableError = DeskTexts.refusal(problem)
                    return try self.page(page, status: .unprocessableContent)
                }
            }
        }
        // The previewed table, loaded (read and checked again by the domain, from the same bytes).
        router.post("/comptabilite/tarifs") { request, _ in
            try await staffForm(.desk, request, limit: 2 << 20) { visitor, form in
                var page = try await tariffsPage(visitor, day: nil, posted: form)
                page.table = form["tableau"].flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) } ?? ""
                guard let effectiveFrom = CalendarDate(page.effectiveFrom) else {
                    page.effectiveFromError = DeskTexts.effectiveFrom
                    return try self.page(page, status: .unprocessableContent)
                }
                guard !page.table.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    page.tableError = DeskTexts.emptyTable
                    return try self.page(page, status: .unprocessableContent)
                }
                do {
                    let version = try await lab.tariffs.load(
                        page.table, effectiveFrom: effectiveFrom, label: page.label.isEmpty ? nil : page.label, by: visitor.actor)
                    return redirect("/comptabilite/tarifs?fait=charge&jour=\(version.effectiveFrom)")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    switch (problem.field, problem.kind) {
                    case ("label"?, _): page.labelError = DeskTexts.refusal(problem)
                    case ("table"?, _): page.tableError = DeskTexts.refusal(problem)
                    default: page.effectiveFromError = DeskTexts.refusal(problem)
                    }
                    return try self.page(page, status: .unprocessableContent)
                }
            }
        }

        // MARK: What is to invoice
        router.get("/comptabilite/a-facturer") { request, _ in
            try await staffResponse(.desk, request) { visitor in
                var page = try await toInvoicePage(visitor, posted: nil)
                page.notice = switch request.uri.queryParameters.get("fait") {
                case "consommable": DeskTexts.consumableAdded
                case "coordonnees": DeskTexts.billingDetailsSaved
                default: nil
                }
                return try deskPage(visitor, page)
            }
        }
        router.post("/comptabilite/a-facturer/consommables") { request, _ in
            try await staffForm(.desk, request) { visitor, form in
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    var page = try await toInvoicePage(visitor, posted: form)
                    switch refusal.field {
                    case "customerId": page.consumable.customerError = refusal.said
                    case "tariffCode": page.consumable.consumableError = refusal.said
                    case "quantity": page.consumable.quantityError = refusal.said
                    case "serviceDate": page.consumable.dayError = refusal.said
                    case "description": page.consumable.descriptionError = refusal.said
                    default: page.consumable.problem = refusal.said
                    }
                    return try self.page(page, status: .unprocessableContent)
                }
                guard let customer = UUID(uuidString: form["client"] ?? "") else {
                    return try await again(FieldRefusal(field: "customerId", said: DeskTexts.chooseCustomer))
                }
                guard let quantity = Int((form["quantite"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                    return try await again(FieldRefusal(field: "quantity", said: DeskTexts.quantity))
                }
                guard let day = CalendarDate((form["jour"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                    return try await again(FieldRefusal(field: "serviceDate", said: DeskTexts.day))
                }
                let description = (form["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                do {
                    _ = try await lab.billableItems.addConsumable(
                        customerId: customer, tariffCode: form["code"] ?? "", quantity: quantity, serviceDate: day,
                        description: description.isEmpty ? nil : description, by: visitor.actor)
                    return redirect("/comptabilite/a-facturer?fait=consommable")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    return try await again(FieldRefusal(field: problem.field, said: DeskTexts.refusal(problem)))
                }
            }
        }

        // A customer's billing details, where its draft is prepared: what Chorus Pro and the accounts need.
        router.post("/comptabilite/clients/:id") { request, context in
            try await staffForm(.desk, request) { visitor, form in
                guard let id = UUID(uuidString: context.parameters.get("id") ?? "") else { throw Problem.notFound("organisation") }
                func value(_ name: String) -> String? {
                    let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
                    return text.isEmpty ? nil : text
                }
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    try self.page(try await toInvoicePage(visitor, posted: nil, billing: .init(customerId: id, form: form, refusal: refusal)),
                                  status: .unprocessableContent)
                }
                let changes = OrganisationChanges(
                    siret: value("siret")?.replacingOccurrences(of: " ", with: ""), chorusServiceCode: value("service"),
                    customerAccount: value("compte")?.uppercased())
                guard !changes.isEmpty else { return try await again(FieldRefusal(field: nil, said: DeskTexts.nothingToSave)) }
                do {
                    _ = try await lab.organisations.update(id, changes, by: visitor.actor)
                    return redirect("/comptabilite/a-facturer?fait=coordonnees")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    return try await again(FieldRefusal(field: problem.field, said: DeskTexts.refusal(problem)))
                }
            }
        }

        // MARK: Invoices and credit notes
        router.get("/comptabilite/factures") { request, _ in
            try await staffResponse(.desk, request) { visitor in
                try deskPage(visitor, try await invoicesPage(visitor, posted: nil))
            }
        }
        router.post("/comptabilite/factures/brouillon") { request, _ in
            try await staffForm(.desk, request) { visitor, form in
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    var page = try await invoicesPage(visitor, posted: form)
                    switch refusal.field {
                    case "customerId": page.draft.customerError = refusal.said
                    case "from": page.draft.fromError = refusal.said
                    case "to": page.draft.toError = refusal.said
                    case "commitmentNumber": page.draft.commitmentError = refusal.said
                    default: page.draft.problem = refusal.said
                    }
                    return try self.page(page, status: .unprocessableContent)
                }
                guard let customer = UUID(uuidString: form["client"] ?? "") else {
                    return try await again(FieldRefusal(field: "customerId", said: DeskTexts.chooseCustomer))
                }
                guard let from = CalendarDate((form["du"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                    return try await again(FieldRefusal(field: "from", said: DeskTexts.from))
                }
                guard let to = CalendarDate((form["au"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                    return try await again(FieldRefusal(field: "to", said: DeskTexts.to))
                }
                let commitment = (form["engagement"] ?? "").trimmingCharacters(in: .whitespaces)
                do {
                    let draft = try await lab.invoices.draft(
                        customerId: customer, from: from, to: to, serviceCode: nil, commitmentNumber: commitment.isEmpty ? nil : commitment,
                        by: visitor.actor)
                    return redirect("/comptabilite/factures/\(Self.text(draft.id))?fait=brouillon")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    let field = problem.kind == .endNotAfterStart ? "to" : problem.field
                    return try await again(FieldRefusal(field: field, said: DeskTexts.refusal(problem)))
                }
            }
        }
        router.get("/comptabilite/factures/:id") { request, context in
            try await staffResponse(.desk, request) { visitor in
                let invoice = try await lab.invoices.get(try Self.invoiceId(context), by: visitor.actor)
                var page = try await invoicePage(visitor, invoice)
                page.notice = switch request.uri.queryParameters.get("fait") {
                case "brouillon": DeskTexts.drafted
                case "emis": DeskTexts.issued
                case "abandonne": DeskTexts.discarded
                case "avoir": DeskTexts.creditDrafted
                default: nil
                }
                return try deskPage(visitor, page)
            }
        }
        router.post("/comptabilite/factures/:id/emettre") { request, context in
            try await staffForm(.desk, request) { visitor, form in
                let invoice = try await lab.invoices.get(try Self.invoiceId(context), by: visitor.actor)
                guard form["confirme"] == "oui" else {
                    var page = try await invoicePage(visitor, invoice)
                    page.draft?.confirmError = DeskTexts.confirmIssue
                    return try self.page(page, status: .unprocessableContent)
                }
                do {
                    _ = try await lab.invoices.issue(invoice.id, by: visitor.actor)
                    return redirect("/comptabilite/factures/\(Self.text(invoice.id))?fait=emis")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    var page = try await invoicePage(visitor, try await lab.invoices.get(invoice.id, by: visitor.actor))
                    page.problem = DeskTexts.refusal(problem)
                    return try self.page(page, status: .unprocessableContent)
                }
            }
        }
        router.post("/comptabilite/factures/:id/abandonner") { request, context in
            try await staffForm(.desk, request) { visitor, _ in
                let invoice = try await lab.invoices.get(try Self.invoiceId(context), by: visitor.actor)
                do {
                    _ = try await lab.invoices.discard(invoice.id, by: visitor.actor)
                    return redirect("/comptabilite/factures/\(Self.text(invoice.id))?fait=abandonne")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    var page = try await invoicePage(visitor, try await lab.invoices.get(invoice.id, by: visitor.actor))
                    page.problem = DeskTexts.refusal(problem)
                    return try self.page(page, status: .unprocessableContent)
                }
            }
        }
        router.post("/comptabilite/factures/:id/avoir") { request, context in
            try await staffForm(.desk, request) { visitor, form in
                let invoice = try await lab.invoices.get(try Self.invoiceId(context), by: visitor.actor)
                func again(_ refusal: FieldRefusal) async throws -> Response {
                    var page = try await invoicePage(visitor, invoice, posted: form)
                    switch refusal.field {
                    case "reason": page.credit?.reasonError = refusal.said
                    case "lines", "reopenItems": page.credit?.linesError = refusal.said
                    default: page.problem = refusal.said
                    }
                    return try self.page(page, status: .unprocessableContent)
                }
                // Amounts typed for some lines: those lines, by those amounts; none: the invoice in full.
                var amounts: [UUID: Int] = [:]
                for line in invoice.lines {
                    let typed = (form["montant-\(Self.text(line.id))"] ?? "").trimmingCharacters(in: .whitespaces)
                    guard !typed.isEmpty else { continue }
                    guard let cents = Money.parseCents(typed.replacingOccurrences(of: "€", with: "").trimmingCharacters(in: .whitespaces)) else {
                        return try await again(FieldRefusal(field: "lines", said: DeskTexts.creditAmount))
                    }
                    amounts[line.id] = cents
                }
                do {
                    let note = try await lab.invoices.creditNote(
                        correcting: invoice.id, reason: form["motif"] ?? "", amounts: amounts.isEmpty ? nil : amounts,
                        reopenItems: form["remettre"] == "oui", by: visitor.actor)
                    return redirect("/comptabilite/factures/\(Self.text(note.id))?fait=avoir")
                } catch let problem as Problem where Self.isFormRefusal(problem) {
                    return try await again(FieldRefusal(field: problem.field, said: DeskTexts.refusal(problem)))
                }
            }
        }
        router.get("/comptabilite/factures/:id/facture.html") { request, context in
            try await staffResponse(.desk, request) { visitor in
                let invoice = try await lab.invoices.get(try Self.invoiceId(context), by: visitor.actor)
                return Self.download(InvoiceHTML.render(invoice), type: "text/html; charset=utf-8", name: "\(Self.fileName(invoice)).html")
            }
        }
        // The files kept with an issued document, as its customer received them.
        for (path, kind, type, suffix) in [
            ("facture.pdf", IssuedFiles.Kind.pdf, "application/pdf", ".pdf"), ("facture.xml", .ubl, "application/xml; charset=utf-8", "-ubl.xml"),
            ("facture-cii.xml", .cii, "application/xml; charset=utf-8", "-cii.xml"),
        ] {
            router.get("/comptabilite/factures/:id/\(path)") { request, context in
                try await staffResponse(.desk, request) { visitor in
                    let invoice = try await lab.invoices.get(try Self.invoiceId(context), by: visitor.actor)
                    guard invoice.status == .issued else {
                        return try page(MessagePage(
                            title: "Fichier indisponible", message: DeskTexts.filesForIssued, nav: visitor.nav(.invoices),
                            nextHref: "/comptabilite/factures/\(Self.text(invoice.id))", nextLabel: "Retour au document"), status: .conflict)
                    }
                    let bytes = try await lab.invoices.file(kind, of: invoice.id, by: visitor.actor)
                    return Self.download(ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)), type: type, name: "\(Self.fileName(invoice))\(suffix)")
                }
            }
        }

        // MARK: Accounting exports
        router.get("/comptabilite/exports") { request, _ in
            try await staffResponse(.desk, request) { visitor in
                try deskPage(visitor, exportsPage(visitor, request))
            }
        }
        router.get("/comptabilite/exports/registre.csv") { request, _ in
            try await export(request) { visitor, from, to in
                let export = lab.accountingExport
                let chunks = try await StreamedText.chunks { write in try await export.register(from: from, to: to, by: visitor.actor, write: write) }
                return Self.download(chunks, type: "text/csv; charset=utf-8", name: "registre-factures-\(from)-\(to).csv")
            }
        }
        router.get("/comptabilite/exports/fec.txt") { request, _ in
            try await export(request) { visitor, from, to in
                let export = lab.accountingExport
                let name = try await export.fecFileName(to: to)
                let chunks = try await StreamedText.chunks { write in try await export.fec(from: from, to: to, by: visitor.actor, write: write) }
                return Self.download(chunks, type: "text/tab-separated-values; charset=utf-8", name: name)
            }
        }
    }

    // MARK: - Answers

    /// An answer of the desk: anyone signed out is sent to the sign-in page, a role the desk does
    /// not open gets the 403 page, what the domain does not find is the 404 page.
    func deskPage<P: Page>(_ visitor: Visitor, _ page: P, status: HTTPResponse.Status = .ok) throws -> Response {
        try self.page(page, status: status, csrf: visitor.newCSRF ? visitor.csrf : nil)
    }

    /// An export of the dates `du` and `au`: dates that do not read, or that the domain refuses,
    /// are the exports page again (422), saying which field.
    func export(
        _ request: Request, _ body: (Visitor, CalendarDate, CalendarDate) async throws -> Response
    ) async throws -> Response {
        try await staffResponse(.desk, request) { visitor in
            var page = exportsPage(visitor, request)
            guard let from = CalendarDate(page.from.trimmingCharacters(in: .whitespaces)) else {
                page.fromError = DeskTexts.from
                return try deskPage(visitor, page, status: .unprocessableContent)
            }
            guard let to = CalendarDate(page.to.trimmingCharacters(in: .whitespaces)) else {
                page.toError = DeskTexts.to
                return try deskPage(visitor, page, status: .unprocessableContent)
            }
            do {
                return try await body(visitor, from, to)
            } catch let problem as Problem where Self.isFormRefusal(problem) {
                if problem.field == "from" { page.fromError = DeskTexts.refusal(problem) } else { page.toError = DeskTexts.refusal(problem) }
                return try deskPage(visitor, page, status: .unprocessableContent)
            }
        }
    }

    /// What a form's answer says at its fields (the rest is the server's trouble or a 404).
    static func isFormRefusal(_ problem: Problem) -> Bool {
        ![.unavailable, .internalError, .notFound, .forbidden, .authenticationRequired].contains(problem.kind)
    }

    static func invoiceId(_ context: some RequestContext) throws -> UUID {
        guard let id = UUID(uuidString: context.parameters.get("id") ?? "") else { throw Problem.notFound("invoice") }
        return id
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func fileName(_ invoice: Invoice) -> String {
        invoice.number ?? "brouillon-\(text(invoice.id))"
    }

    /// A file to download, under its name.
    static func download(_ text: String, type: String, name: String) -> Response {
        download(ResponseBody(byteBuffer: ByteBuffer(string: text)), type: type, name: name)
    }

    /// An export streamed as the domain writes it, as the API's is: its checks (permissions,
    /// dates) ran before the first byte, so a refusal is still a page rather than a broken download.
    static func download<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, type: String, name: String) -> Response
    where Chunks.Element == ArraySlice<UInt8> {
        download(ResponseBody(asyncSequence: chunks.map { ByteBuffer(bytes: $0) }), type: type, name: name)
    }

    static func download(_ body: ResponseBody, type: String, name: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
                      .init("X-Content-Type-Options")!: "nosniff"],
            body: body)
    }

    // MARK: - Pages

    func tariffsPage(_ visitor: Visitor, day asked: String?, posted: Form? = nil) async throws -> DeskTariffsPage {
        let versions = try await lab.tariffs.versions()
        var day = ParisClock.date(of: lab.now())
        var dayError: String?
        if let asked {
            if let date = CalendarDate(asked.trimmingCharacters(in: .whitespaces)) { day = date } else { dayError = DeskTexts.day }
        }
        var inForce: DeskTariffsPage.InForce?
        if dayError == nil {
            do {
                let version = try await lab.tariffs.inForce(on: day)
                inForce = DeskTariffsPage.InForce(
                    day: French.day(day), label: version.label, effectiveFrom: French.day(version.effectiveFrom),
                    items: try await tariffItems(version.items), none: nil)
            } catch let problem as Problem where problem.kind == .notFound {
                inForce = DeskTariffsPage.InForce(day: French.day(day), label: nil, effectiveFrom: nil, items: [], none: DeskTexts.noVersion(on: French.day(day)))
            }
        }
        return DeskTariffsPage(
            nav: visitor.nav(.tariffs), csrf: visitor.csrf, notice: nil,
            versions: versions.reversed().map { version in
                .init(
                    label: version.label, effectiveFrom: French.day(version.effectiveFrom), items: version.items.count,
                    locked: version.lockedAt != nil, lockedSince: version.lockedAt.map(French.dateTime))
            },
            day: asked ?? day.description, dayError: dayError, inForce: inForce,
            table: posted?["grille"] ?? "", effectiveFrom: (posted?["date-effet"] ?? "").trimmingCharacters(in: .whitespaces),
            label: (posted?["libelle"] ?? "").trimmingCharacters(in: .whitespaces),
            tableError: nil, effectiveFromError: nil, labelError: nil, preview: nil)
    }

    /// Items of the grid with their prices by customer category, in the categories' order; with
    /// the table's `lines` (as the domain counts them in its refusals) or numbered from 1.
    func tariffItems(_ items: [TariffItem], lines: [Int]? = nil) async throws -> [DeskTariffsPage.Item] {
        let categories = try await lab.organisations.tariffCategories()
        return items.enumerated().map { index, item in
            let known = categories.filter { item.prices[$0.code] != nil }.map { DeskTariffsPage.Price(category: $0.label, amount: French.euros(item.prices[$0.code]!)) }
            let others = item.prices.keys.filter { code in !categories.contains { $0.code == code } }.sorted()
                .map { DeskTariffsPage.Price(category: $0, amount: French.euros(item.prices[$0]!)) }
            return DeskTariffsPage.Item(
                line: String(lines?[index] ?? index + 1), code: item.code, label: item.label, unit: DeskTexts.unit(item.unit),
                scope: DeskTexts.scope(item.appliesTo), vat: DeskTexts.vat(item.vat), prices: known + others)
        }
    }

    /// The billing details posted for one customer, and what the domain said of them.
    struct PostedBilling {
        var customerId: UUID
        var form: Form
        var refusal: FieldRefusal
    }

    func toInvoicePage(_ visitor: Visitor, posted: Form?, billing: PostedBilling? = nil) async throws -> DeskToInvoicePage {
        let items = try await lab.billableItems.toInvoice(by: visitor.actor)
        let organisations = try await lab.organisations.list(by: visitor.actor)
        let byId = Dictionary(organisations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func details(_ id: UUID) -> DeskToInvoicePage.BillingDetails {
            let organisation = byId[id]
            let posted = billing?.customerId == id ? billing : nil
            var details = DeskToInvoicePage.BillingDetails(
                siretValue: posted?.form["siret"] ?? organisation?.siret ?? "", serviceValue: posted?.form["service"] ?? organisation?.chorusServiceCode ?? "",
                accountValue: posted?.form["compte"] ?? organisation?.customerAccount ?? "",
                derivedAccount: Organisation.accountingAccount(set: nil, id: id),
                isPublicBody: organisation?.isPublicBody ?? false, missingSiret: organisation?.missingForInvoicing.contains("siret") ?? false)
            if let refusal = posted?.refusal {
                switch refusal.field {
                case "siret": details.siretError = refusal.said
                case "chorusServiceCode": details.serviceError = refusal.said
                case "customerAccount": details.accountError = refusal.said
                default: details.billingProblem = refusal.said
                }
            }
            return details
        }
        let customers = Dictionary(grouping: items, by: \.customerOrganisationId).map { id, items in
            DeskToInvoicePage.Customer(
                id: Self.text(id), name: byId[id]?.name ?? Self.text(id), count: items.count, total: French.euros(items.compactMap(\.netCents).reduce(0, +)),
                unpriced: items.contains { $0.netCents == nil } ? String(items.filter { $0.netCents == nil }.count) : nil,
                from: items.map(\.serviceDate).min()!.description, to: items.map(\.serviceDate).max()!.description,
                items: items.map { item in
                    .init(
                        day: French.day(item.serviceDate), kind: DeskTexts.itemKind(item.kind), description: item.description,
                        quantity: item.minutes.map { French.hours(minutes: $0) } ?? String(item.quantity),
                        amount: item.netCents.map(French.euros) ?? "tarifé au brouillon")
                },
                billing: details(id))
        }.sorted { $0.name < $1.name }
        let today = ParisClock.date(of: lab.now())
        let grid = try? await lab.tariffs.inForce(on: today)
        let chosenCustomer = posted?["client"]
        let chosenCode = posted?["code"]
        return DeskToInvoicePage(
            nav: visitor.nav(.toInvoice), csrf: visitor.csrf, notice: nil, customers: customers,
            consumable: .init(
                customers: customerOptions(organisations, chosen: chosenCustomer),
                consumables: (grid?.items ?? []).filter { $0.appliesTo == .consumable }.map {
                    Choice(value: $0.code, label: $0.label, selected: $0.code == chosenCode)
                },
                quantity: posted?["quantite"] ?? "1", day: posted?["jour"] ?? today.description, description: posted?["description"] ?? "",
                problem: nil, customerError: nil, consumableError: nil, quantityError: nil, dayError: nil, descriptionError: nil))
    }

    func customerOptions(_ organisations: [Organisation], chosen: String?) -> [Choice] {
        organisations.filter { $0.archivedAt == nil }.sorted { $0.name < $1.name }.map {
            Choice(value: Self.text($0.id), label: $0.name, selected: Self.text($0.id) == chosen)
        }
    }

    func invoicesPage(_ visitor: Visitor, posted: Form?) async throws -> DeskInvoicesPage {
        let documents = try await lab.invoices.list(customerId: nil, status: nil, kind: nil, by: visitor.actor)
        let chain = try await lab.invoices.verifyChain(by: visitor.actor)
        let organisations = try await lab.organisations.list(by: visitor.actor)
        let month = try Invoices.period(String(ParisClock.date(of: lab.now()).description.prefix(7)))
        return DeskInvoicesPage(
            nav: visitor.nav(.invoices), csrf: visitor.csrf, notice: nil,
            chain: .init(
                valid: chain.valid, documents: chain.documents,
                said: chain.valid
                    ? "La chaîne d'inaltérabilité est intacte : les empreintes des \(chain.documents) document(s) émis se suivent."
                    : "La chaîne d'inaltérabilité est rompue : un document émis a été modifié ou retiré.",
                brokenAt: chain.brokenAt, problem: chain.problem),
            documents: documents.map { invoice in
                .init(
                    href: "/comptabilite/factures/\(Self.text(invoice.id))", number: invoice.number ?? "—", kind: DeskTexts.kind(invoice.kind),
                    customer: invoice.buyer.name, date: invoice.issueDate.map(French.day) ?? "non émis",
                    total: French.euros(invoice.totals.grossCents), status: DeskTexts.status(invoice.status), statusClass: invoice.status.rawValue)
            },
            draft: .init(
                customers: customerOptions(organisations, chosen: posted?["client"]), from: posted?["du"] ?? month.from.description,
                to: posted?["au"] ?? month.to.description, commitment: posted?["engagement"] ?? "",
                problem: nil, customerError: nil, fromError: nil, toError: nil, commitmentError: nil))
    }

    func invoicePage(_ visitor: Visitor, _ invoice: Invoice, posted: Form? = nil) async throws -> DeskInvoicePage {
        let id = Self.text(invoice.id)
        let kind = DeskTexts.kind(invoice.kind)
        let heading = switch (invoice.status, invoice.number) {
        case (.issued, let number?): "\(kind) \(number)"
        case (.discarded, _): "Brouillon abandonné (\(kind.lowercased()))"
        default: invoice.kind == .invoice ? "Brouillon de facture" : "Brouillon d'avoir"
        }
        var creditNotes: [Invoice] = []
        if invoice.kind == .invoice && invoice.status == .issued {
            creditNotes = try await lab.invoices.list(customerId: invoice.customerOrganisationId, status: nil, kind: .creditNote, by: visitor.actor)
                .filter { $0.correctsInvoiceId == invoice.id && $0.status != .discarded }
        }
        return DeskInvoicePage(
            title: heading, nav: visitor.nav(.invoices), csrf: visitor.csrf, notice: nil, problem: nil, heading: heading, kind: kind,
            status: DeskTexts.status(invoice.status), statusClass: invoice.status.rawValue, customer: invoice.buyer.name,
            period: "du \(French.day(invoice.periodStart)) au \(French.day(invoice.periodEnd))",
            issueDate: invoice.issueDate.map(French.day), dueDate: invoice.kind == .invoice ? invoice.dueDate.map(French.day) : nil,
            issuedBy: invoice.issuedBy, serviceCode: invoice.buyerServiceCode, commitment: invoice.commitmentNumber,
            corrects: invoice.correctsInvoiceId.map { DeskInvoicePage.Link(href: "/comptabilite/factures/\(Self.text($0))", label: invoice.correctsNumber ?? "la facture corrigée") },
            creditReason: invoice.creditReason,
            lines: invoice.lines.map { line in
                .init(
                    description: line.description, day: French.day(line.serviceDate), quantity: Money.quantity(line.quantityMilli),
                    unit: DeskTexts.unit(line.unit), unitPrice: French.euros(line.unitPriceCents), net: French.euros(line.netCents),
                    vat: DeskTexts.vat(line.vat))
            },
            vatGroups: invoice.totals.groups.map { .init(vat: DeskTexts.vat($0.vat), base: French.euros($0.taxableCents), amount: French.euros($0.vatCents)) },
            totalNet: French.euros(invoice.totals.netCents), totalVat: French.euros(invoice.totals.vatCents),
            totalGross: French.euros(invoice.totals.grossCents), footprint: invoice.footprint, chainPosition: invoice.chainPosition,
            creditNotes: creditNotes.map { DeskInvoicePage.Link(href: "/comptabilite/factures/\(Self.text($0.id))", label: $0.number ?? "brouillon d'avoir") },
            htmlHref: "/comptabilite/factures/\(id)/facture.html",
            files: invoice.status == .issued
                ? DeskInvoicePage.Files(
                    pdf: "/comptabilite/factures/\(id)/facture.pdf", ubl: "/comptabilite/factures/\(id)/facture.xml",
                    cii: "/comptabilite/factures/\(id)/facture-cii.xml")
                : nil,
            draft: invoice.status == .draft
                ? DeskInvoicePage.DraftActions(
                    issueAction: "/comptabilite/factures/\(id)/emettre", discardAction: "/comptabilite/factures/\(id)/abandonner", confirmError: nil,
                    legalDataMissing: DeskTexts.missing(invoice.missingLegalData))
                : nil,
            credit: invoice.kind == .invoice && invoice.status == .issued
                ? DeskInvoicePage.CreditForm(
                    action: "/comptabilite/factures/\(id)/avoir", reason: posted?["motif"] ?? "", reopen: posted?["remettre"] == "oui",
                    reasonError: nil, linesError: nil,
                    lines: invoice.lines.map { line in
                        let field = "montant-\(Self.text(line.id))"
                        return DeskInvoicePage.CreditLine(field: field, label: line.description, net: French.euros(line.netCents), amount: posted?[field] ?? "")
                    })
                : nil)
    }

    func exportsPage(_ visitor: Visitor, _ request: Request) -> DeskExportsPage {
        let year = ParisClock.date(of: lab.now()).year
        return DeskExportsPage(
            nav: visitor.nav(.exports), from: request.uri.queryParameters.get("du") ?? "\(year)-01-01",
            to: request.uri.queryParameters.get("au") ?? "\(year)-12-31", fromError: nil, toError: nil)
    }
}
