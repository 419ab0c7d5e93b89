import Foundation
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

extension APIImplementation {
    // MARK: - Tariff grid

    func getTariffGrid(_ input: Operations.GetTariffGrid.Input) async throws -> Operations.GetTariffGrid.Output {
        _ = try actor
        let day = try Identifier.date(input.query.at, "at") ?? ParisClock.date(of: lab.now())
        return .ok(.init(body: .json(try .init(try await lab.tariffs.inForce(on: day)))))
    }

    func loadTariffGrid(_ input: Operations.LoadTariffGrid.Input) async throws -> Operations.LoadTariffGrid.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard let effectiveFrom = try Identifier.date(body.effectiveFrom, "effectiveFrom") else { throw Problem.invalid("effectiveFrom", "is required") }
        let version = try await lab.tariffs.load(body.table, effectiveFrom: effectiveFrom, label: body.label, by: try actor)
        return .created(.init(headers: .init(location: "/v1/tariffs?at=\(version.effectiveFrom)"), body: .json(try .init(version))))
    }

    func listTariffVersions(_ input: Operations.ListTariffVersions.Input) async throws -> Operations.ListTariffVersions.Output {
        _ = try actor
        return .ok(.init(body: .json(.init(items: try await lab.tariffs.versions().map(Components.Schemas.TariffVersion.init)))))
    }

    // MARK: - Settings and billable items

    func getBillingSettings(_ input: Operations.GetBillingSettings.Input) async throws -> Operations.GetBillingSettings.Output {
        .ok(.init(body: .json(.init(try await lab.billingSettings.get(by: try actor)))))
    }

    func updateBillingSettings(_ input: Operations.UpdateBillingSettings.Input) async throws -> Operations.UpdateBillingSettings.Output {
        guard case .json(let b) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let settings = try await lab.billingSettings.update(
            BillingSettingsChanges(
                sellerVatId: b.sellerVatId, paymentTermsDays: b.paymentTermsDays, latePenaltyRateBp: b.latePenaltyRateBp,
                recoveryIndemnityCents: b.recoveryIndemnityCents, paymentIBAN: b.paymentIBAN, paymentBIC: b.paymentBIC, journalCode: b.journalCode,
                journalLabel: b.journalLabel, revenueAccount: b.revenueAccount, vatCollectedAccount: b.vatCollectedAccount,
                customerAccount: b.customerAccount),
            by: try actor)
        return .ok(.init(body: .json(.init(settings))))
    }

    func listBillableItems(_ input: Operations.ListBillableItems.Input) async throws -> Operations.ListBillableItems.Output {
        let items = try await lab.billableItems.list(
            customerId: input.query.customerId?.uuid,
            status: input.query.status.map { try $0.bridged(BillableItem.Status.self) },
            roomBookingId: input.query.roomBookingId?.uuid, by: try actor)
        return .ok(.init(body: .json(.init(items: try items.map(Components.Schemas.BillableItem.init)))))
    }

    func addConsumable(_ input: Operations.AddConsumable.Input) async throws -> Operations.AddConsumable.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard let day = try Identifier.date(body.serviceDate, "serviceDate") else { throw Problem.invalid("serviceDate", "is required") }
        let item = try await lab.billableItems.addConsumable(
            customerId: body.customerId.uuid, tariffCode: body.tariffCode, quantity: body.quantity,
            serviceDate: day, description: body.description, by: try actor)
        return .created(.init(body: .json(try .init(item))))
    }

    // MARK: - Invoices and credit notes

    func listInvoices(_ input: Operations.ListInvoices.Input) async throws -> Operations.ListInvoices.Output {
        let invoices = try await lab.invoices.list(
            customerId: input.query.customerId?.uuid,
            status: input.query.status.map { try $0.bridged(Invoice.Status.self) },
            kind: input.query.kind.map { try $0.bridged(Invoice.Kind.self) }, by: try actor)
        return .ok(.init(body: .json(.init(items: try invoices.map(Components.Schemas.Invoice.init)))))
    }

    func draftInvoice(_ input: Operations.DraftInvoice.Input) async throws -> Operations.DraftInvoice.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let (from, to) = try Invoices.period(body.period, from: try Identifier.date(body.from, "from"), to: try Identifier.date(body.to, "to"))
        let invoice = try await lab.invoices.draft(
            customerId: body.customerId.uuid, from: from, to: to, serviceCode: body.buyerServiceCode,
            commitmentNumber: body.commitmentNumber, by: try actor)
        return .created(.init(headers: .init(location: "/v1/invoices/\(invoice.id.text)"), body: .json(try .init(invoice))))
    }

    func getInvoice(_ input: Operations.GetInvoice.Input) async throws -> Operations.GetInvoice.Output {
        .ok(.init(body: .json(try .init(try await lab.invoices.find(input.path.invoiceId, by: try actor)))))
    }

    func issueInvoice(_ input: Operations.IssueInvoice.Input) async throws -> Operations.IssueInvoice.Output {
        let actor = try actor
        let draft = try await lab.invoices.find(input.path.invoiceId, by: actor)
        return .ok(.init(body: .json(try .init(try await lab.invoices.issue(draft.id, by: actor)))))
    }

    func discardInvoice(_ input: Operations.DiscardInvoice.Input) async throws -> Operations.DiscardInvoice.Output {
        let actor = try actor
        let draft = try await lab.invoices.find(input.path.invoiceId, by: actor)
        return .ok(.init(body: .json(try .init(try await lab.invoices.discard(draft.id, by: actor)))))
    }

    func draftCreditNote(_ input: Operations.DraftCreditNote.Input) async throws -> Operations.DraftCreditNote.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let actor = try actor
        let invoice = try await lab.invoices.find(input.path.invoiceId, by: actor)
        let amounts = try body.lines.map { lines in
            try Invoices.creditedAmounts(lines.map { ($0.lineId.uuid, $0.amountCents) })
        }
        let note = try await lab.invoices.creditNote(
            correcting: invoice.id, reason: body.reason, amounts: amounts, reopenItems: body.reopenItems ?? false, by: actor)
        return .created(.init(headers: .init(location: "/v1/invoices/\(note.id.text)"), body: .json(try .init(note))))
    }

    func getInvoiceHTML(_ input: Operations.GetInvoiceHTML.Input) async throws -> Operations.GetInvoiceHTML.Output {
        let invoice = try await lab.invoices.find(input.path.invoiceId, by: try actor)
        return .ok(.init(body: .html(HTTPBody(InvoiceHTML.render(invoice)))))
    }

    func getInvoiceUBL(_ input: Operations.GetInvoiceUBL.Input) async throws -> Operations.GetInvoiceUBL.Output {
        let (invoice, bytes) = try await issuedFile(.ubl, of: input.path.invoiceId)
        return .ok(.init(headers: .init(contentDisposition: Self.attachment(invoice, "-ubl.xml")), body: .xml(HTTPBody(bytes))))
    }

    func getInvoiceCII(_ input: Operations.GetInvoiceCII.Input) async throws -> Operations.GetInvoiceCII.Output {
        let (invoice, bytes) = try await issuedFile(.cii, of: input.path.invoiceId)
        return .ok(.init(headers: .init(contentDisposition: Self.attachment(invoice, "-cii.xml")), body: .xml(HTTPBody(bytes))))
    }

    func getInvoicePDF(_ input: Operations.GetInvoicePDF.Input) async throws -> Operations.GetInvoicePDF.Output {
        let (invoice, bytes) = try await issuedFile(.pdf, of: input.path.invoiceId)
        return .ok(.init(headers: .init(contentDisposition: Self.attachment(invoice, ".pdf")), body: .pdf(HTTPBody(bytes))))
    }

    /// A file kept with an issued document (by id or number), as issued.
    private func issuedFile(_ kind: IssuedFiles.Kind, of reference: String) async throws -> (Invoice, [UInt8]) {
        let actor = try actor
        let invoice = try await lab.invoices.find(reference, by: actor)
        return (invoice, Array(try await lab.invoices.file(kind, of: invoice.id, by: actor)))
    }

    private static func attachment(_ invoice: Invoice, _ suffix: String) -> String {
        "attachment; filename=\"\(invoice.number ?? "document")\(suffix)\""
    }

    func verifyInvoiceChain(_ input: Operations.VerifyInvoiceChain.Input) async throws -> Operations.VerifyInvoiceChain.Output {
        let result = try await lab.invoices.verifyChain(by: try actor)
        return .ok(.init(body: .json(.init(documents: result.documents, valid: result.valid, brokenAt: result.brokenAt, problem: result.problem))))
    }

    // MARK: - Accounting exports

    func exportInvoiceRegister(_ input: Operations.ExportInvoiceRegister.Input) async throws -> Operations.ExportInvoiceRegister.Output {
        let (from, to, actor) = (try Self.day(input.query.from, "from"), try Self.day(input.query.to, "to"), try actor)
        let export = lab.accountingExport
        let body = try await StreamedText.body { write in try await export.register(from: from, to: to, by: actor, write: write) }
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"registre-factures-\(from)-\(to).csv\""), body: .csv(body)))
    }

    func exportSalesJournalFEC(_ input: Operations.ExportSalesJournalFEC.Input) async throws -> Operations.ExportSalesJournalFEC.Output {
        let (from, to, actor) = (try Self.day(input.query.from, "from"), try Self.day(input.query.to, "to"), try actor)
        let export = lab.accountingExport
        let body = try await StreamedText.body { write in try await export.fec(from: from, to: to, by: actor, write: write) }
        let name = try await export.fecFileName(to: to)
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"\(name)\""), body: .textTabSeparatedValues(body)))
    }

    static func day(_ text: String, _ field: String) throws -> CalendarDate {
        guard let day = try Identifier.date(text, field) else { throw Problem.invalid(field, "is required") }
        return day
    }
}

