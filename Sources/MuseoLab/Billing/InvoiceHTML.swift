import Foundation

/// A printable HTML invoice or credit note carrying every mention French law requires:
/// seller and buyer identity with SIREN/SIRET, issue and service dates, lines with
/// quantity, unit price and net, VAT per rate or the exemption mention, totals, due
/// date, late-payment penalties, the fixed recovery indemnity for professional buyers,
/// and for public buyers the service code and legal commitment number.
public enum InvoiceHTML {
    /// - Parameter printed: the page of the PDF made as the document is issued. Its footprint
    ///   covers the PDF, so the PDF states its place in the chain and the previous footprint.
    public static func render(_ invoice: Invoice, printed: Bool = false) -> String {
        let title = invoice.kind == .invoice ? "Facture" : "Avoir"
        let number = invoice.number ?? "BROUILLON"
        func h(_ text: String?) -> String { XMLWriter.escape(text ?? "") }
        func euros(_ cents: Int) -> String { Money.decimal(cents) + " €" }
        func party(_ party: InvoiceParty, _ role: String) -> String {
            var rows = ["<h2>\(role)</h2>", "<p><strong>\(h(party.name))</strong>"]
            if let form = party.legalForm { rows.append("<br>\(h(form))") }
            if let address = party.address { rows.append("<br>\(h(address))") }
            if let siren = party.siren { rows.append("<br>SIREN \(h(siren))") }
            if let siret = party.siret { rows.append("<br>SIRET \(h(siret))") }
            if let vat = party.vatId { rows.append("<br>N° TVA intracommunautaire \(h(vat))") }
            rows.append("</p>")
            return rows.joined()
        }
        var body: [String] = []
        if invoice.status != .issued { body.append("<p class=\"draft\">\(invoice.status == .draft ? "Brouillon : document sans valeur comptable" : "Brouillon abandonné")</p>") }
        body.append("<h1>\(title) n° \(h(number))</h1>")
        body.append("<div class=\"parties\"><div>\(party(invoice.seller, "Émetteur"))</div><div>\(party(invoice.buyer, "Client"))</div></div>")
        var facts = [
            "Date d'émission : \(h(invoice.issueDate?.description ?? "—"))",
            "Période des prestations : du \(invoice.periodStart) au \(invoice.periodEnd)",
        ]
        facts.append("Nature des opérations : \(EInvoiceContent.operations(invoice))")
        if invoice.kind == .invoice { facts.append("Date d'échéance : \(h(invoice.dueDate?.description ?? "—"))") }
        if let code = invoice.buyerServiceCode { facts.append("Code service (Chorus Pro) : \(h(code))") }
        if let commitment = invoice.commitmentNumber { facts.append("N° d'engagement juridique : \(h(commitment))") }
        if let corrected = invoice.correctsNumber { facts.append("Avoir sur la facture n° \(h(corrected))\(invoice.creditReason.map { " : \(h($0))" } ?? "")") }
        body.append("<ul class=\"facts\">" + facts.map { "<li>\($0)</li>" }.joined() + "</ul>")
        body.append("<table><thead><tr><th>Désignation</th><th>Date de prestation</th><th class=\"n\">Quantité</th><th>Unité</th><th class=\"n\">Prix unitaire HT</th><th class=\"n\">Montant HT</th><th>TVA</th></tr></thead><tbody>")
        for line in invoice.lines {
            body.append("<tr><td>\(h(line.description))</td><td>\(line.serviceDate)</td><td class=\"n\">\(Money.quantity(line.quantityMilli))</td><td>\(unitLabel(line.unit))</td><td class=\"n\">\(euros(line.unitPriceCents))</td><td class=\"n\">\(euros(line.netCents))</td><td>\(h(line.vat.label))</td></tr>")
        }
        body.append("</tbody></table>")
        body.append("<table class=\"vat\"><thead><tr><th>TVA</th><th class=\"n\">Base HT</th><th class=\"n\">Montant TVA</th></tr></thead><tbody>")
        for group in invoice.totals.groups {
            body.append("<tr><td>\(h(group.vat.label))</td><td class=\"n\">\(euros(group.taxableCents))</td><td class=\"n\">\(euros(group.vatCents))</td></tr>")
        }
        body.append("</tbody></table>")
        body.append("<table class=\"totals\"><tr><th>Total HT</th><td class=\"n\">\(euros(invoice.totals.netCents))</td></tr><tr><th>Total TVA</th><td class=\"n\">\(euros(invoice.totals.vatCents))</td></tr><tr><th>Total TTC\(invoice.kind == .invoice ? " – net à payer" : " – à déduire")</th><td class=\"n\"><strong>\(euros(invoice.totals.grossCents))</strong></td></tr></table>")
        var terms = [EInvoiceContent.paymentTerms(invoice)]
        if let iban = invoice.paymentIBAN { terms.append("IBAN \(h(iban))\(invoice.paymentBIC.map { " – BIC \(h($0))" } ?? "")") }
        terms += EInvoiceContent.notes(invoice).filter { $0.subject != "AAI" }.map(\.text)
        body.append("<div class=\"terms\">" + terms.map { "<p>\(h($0))</p>" }.joined() + "</div>")
        if printed, let position = invoice.chainPosition, let previous = invoice.previousFootprint {
            body.append("<p class=\"footprint\">Document n° \(position) de la chaîne d’inaltérabilité, à la suite de l’empreinte SHA-256 \(previous)</p>")
        } else if let footprint = invoice.footprint {
            body.append("<p class=\"footprint\">Document n° \(invoice.chainPosition ?? 0) de la chaîne d'inaltérabilité – empreinte SHA-256 \(footprint)</p>")
        }
        return """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>\(title) \(h(number))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
            h1 { font-size: 1.6em; } h2 { font-size: 1em; text-transform: uppercase; color: #555; }
            .parties { display: flex; gap: 4em; } .facts { list-style: none; padding: 0; }
            table { border-collapse: collapse; width: 100%; margin: 1em 0; } th, td { border-bottom: 1px solid #ccc; padding: .3em .5em; text-align: left; }
            .n { text-align: right; white-space: nowrap; } .vat, .totals { width: auto; margin-left: auto; }
            .draft { color: #b00; font-weight: bold; border: 2px solid #b00; padding: .5em; }
            .terms { font-size: .9em; } .footprint { font-size: .75em; color: #777; word-break: break-all; }
            @media print { body { margin: 0; max-width: none; font-size: 9pt; } th, td { padding: .25em .35em; } .parties { gap: 2em; } }
            @page { size: A4; margin: 1.5cm; }
            </style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    static func unitLabel(_ unit: TariffItem.Unit) -> String {
        switch unit {
        case .hour: "heure"
        case .halfDay: "demi-journée"
        case .day: "journée"
        case .unit: "unité"
        }
    }
}
