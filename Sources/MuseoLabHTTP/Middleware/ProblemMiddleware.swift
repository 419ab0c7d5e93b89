import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

/// Turns every refusal into problem+json: the domain's `Problem`s, bad JSON or
/// parameters caught by the generated code, and Hummingbird's own errors (no such
/// route, body too large). Anything else is a bug: logged, answered 500 without details.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let requiredQuery: RequiredQueryParameters

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router says 404 both for an unknown path and for a known path with another method.
            if let allowed = routes.methods(for: request.uri.path), !allowed.contains(request.method.rawValue) {
                var response = ProblemResponse.response(
                    Problem(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))"),
                    path: request.uri.path, requestId: context.id)
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return ProblemResponse.response(Self.problem(for: error)!, path: request.uri.path, requestId: context.id)
        } catch {
            if let problem = Self.problem(for: error, query: request.uri.queryParameters, requiredQuery: requiredQuery) {
                if problem.kind.status >= 500 {
                    context.logger.error("request failed", metadata: Self.describe(error))
                }
                return ProblemResponse.response(problem, path: request.uri.path, requestId: context.id)
            }
            context.logger.error("unexpected error", metadata: Self.describe(error))
            return ProblemResponse.response(
                Problem(.internalError, "an unexpected error occurred; it has been logged"), path: request.uri.path, requestId: context.id)
        }
    }

    /// What a log line says of a failure: the operation and the error behind it, never the
    /// request (the OpenAPI runtime's `ServerError` carries it whole, headers and all).
    static func describe(_ error: any Error) -> Logger.Metadata {
        var error = error
        var operation: String?
        while let server = error as? ServerError {
            operation = operation ?? server.operationID
            error = server.underlyingError
        }
        var metadata: Logger.Metadata = ["error": "\(String(reflecting: error))", "error_type": "\(type(of: error))"]
        if let operation { metadata["operation"] = "\(operation)" }
        return metadata
    }

    static func problem(for error: any Error, query: Parameters = .init(), requiredQuery: RequiredQueryParameters? = nil) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let error as ServerError:
            if let problem = error.underlyingError as? Problem { return problem }
            if let decoding = error.underlyingError as? DecodingError {
                if case .valueNotFound(_, let context) = decoding, context.codingPath.isEmpty,
                    let missing = requiredQuery?[error.operationID]?.first(where: { query[$0[...]] == nil })
                {
                    return Problem(.invalidField, "the query parameter \(missing) is required", field: missing)
                }
                return malformedIdProblem(decoding, path: error.requestMetadata.pathParameters, query: query)
                    ?? parameterProblem(decoding, query: query) ?? decodingProblem(decoding)
            }
            if let nested = error.underlyingError as? ServerError { return problem(for: nested, query: query, requiredQuery: requiredQuery) }
            // Without any query, the runtime names the first required parameter it misses.
            let said = String(describing: error.underlyingError), missing = "Missing required query parameter named: "
            if said.hasPrefix(missing) {
                let name = String(said.dropFirst(missing.count))
                return Problem(.invalidField, "the query parameter \(name) is required", field: name)
            }
            // The runtime's own request errors (content type, missing parameter) carry a 4xx status.
            let status = Int(error.httpStatus.code)
            guard (400..<500).contains(status) else { return nil }
            return Problem(kind(for: status), "\(error.underlyingError)")
        case let error as any HTTPResponseError:
            // Hummingbird's own refusals: no route, body too large (HTTPError, NIOTooManyBytesError).
            let status = Int(error.status.code)
            switch status {
            case 404: return Problem(.notFound, "no such resource: see /openapi.yaml for the routes")
            case 405: return Problem(.methodNotAllowed, "this method is not allowed on this resource")
            case 413: return Problem(.payloadTooLarge, "the body is larger than 1 MiB")
            default:
                guard (400..<500).contains(status) else { return nil }
                return Problem(kind(for: status), (error as? HTTPError)?.body ?? error.status.reasonPhrase)
            }
        case let error as DecodingError:
            return decodingProblem(error)
        default:
            return nil
        }
    }

    /// An id (the document's `Id` schema) that is not a UUID: in the path, the resource is not
    /// found (404), as for a UUID naming nothing; in the query, the parameter is named (422). In a
    /// body, `decodingProblem` names the field from the coding path.
    static func malformedIdProblem(_ error: DecodingError, path: [String: Substring], query: Parameters) -> Problem? {
        guard case .dataCorrupted(let context) = error, let malformed = context.underlyingError as? ResourceId.Malformed else { return nil }
        if let name = path.first(where: { String($0.value).removingPercentEncoding == malformed.text })?.key {
            return Problem.notFound(resourceNamedByPathId[name] ?? "resource")
        }
        if let name = query.first(where: { String($0.value) == malformed.text })?.key {
            return Problem(.invalidField, context.debugDescription, field: String(name))
        }
        return nil
    }

    /// The generated code reports a bad query parameter without its name: find the
    /// parameter whose value fits the failure (not a boolean, not an integer, not one of an enum's values).
    static func parameterProblem(_ error: DecodingError, query: Parameters) -> Problem? {
        let candidates: [(name: String, detail: String)] = query.compactMap { name, value in
            let value = String(value)
            switch error {
            case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
                if type == Bool.self, value != "true", value != "false" { return (String(name), "expected true or false, not \"\(value)\"") }
                if [Int.self, Int32.self, Int64.self].contains(where: { $0 == type }), Int64(value) == nil {
                    return (String(name), "expected an integer, not \"\(value)\"")
                }
                return nil
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                guard context.debugDescription.hasSuffix("invalid String value \(value)") else { return nil }
                return (String(name), "\"\(value)\" is not one of the allowed values")
            default:
                return nil
            }
        }
        guard let first = candidates.first else { return nil }
        return Problem(.malformedRequest, first.detail, field: first.name)
    }

    /// Bad JSON is malformed (400); a field of the wrong type, missing or unknown is unprocessable (422).
    static func decodingProblem(_ error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            return keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return Problem(.malformedRequest, "the body must be a JSON object") }
            return Problem(.invalidField, "expected \(describe(type))", field: path(context.codingPath))
        case .valueNotFound(let type, let context):
            return Problem(.invalidField, "expected \(describe(type)), found null", field: path(context.codingPath))
        case .keyNotFound(let key, let context):
            return Problem(.invalidField, "is required", field: path(context.codingPath, key))
        case .dataCorrupted(let context):
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                return Problem(.unknownField, "is not a field of this request", field: path(context.codingPath))
            }
            if context.codingPath.isEmpty {
                return Problem(.malformedRequest, "the body is not valid JSON")
            }
            return Problem(.invalidField, context.debugDescription, field: path(context.codingPath))
        @unknown default:
            return Problem(.malformedRequest, "the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "a value of type \(type)"
        }
    }

    static func kind(for status: Int) -> Problem.Kind {
        Problem.Kind.allCases.first { $0.status == status && $0 != .unknownField && $0 != .duplicate }
            ?? (status == 406 ? .unsupportedMediaType : .malformedRequest)
    }
}

/// What a path's id names, for its 404: an id that is not a UUID names nothing.
private let resourceNamedByPathId: [String: String] = [
    "agreementId": "agreement", "alertId": "alert", "authorisationId": "authorisation", "bookingId": "room booking",
    "closureId": "closure", "exceptionId": "availability exception", "itemId": "overage item", "machineId": "machine",
    "maintenanceId": "maintenance window", "notificationId": "notification", "organisationId": "organisation",
    "recipientId": "alert recipient", "sessionId": "session", "tokenId": "token", "userId": "user",
]