extension Components.Schemas.VATTreatment {
    init(_ vat: VATTreatment) {
        switch vat {
        case .rate(let bp): self.init(rateBp: bp, label: vat.label)
        case .exempt(let mention): self.init(exemption: mention, label: vat.label)
        }
    }
}

extension Components.Schemas.TariffVersion {
    init(_ version: TariffVersion) throws {
        self.init(
            id: version.id.resourceId, effectiveFrom: version.effectiveFrom.description, label: version.label, lockedAt: version.lockedAt,
            items: try version.items.map {
                .init(
                    code: $0.code, label: $0.label, unit: try $0.unit.bridged(), appliesTo: try $0.appliesTo.bridged(),
                    roomCode: $0.roomCode, machineCategory: $0.machineCategory, vat: .init($0.vat), prices: .init(additionalProperties: $0.prices))
            })
    }
}

extension Components.Schemas.BillingSettings {
    init(_ s: BillingSettings) {
        self.init(
            sellerOrganisationId: s.sellerOrganisationId.resourceId, sellerVatId: s.sellerVatId, paymentTermsDays: s.paymentTermsDays,
            latePenaltyRateBp: s.latePenaltyRateBp, recoveryIndemnityCents: s.recoveryIndemnityCents, paymentIBAN: s.paymentIBAN,
            paymentBIC: s.paymentBIC, journalCode: s.journalCode, journalLabel: s.journalLabel, revenueAccount: s.revenueAccount,
            vatCollectedAccount: s.vatCollectedAccount, customerAccount: s.customerAccount, updatedAt: s.updatedAt)
    }
}

