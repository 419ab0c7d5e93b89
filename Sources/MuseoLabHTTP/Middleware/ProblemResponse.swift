import Foundation
import HTTPTypes
import Hummingbird
import MuseoLab

/// Renders a `Problem` as RFC 9457 `application/problem+json`.
enum ProblemResponse {
    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var instance: String?
        var field: String?
        var errors: [Problem.FieldError]?
        var requestId: String?
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(_ problem: Problem, path: String?, requestId: String?) -> Response {
        let body = Body(
            type: problem.kind.typeURI, title: problem.kind.title, status: problem.kind.status, detail: problem.detail,
            instance: path, field: problem.field, errors: problem.errors.isEmpty ? nil : problem.errors, requestId: requestId)
        let data = (try? encoder.encode(body)) ?? Data(#"{"type":"about:blank","title":"error","status":500,"detail":"unencodable problem"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        switch problem.kind {
        case .authenticationRequired:
            headers[.wwwAuthenticate] = #"Bearer realm="museolab", error="invalid_token""#
        case .tooManyRequests, .unavailable:
            headers[.retryAfter] = String(problem.retryAfter ?? 1)
        default:
            break
        }
        return Response(
            status: HTTPResponse.Status(code: problem.kind.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
