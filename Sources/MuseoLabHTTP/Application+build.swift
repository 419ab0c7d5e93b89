import Foundation
import Hummingbird
import Logging
import MuseoLab
import MuseoLabAPI
import NIOCore
import OpenAPIHummingbird
import ServiceLifecycle

/// How the HTTP server is set up.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The router: problem+json for every refusal, the 1 MiB body limit, bearer
/// authentication under /v1/, then the handlers generated from openapi.yaml.
public func buildRouter(lab: MuseoLab) throws -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ProblemMiddleware(routes: RouteTable(openAPI: String(decoding: try OpenAPIDocument.yaml(), as: UTF8.self))))
    router.add(middleware: BodyLimitMiddleware())
    router.add(middleware: AuthenticationMiddleware(tokens: lab.tokens))
    try APIImplementation(lab: lab).registerHandlers(
        on: router, middlewares: [LocationHeaderMiddleware(), RequestBodyMiddleware()])
    return router
}

/// The HTTP application; `services` run beside it (the database pool), and
/// `beforeServerStarts` work (migrations) runs once they are up.
public func buildApplication(
    lab: MuseoLab, settings: ServerSettings, logger: Logger, services: [any Service] = [],
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> Application<RouterResponder<BasicRequestContext>> {
    Application(
        router: try buildRouter(lab: lab),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "MuseoLab"),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger)
}
