import Hummingbird

/// The largest request body accepted: 1 MiB.
enum BodyLimit {
    static let bytes = 1 << 20
}

/// Refuses bodies over 1 MiB with 413, before anything reads them: at once from
/// `Content-Length`, else while the chunks arrive.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    static var limit: Int { BodyLimit.bytes }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.limit {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        // Buffers the body (at most 1 MiB); throws 413 past the limit.
        _ = try await request.collectBody(upTo: Self.limit)
        return try await next(request, context)
    }
}
