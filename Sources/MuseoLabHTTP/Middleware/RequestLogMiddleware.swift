import Foundation
import HTTPTypes
import Hummingbird
import MuseoLab

/// Gives each request an id (the caller's `X-Request-Id` when it is sensible), returns
/// it in the response, carries it to the audit log, and logs one structured line per request.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        let requestId = request.headers[Self.header].flatMap(Self.acceptable) ?? context.id
        context.logger[metadataKey: "hb.request.id"] = "\(requestId)"
        var response = try await RequestScope.$requestId.withValue(requestId) {
            try await next(request, context)
        }
        response.headers[Self.header] = requestId
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
                "status": "\(response.status.code)", "duration_ms": "\(String(format: "%.2f", milliseconds))",
            ])
        return response
    }

    /// Up to 64 visible ASCII characters, so a caller cannot inject into the logs.
    static func acceptable(_ value: String) -> String? {
        guard (1...64).contains(value.utf8.count), value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return value
    }
}
