import Hummingbird
import MuseoLab

/// Who is calling, for the generated handlers, which cannot see the request context.
enum RequestIdentity {
    @TaskLocal static var actor: Actor?

    /// The authenticated caller; the middleware guarantees one under `/v1/`.
    static func current() throws -> Actor {
        guard let actor else { throw Problem(.authenticationRequired, "a bearer token is required") }
        return actor
    }
}

/// Requires `Authorization: Bearer <token>` under `/v1/` and resolves it to an actor.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: AccessTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw Problem(.authenticationRequired, "a bearer token is required: Authorization: Bearer mlab_…")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem(.authenticationRequired, "the Authorization header must be: Bearer <token>")
        }
        let actor = try await tokens.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces))
        var context = context
        context.logger[metadataKey: "user"] = "\(actor.label)"
        return try await RequestIdentity.$actor.withValue(actor) {
            try await next(request, context)
        }
    }
}
