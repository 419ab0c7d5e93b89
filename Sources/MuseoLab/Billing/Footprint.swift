import Crypto
import Foundation

/// The SHA-256 footprint of an issued document, chained to the previous document's:
/// changing any stored figure, or removing a document, breaks every later footprint.
enum Footprint {
    static let genesis = String(repeating: "0", count: 64)

    /// The canonical text the footprint is the hash of: every legal figure, in order, then the
    /// digests of the files the customer received (version 2; documents issued before files
    /// were kept stay version 1).
    static func canonical(_ invoice: Invoice, previous: String) -> String {
        var lines = [
            invoice.files == nil ? "MUSEOLAB-DOCUMENT-1" : "MUSEOLAB-DOCUMENT-2",
            "kind=\(invoice.kind.rawValue)",
            "number=\(invoice.number ?? "")",
            "issue_date=\(invoice.issueDate?.description ?? "")",
            "due_date=\(invoice.dueDate?.description ?? "")",
            "period=\(invoice.periodStart)/\(invoice.periodEnd)",
            "seller=\(invoice.seller.name)|\(invoice.seller.siret ?? "")|\(invoice.seller.vatId ?? "")",
            "buyer=\(invoice.buyer.name)|\(invoice.buyer.siren ?? "")|\(invoice.buyer.siret ?? "")",
            "buyer_service_code=\(invoice.buyerServiceCode ?? "")",
            "commitment_number=\(invoice.commitmentNumber ?? "")",
            "corrects=\(invoice.correctsNumber ?? "")",
            "terms=\(invoice.paymentTermsDays)|\(invoice.latePenaltyRateBp)|\(invoice.recoveryIndemnityCents)|\(invoice.paymentIBAN ?? "")",
        ]
        for line in invoice.lines.sorted(by: { $0.position < $1.position }) {
            lines.append(
                "line=\(line.position)|\(line.description)|\(line.serviceDate)|\(line.quantityMilli)|\(line.unit.rawValue)|\(line.unitPriceCents)|\(line.netCents)|\(line.vat.label)")
        }
        lines += [
            "total_net=\(invoice.totals.netCents)", "total_vat=\(invoice.totals.vatCents)", "total_gross=\(invoice.totals.grossCents)",
            "previous=\(previous)",
        ]
        if let files = invoice.files { lines += ["pdf=\(files.pdf)", "cii=\(files.cii)", "ubl=\(files.ubl)"] }
        return lines.joined(separator: "\n")
    }

    static func compute(_ invoice: Invoice, previous: String) -> String {
        sha256(Data(canonical(invoice, previous: previous).utf8))
    }

    /// Lower-case hex, as PostgreSQL's `encode(sha256(…), 'hex')`.
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
