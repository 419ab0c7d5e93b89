import Foundation
import Hummingbird
import Logging
import MuseoLab
import MuseoLabAPI
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// How the HTTP server is set up.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Reverse proxies whose `X-Forwarded-For` names the client (nginx on the same host); none by
    /// default, so no caller can name its own address.
    public var trustedProxies: Set<String>
    /// Failed authentications an address may make within the window before it gets 429 (more
    /// than `AuthenticationThrottle.keptFailures`: never held back).
    public var authenticationFailureLimit: Int
    public var authenticationFailureWindow: Duration
    /// When set, `GET /metrics` requires `Authorization: Bearer <this>`.
    public var metricsToken: String?
    /// The most database connections the server opens (reported by `/metrics`).
    public var databasePoolSize: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, trustedProxies: Set<String> = [],
        authenticationFailureLimit: Int = 10, authenticationFailureWindow: Duration = .seconds(60), metricsToken: String? = nil,
        databasePoolSize: Int = 20
    ) {
        self.host = host
        self.port = port
        self.trustedProxies = trustedProxies
        self.authenticationFailureLimit = authenticationFailureLimit
        self.authenticationFailureWindow = authenticationFailureWindow
        self.metricsToken = metricsToken
        self.databasePoolSize = databasePoolSize
    }
}

/// The router: request ids and logs, metrics, problem+json for every refusal, the 1 MiB
/// body limit, bearer authentication under /v1/ (throttled), then the handlers generated
/// from openapi.yaml.
/// `frontEnds` adds the routes of other front ends (the web pages) before the route table is read.
public func buildRouter(
    lab: MuseoLab, settings: ServerSettings = ServerSettings(), frontEnds: (Router<MuseoLabRequestContext>) throws -> Void = { _ in }
) throws -> Router<MuseoLabRequestContext> {
    let router = Router(context: MuseoLabRequestContext.self)
    let routes = RouteTable()
    let requiredQuery = try RequiredQueryParameters(openAPI: String(decoding: try OpenAPIDocument.yaml(), as: UTF8.self))
    let metrics = MetricsRegistry()
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: routes, requiredQuery: requiredQuery))
    router.add(middleware: BodyLimitMiddleware())
    router.add(middleware: AuthenticationMiddleware(
        tokens: lab.tokens,
        throttle: AuthenticationThrottle(
            database: lab.database, limit: settings.authenticationFailureLimit, window: settings.authenticationFailureWindow),
        trustedProxies: settings.trustedProxies, metricsToken: settings.metricsToken))
    try APIImplementation(lab: lab, metrics: metrics, databasePoolSize: settings.databasePoolSize).registerHandlers(
        // Compact JSON in the order of the schema's fields: the runtime's default sorts every object's
        // keys and indents, which was most of the time listing 1,000 invoices took.
        on: router, configuration: Configuration(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: []),
        middlewares: [LocationHeaderMiddleware(), RequestBodyMiddleware()])
    try frontEnds(router)
    routes.load(router.routes)
    return router
}

/// The HTTP application; `services` run beside it (the database pool), and
/// `beforeServerStarts` work (migrations) runs once they are up.
public func buildApplication(
    lab: MuseoLab, settings: ServerSettings, logger: Logger, services: [any Service] = [],
    frontEnds: (Router<MuseoLabRequestContext>) throws -> Void = { _ in },
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> Application<RouterResponder<MuseoLabRequestContext>> {
    Application(
        router: try buildRouter(lab: lab, settings: settings, frontEnds: frontEnds),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "MuseoLab"),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger)
}
