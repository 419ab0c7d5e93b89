import Foundation
import Hummingbird

/// A posted `multipart/form-data` form (a file upload): its text fields and its files, read up
/// to `limit` bytes. Only what a browser sends for our forms is read: one part per field, each
/// with a `Content-Disposition: form-data; name="…"` header and, for a file, a `filename`.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var filename: String
        var data: Data

        /// The file's text, when it is UTF-8 and not empty (a byte-order mark dropped, as a spreadsheet may write one).
        var text: String? {
            guard !data.isEmpty, let text = String(data: data, encoding: .utf8) else { return nil }
            return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        }
    }

    var fields: [String: String]
    var files: [String: File]

    /// The form, or `nil` when the request is not multipart or cannot be read as such.
    static func read(_ request: Request, limit: Int) async throws -> MultipartForm? {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
            let boundary = type.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }),
            !boundary.isEmpty
        else { return nil }
        let buffer = try await request.body.collect(upTo: limit)
        return parse(Data(buffer: buffer), boundary: boundary)
    }

    static func parse(_ body: Data, boundary: String) -> MultipartForm? {
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var form = MultipartForm(fields: [:], files: [:])
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else { return nil }
        cursor = first.upperBound
        while let next = body.range(of: delimiter, in: cursor..<body.endIndex) {
            // A part sits between "\r\n" after one delimiter and "\r\n" before the next.
            var part = body[cursor..<next.lowerBound]
            if part.starts(with: Data("\r\n".utf8)) { part = part.dropFirst(2) }
            if part.suffix(2) == Data("\r\n".utf8) { part = part.dropLast(2) }
            cursor = next.upperBound
            guard let split = part.range(of: headerEnd) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            let content = Data(part[split.upperBound...])
            guard let disposition = headers.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                let name = Self.parameter("name", in: disposition)
            else { continue }
            if let filename = Self.parameter("filename", in: disposition) {
                form.files[name] = File(filename: filename, data: content)
            } else {
                form.fields[name] = String(decoding: content, as: UTF8.self)
            }
            if body[cursor...].starts(with: Data("--".utf8)) { break }
        }
        return form
    }

    /// `name="value"` in a header line.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where piece.lowercased().hasPrefix("\(name)=") {
            return String(piece.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