extension Components.Schemas.BillableItem {
    init(_ item: BillableItem) throws {
        self.init(
            id: item.id.resourceId, kind: try item.kind.bridged(), customerOrganisationId: item.customerOrganisationId.resourceId,
            agreementId: item.agreementId?.resourceId, roomBookingId: item.roomBookingId?.resourceId, overageItemId: item.overageItemId?.resourceId,
            sessionId: item.sessionId?.resourceId, serviceDate: item.serviceDate.description, description: item.description, minutes: item.minutes,
            quantity: item.quantity, status: try item.status.bridged(), cancellationReason: item.cancellationReason,
            tariffItemCode: item.tariffItemCode ?? item.lines?.first?.tariffItemCode, tariffVersionId: item.tariffVersionId?.resourceId,
            netCents: item.netCents)
    }
}

extension Components.Schemas.InvoiceParty {
    init(_ party: InvoiceParty) {
        self.init(
            name: party.name, legalForm: party.legalForm, address: party.address, siren: party.siren, siret: party.siret, vatId: party.vatId,
            email: party.email, isPublicBody: party.isPublicBody, isProfessional: party.isProfessional)
    }
}

extension Components.Schemas.Invoice {
    init(_ invoice: Invoice) throws {
        self.init(
            id: invoice.id.resourceId, kind: try invoice.kind.bridged(), status: try invoice.status.bridged(),
            number: invoice.number, customerOrganisationId: invoice.customerOrganisationId.resourceId, seller: .init(invoice.seller),
            buyer: .init(invoice.buyer), periodStart: invoice.periodStart.description, periodEnd: invoice.periodEnd.description,
            issueDate: invoice.issueDate?.description, dueDate: invoice.dueDate?.description, buyerServiceCode: invoice.buyerServiceCode,
            commitmentNumber: invoice.commitmentNumber, correctsInvoiceId: invoice.correctsInvoiceId?.resourceId, correctsNumber: invoice.correctsNumber,
            creditReason: invoice.creditReason,
            lines: try invoice.lines.map {
                .init(
                    id: $0.id.resourceId, position: $0.position, description: $0.description, serviceDate: $0.serviceDate.description,
                    quantityMilli: $0.quantityMilli, unit: try $0.unit.bridged(), unitPriceCents: $0.unitPriceCents, netCents: $0.netCents,
                    vat: .init($0.vat), tariffVersionId: $0.tariffVersionId?.resourceId, tariffItemCode: $0.tariffItemCode,
                    billableItemId: $0.billableItemId?.resourceId, correctsLineId: $0.correctsLineId?.resourceId)
            },
            totalNetCents: invoice.totals.netCents, totalVatCents: invoice.totals.vatCents, totalGrossCents: invoice.totals.grossCents,
            vatBreakdown: invoice.totals.groups.map { .init(vat: .init($0.vat), taxableCents: $0.taxableCents, vatCents: $0.vatCents) },
            paymentTermsDays: invoice.paymentTermsDays, latePenaltyRateBp: invoice.latePenaltyRateBp,
            recoveryIndemnityCents: invoice.recoveryIndemnityCents, paymentIBAN: invoice.paymentIBAN, paymentBIC: invoice.paymentBIC,
            chainPosition: invoice.chainPosition, previousFootprint: invoice.previousFootprint, footprint: invoice.footprint,
            files: invoice.files.map { .init(pdf: $0.pdf, cii: $0.cii, ubl: $0.ubl) }, issuedAt: invoice.issuedAt, issuedBy: invoice.issuedBy)
    }
}
