import Foundation
import MuseoLab
import MuseoLabHTTP
import MuseoLabRuntime
import MuseoLabWeb

/// Everything the server is configured with, parsed and checked in this one place: what every
/// process reads (`ServiceConfiguration`), then the HTTP settings, the options of the command
/// line winning over the environment. A bad value is a `BadSetting` naming its variable.
struct ServerConfiguration: Sendable {
    var service: ServiceConfiguration
    var http: ServerSettings
    var web: WebSettings
    /// Whether `TRUSTED_PROXIES` was given (the embedded run trusts loopback when it was not).
    var proxiesGiven: Bool

    /// The server's own variables, for `--help` and the README: name, default, meaning.
    static let variables: [(name: String, fallback: String, meaning: String)] = [
        ("HOST", "127.0.0.1", "address to listen on (--host)"),
        ("PORT", "8080", "port, 0 for any free one (--port)"),
        ("DATABASE_POOL_SIZE", "20", "most database connections"),
        ("TRUSTED_PROXIES", "none; loopback in the embedded run", "reverse proxies whose X-Forwarded-For is believed"),
        ("AUTH_FAILURE_LIMIT", "10", "failed authentications an address may make in the window"),
        ("AUTH_FAILURE_WINDOW_SECONDS", "60", "that window"),
        ("METRICS_TOKEN", "none: open", "bearer token /metrics requires"),
        ("PUBLIC_URL", "none: loopback requests only", "the address sign-in links point to (https://museolab.example.org)"),
        ("SECURE_COOKIES", "false", "true behind TLS: the web pages' cookies are marked Secure"),
        ("WEB_SESSION_IDLE_MINUTES", "120", "a web session unused this long ends"),
        ("WEB_SESSION_HOURS", "24", "a web session ends this long after sign-in"),
        ("CAS_URL", "none: off", "the university's CAS server (https://cas.univ-artois.fr/cas)"),
        ("CAS_CREATE_MEMBERS", "false", "true: a first CAS sign-in with an unknown address creates a member"),
        ("CAS_ORGANISATION_ID", "the seeded Université d'Artois", "the organisation of members CAS creates"),
    ]

    /// Université d'Artois as the seed data names it (sql/seed/reference.sql).
    static let seededUniversity = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000001")!

    init(environment: [String: String], host: String? = nil, port: Int? = nil) throws {
        let reader = SettingsReader(environment)
        service = try ServiceConfiguration(environment: environment)
        http = ServerSettings()
        http.host = host ?? reader.text("HOST") ?? http.host
        if let port {
            guard (0...65_535).contains(port) else { throw BadSetting(variable: "--port", expected: "a port from 0 to 65535", value: "\(port)") }
            http.port = port
        } else {
            http.port = try reader.integer("PORT", default: http.port, in: 0...65_535, "a port")
        }
        http.databasePoolSize = try reader.integer("DATABASE_POOL_SIZE", default: http.databasePoolSize, in: 1...1000, "a number of connections")
        let proxies = reader.list("TRUSTED_PROXIES")
        proxiesGiven = proxies != nil
        http.trustedProxies = Set(proxies ?? [])
        http.authenticationFailureLimit = try reader.integer(
            "AUTH_FAILURE_LIMIT", default: http.authenticationFailureLimit, in: 1...AuthenticationThrottle.keptFailures, "a number of failures")
        http.authenticationFailureWindow = .seconds(
            try reader.integer("AUTH_FAILURE_WINDOW_SECONDS", default: 60, in: 1...86_400, "a number of seconds"))
        http.metricsToken = reader.text("METRICS_TOKEN")

        web = WebSettings()
        if let url = reader.text("PUBLIC_URL") {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil, parsed.query == nil else {
                throw BadSetting(variable: "PUBLIC_URL", expected: "an http(s) address such as https://museolab.example.org", value: url)
            }
            web.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        switch reader.text("SECURE_COOKIES")?.lowercased() {
        case nil, "false", "0", "no": web.secureCookies = false
        case "true", "1", "yes": web.secureCookies = true
        case let other?: throw BadSetting(variable: "SECURE_COOKIES", expected: "true or false", value: other)
        }
        web.signIn.idleTimeout = TimeInterval(60 * (try reader.integer("WEB_SESSION_IDLE_MINUTES", default: 120, in: 5...10_080, "a number of minutes")))
        web.signIn.absoluteLifetime = TimeInterval(3600 * (try reader.integer("WEB_SESSION_HOURS", default: 24, in: 1...2_160, "a number of hours")))
        web.showLinksOnStandardError = service.smtp == nil
        if let server = reader.text("CAS_URL") {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.query == nil else {
                throw BadSetting(variable: "CAS_URL", expected: "the CAS server's address, such as https://cas.univ-artois.fr/cas", value: server)
            }
            var create = false
            switch reader.text("CAS_CREATE_MEMBERS")?.lowercased() {
            case nil, "false", "0", "no": create = false
            case "true", "1", "yes": create = true
            case let other?: throw BadSetting(variable: "CAS_CREATE_MEMBERS", expected: "true or false", value: other)
            }
            var organisation = Self.seededUniversity
            if let id = reader.text("CAS_ORGANISATION_ID") {
                guard let parsed = UUID(uuidString: id) else { throw BadSetting(variable: "CAS_ORGANISATION_ID", expected: "an organisation's id", value: id) }
                organisation = parsed
            }
            web.cas = WebSettings.CASSettings(server: server, createMembersOf: create ? organisation : nil)
        }
    }

    /// The help's list of variables.
    /// (Two lines each: the help wraps lines at 80 characters.)
    static var help: String {
        "Configured by environment variables; a bad value stops the start, naming it (exit status 2).\n\n"
            + (ServiceConfiguration.variables + variables).map { "\($0.name) (default: \($0.fallback))\n    \($0.meaning)" }
                .joined(separator: "\n")
    }
}
