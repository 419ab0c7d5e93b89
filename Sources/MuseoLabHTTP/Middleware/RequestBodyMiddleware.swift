import Foundation
import HTTPTypes
import MuseoLab
import OpenAPIRuntime

/// Sits between the transport and the generated deserialisers:
/// - an empty body is no body, so operations whose body is optional (revoke, disable)
///   accept a bare POST instead of failing to parse "";
/// - a bad date-time names its field, in the body or the query: the runtime's date decoder
///   reports it without a path;
/// - a number that is not an integer names its field: Foundation's decoder calls the whole
///   body "not valid JSON".
struct RequestBodyMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // Already buffered and limited to 1 MiB by BodyLimitMiddleware.
        var bytes: ArraySlice<UInt8>?
        if let body { bytes = try await ArraySlice(collecting: body, upTo: BodyLimit.bytes) }
        let effectiveBody = bytes.flatMap { $0.isEmpty ? nil : HTTPBody($0) }
        do {
            return try await next(request, effectiveBody, metadata)
        } catch let error as ServerError {
            guard case .dataCorrupted(let context)? = error.underlyingError as? DecodingError, context.codingPath.isEmpty else { throw error }
            if let notADateTime = context.underlyingError as? RFC3339DateTranscoder.NotADateTime {
                let example = "expected an RFC 3339 date-time such as 2026-03-29T09:00:00Z"
                if let bytes, let field = Self.field(in: Array(bytes), holding: notADateTime.text) {
                    throw Problem(.invalidField, example, field: field)
                }
                if let parameter = Self.queryParameter(of: request, holding: notADateTime.text) {
                    throw Problem(.invalidField, "\(example), not \"\(notADateTime.text)\"", field: parameter)
                }
                throw Problem(.invalidField, example)
            }
            if let bytes, let finding = JSONIntegerCheck.firstNonInteger(in: Array(bytes)) {
                throw Problem(.invalidField, finding.detail, field: finding.field)
            }
            throw error
        }
    }

    /// The query parameter whose (decoded) value is `text`.
    static func queryParameter(of request: HTTPRequest, holding text: String) -> String? {
        guard let path = request.path, let components = URLComponents(string: path) else { return nil }
        return components.queryItems?.first { $0.value == text }?.name
    }

    /// The path of the first field (in key order) whose value is the string `text`.
    static func field(in body: [UInt8], holding text: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) else { return nil }
        func search(_ value: Any, path: String) -> String? {
            if let dictionary = value as? [String: Any] {
                for key in dictionary.keys.sorted() {
                    let child = path.isEmpty ? key : "\(path).\(key)"
                    if dictionary[key] as? String == text { return child }
                    if let found = search(dictionary[key]!, path: child) { return found }
                }
            } else if let array = value as? [Any] {
                for (index, element) in array.enumerated() {
                    if let found = search(element, path: "\(path)[\(index)]") { return found }
                }
            }
            return nil
        }
        return search(object, path: "")
    }
}

/// The generator writes header values URI-encoded (`%2Fv1%2Fmachines…`); a `Location`
/// must be a plain URI reference and a `Content-Disposition` a plain parameter list, so
/// they are written back decoded.
struct LocationHeaderMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, body) = try await next(request, body, metadata)
        for name in [HTTPField.Name.location, .contentDisposition] {
            if let value = response.headerFields[name], let decoded = value.removingPercentEncoding {
                response.headerFields[name] = decoded
            }
        }
        return (response, body)
    }
}
