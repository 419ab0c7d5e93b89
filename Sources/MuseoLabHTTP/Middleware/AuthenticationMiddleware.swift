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
/// An address whose credentials keep failing is held back with 429 (`AuthenticationThrottle`).
/// `/metrics` takes its own token when one is configured.
struct AuthenticationMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let tokens: AccessTokens
    let throttle: AuthenticationThrottle
    let trustedProxies: Set<String>
    let metricsToken: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/metrics", let metricsToken {
            guard Self.bearer(request) == metricsToken else {
                throw Problem(.authenticationRequired, "the metrics token is required: Authorization: Bearer <METRICS_TOKEN>")
            }
            return try await next(request, context)
        }
        guard path.hasPrefix("/v1/") || path == "/v1" else {
            return try await next(request, context)
        }
        let client = ClientAddress.of(request, peer: context.remoteAddress, trustedProxies: trustedProxies)
        if let wait = throttle.retryAfter(client) {
            throw Problem(
                .tooManyRequests, "too many failed authentications from this address: wait \(wait) s before trying again", retryAfter: wait)
        }
        guard request.headers[.authorization] != nil else {
            throw Problem(.authenticationRequired, "a bearer token is required: Authorization: Bearer mlab_…")
        }
        guard let token = Self.bearer(request) else {
            throttle.recordFailure(client)
            throw Problem(.authenticationRequired, "the Authorization header must be: Bearer <token>")
        }
        let actor: Actor
        do {
            actor = try await tokens.authenticate(token)
        } catch let problem as Problem where problem.kind == .authenticationRequired {
            throttle.recordFailure(client)
            throw problem
        }
        var context = context
        context.logger[metadataKey: "user"] = "\(actor.label)"
        return try await RequestIdentity.$actor.withValue(actor) {
            try await next(request, context)
        }
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}
