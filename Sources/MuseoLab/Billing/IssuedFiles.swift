import Foundation

/// The files of an issued document, produced once as it is issued and kept byte for byte: the
/// Factur-X PDF a person reads (the CII inside), the CII and the UBL a platform reads.
public struct IssuedFiles: Sendable, Equatable {
    public var pdf: Data
    public var cii: String
    public var ubl: String

    public enum Kind: String, Sendable, CaseIterable {
        case pdf, cii, ubl
    }

    /// Their SHA-256, which the document's footprint seals.
    public struct Digests: Sendable, Equatable, Codable {
        public var pdf: String
        public var cii: String
        public var ubl: String
    }

    public var digests: Digests {
        Digests(pdf: Footprint.sha256(pdf), cii: Footprint.sha256(Data(cii.utf8)), ubl: Footprint.sha256(Data(ubl.utf8)))
    }

    /// The files of `invoice` as issued: its UBL and CII, and the PDF of its printable page with
    /// the CII embedded, from `printer`.
    static func produce(_ invoice: Invoice, printer: any InvoicePrinter) async throws -> IssuedFiles {
        let cii = try CIIDocument.render(invoice)
        let ubl = try UBLDocument.render(invoice)
        let pdf = try await printer.facturX(page: InvoiceHTML.render(invoice, printed: true), cii: cii)
        return IssuedFiles(pdf: pdf, cii: cii, ubl: ubl)
    }
}

/// Prints an issued document as the PDF its customer receives: Factur-X, the printable page as
/// PDF/A-3b with the CII embedded as `factur-x.xml`. The domain says what to print; a printer
/// outside it (the runtime's, over WeasyPrint and factur-x) renders.
public protocol InvoicePrinter: Sendable {
    /// - Throws: `Problem(.unavailable)` when the printer cannot print (its tools are missing,
    ///   the CII does not pass the Factur-X schema): the document is then not issued.
    func facturX(page: String, cii: String) async throws -> Data
}
