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
/// An address whose credentials keep failing is held back with 429 (`AuthenticationThrottle`,
/// shared by every server process through the database). `/metrics` takes its own token when
/// one is configured.
struct AuthenticationMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let tokens: AccessTokens
    let throttle: AuthenticationThrottle
    let trustedProxies: Set<String>
    let metricsToken: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/metrics", let metricsToken {
            guard let presented = Self.bearer(request), ConstantTime.equal(presented, metricsToken) else {
                throw Problem(.authenticationRequired, "the metrics token is required: Authorization: Bearer <METRICS_TOKEN>")
            }
            return try await next(request, context)
        }
        guard path.hasPrefix("/v1/") || path == "/v1" else {
            return try await next(request, context)
        }
        let client = ClientAddress.of(request, peer: context.remoteAddress, trustedProxies: trustedProxies)
        guard request.headers[.authorization] != nil else {
            // No credential is not a guess: it does not count, but a held-back client is still held back.
            try await throttle.check(client)
            throw Problem(.authenticationRequired, "a bearer token is required: Authorization: Bearer mlab_…")
        }
        guard let token = Self.bearer(request) else {
            try await throttle.check(client)
            try await throttle.recordFailure(client)
            throw Problem(.authenticationRequired, "the Authorization header must be: Bearer <token>")
        }
        let actor = try await tokens.authenticate(token, from: client, throttle: throttle)
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

/// Comparisons of secrets whose time does not depend on where they differ.
enum ConstantTime {
    static func equal(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0 && a.count == b.count
    }
}
