import Foundation
import Hummingbird
import Logging
import MuseoLab
import MuseoLabHTTP

/// The web pages, in French, beside the API: each handler reads a form or a cookie, calls the
/// domain under the signed-in person's role, and renders a page. No rule lives here.
///
/// Every page works without JavaScript: forms post, then redirect (303). Unsafe methods carry
/// the CSRF cookie's token and, from a browser, an `Origin` of this site.
public struct WebFrontEnd: Sendable {
    let lab: MuseoLab
    let settings: WebSettings
    let signIn: WebSignIn
    let renderer: PageRenderer
    let logger: Logger

    public init(lab: MuseoLab, settings: WebSettings, logger: Logger) async throws {
        self.lab = lab
        self.settings = settings
        signIn = WebSignIn(database: lab.database, now: lab.now, policy: settings.signIn)
        renderer = try await PageRenderer.load()
        self.logger = logger
    }

    /// A signed-in person as a page sees them.
    struct Visitor: Sendable {
        var actor: Actor
        var user: User
        var csrf: String
        var newCSRF: Bool
        func nav(_ section: Navigation.Section?) -> Navigation {
            Navigation(displayName: user.displayName, role: user.role, csrf: csrf, current: section)
        }
    }

    public func register<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/static/museolab.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: renderer.styleSheet)))
        }
        router.get("/") { request, _ in
            try await visitor(request) == nil ? redirect("/connexion") : redirect("/machines")
        }

        // Signing in.
        router.get("/connexion") { request, _ in
            if try await visitor(request) != nil { return redirect("/machines") }
            return try signInPage(request)
        }
        router.post("/connexion") { request, context in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else {
                return try signInPage(request, email: form["email"] ?? "", notice: WebTexts.formExpired, status: .forbidden)
            }
            let email = form["email"] ?? ""
            let client = ClientAddress.of(request, peer: context.remoteAddress, trustedProxies: settings.trustedProxies)
            guard let base = linkBase(request) else {
                return try page(MessagePage(
                    title: "Connexion indisponible", message: "L'adresse publique du service (PUBLIC_URL) n'est pas configurée.",
                    nav: nil, nextHref: "/connexion", nextLabel: "Retour"), status: .serviceUnavailable)
            }
            do {
                let issued = try await signIn.requestLink(email: email, from: client) { "\(base)/connexion/lien?jeton=\($0)" }
                if let issued, settings.showLinksOnStandardError {
                    // The embedded run has no e-mail relay: whoever runs it reads the link here. (Not
                    // through the logger, which takes secrets out of every line.)
                    FileHandle.standardError.write(Data("sign-in link for \(issued.email): \(base)/connexion/lien?jeton=\(issued.secret)\n".utf8))
                }
                return try page(LinkSentPage(email: email.trimmingCharacters(in: .whitespaces), minutes: Int(settings.signIn.linkLifetime / 60)))
            } catch let problem as Problem where problem.field == "email" {
                let message = problem.kind == .tooManyRequests ? WebTexts.tooManyLinks(wait: problem.retryAfter ?? 60) : WebTexts.invalidEmail
                var response = try signInPage(
                    request, email: email, emailError: message, status: problem.kind == .tooManyRequests ? .tooManyRequests : .unprocessableContent)
                if let wait = problem.retryAfter { response.headers[.retryAfter] = String(wait) }
                return response
            }
        }
        router.get("/connexion/lien") { request, _ in
            let (csrf, new) = csrfToken(request)
            let secret = request.uri.queryParameters.get("jeton") ?? ""
            return try page(LinkPage(csrf: csrf, secret: secret), csrf: new ? csrf : nil)
        }
        router.post("/connexion/lien") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            do {
                let opened = try await signIn.redeem(form["jeton"] ?? "")
                return signedInResponse(opened)
            } catch let refusal as SignInRefusal {
                return try signInPage(request, notice: WebTexts.refusal(refusal.reason), status: .unauthorized)
            }
        }
        router.get("/connexion/cas") { request, _ in
            guard let cas = settings.cas, let base = linkBase(request) else { return try notFoundPage(nil) }
            return redirect(CASClient(server: cas.server, timeout: 10).loginURL(service: "\(base)/connexion/cas/retour"))
        }
        router.get("/connexion/cas/retour") { request, _ in
            guard let cas = settings.cas, let base = linkBase(request) else { return try notFoundPage(nil) }
            do {
                let identity = try await CASClient(server: cas.server, timeout: 10).validate(
                    ticket: request.uri.queryParameters.get("ticket") ?? "", service: "\(base)/connexion/cas/retour")
                let opened = try await signIn.signInByCAS(
                    user: identity.user, email: identity.email, displayName: identity.displayName, createMembersOf: cas.createMembersOf)
                return signedInResponse(opened)
            } catch let refusal as SignInRefusal {
                return try signInPage(request, notice: WebTexts.refusal(refusal.reason), status: .unauthorized)
            }
        }
        router.post("/deconnexion") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            if let secret = request.cookies[Cookies.session]?.value { try await signIn.signOut(secret) }
            var response = redirect("/connexion")
            response.setCookie(Cookies.cleared(Cookies.session, secure: settings.secureCookies))
            return response
        }

        // The member's pages.
        registerBooking(on: router)
        router.get("/machines") { request, _ in
            try await signedIn(request) { visitor in
                let today = ParisClock.date(of: lab.now())
                let machines = try await lab.inventory.list(by: visitor.actor)
                let held = try await lab.authorisations.list(userId: visitor.user.id, by: visitor.actor)
                let asked = try await lab.trainings.list(userId: visitor.user.id, by: visitor.actor).filter { [.asked, .planned].contains($0.status) }
                let rows = machines.filter { $0.status != .retired }.map { machine in
                    MachinesPage.Row(
                        id: machine.id.uuidString.lowercased(), nature: machine.nature, model: machine.model,
                        inventoryNumber: machine.inventoryNumber, category: machine.category, status: WebTexts.machineStatus(machine.status),
                        available: machine.status == .inService, bookable: machine.bookable, trainingRequired: machine.requiresAuthorisation,
                        authorised: held.contains { $0.covers(machine, on: today) },
                        trainingAsked: asked.contains { $0.machineId == machine.id || ($0.category != nil && $0.category == machine.category) },
                        askAction: "/machines/\(machine.id.uuidString.lowercased())/formation")
                }
                let notice = request.uri.queryParameters.get("fait") == "formation" ? WebTexts.trainingAsked : nil
                return MachinesPage(nav: visitor.nav(.machines), csrf: visitor.csrf, notice: notice, machines: rows)
            }
        }
        router.get("/mes-reservations") { request, _ in
            try await signedIn(request) { visitor in
                let sessions = try await lab.sessions.list(SessionFilter(requesterId: visitor.user.id, limit: 1000), by: visitor.actor)
                let now = lab.now()
                return MyBookingsPage(
                    nav: visitor.nav(.bookings),
                    upcoming: sessions.filter { $0.period.end > now }.map(row),
                    past: sessions.filter { $0.period.end <= now }.reversed().map(row))
            }
        }
        // A member asks for the training a machine requires; the manager plans it.
        router.post("/machines/:id/formation") { request, context in
            try await signedInForm(request) { visitor, form in
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return try notFoundPage(visitor) }
                do {
                    _ = try await lab.trainings.ask(machineId: id, category: nil, note: form["note"], by: visitor.actor)
                } catch let problem as Problem where problem.field == "machineId" {
                    return try notFoundPage(visitor)
                }
                return redirect("/machines?fait=formation")
            }
        }
        registerAccount(on: router)
        registerWaitingList(on: router)
        registerSeries(on: router)
        registerRooms(on: router)

        // The manager's console.
        registerConsole(on: router)

        // The accountant's desk.
        registerDesk(on: router)
    }

    // MARK: - Pages

    func row(_ session: SupportSession) -> MyBookingsPage.Row {
        MyBookingsPage.Row(
            reference: session.reference, href: "/reservations/\(session.reference)", when: French.period(session.period),
            machines: session.machines.isEmpty ? "Accompagnement seul" : session.machines.map(\.nature).joined(separator: ", "),
            purpose: session.purpose, status: WebTexts.status(session.status),
            statusClass: session.status.rawValue.replacingOccurrences(of: "_", with: "-"))
    }

    /// A page for a signed-in person; anyone else is sent to the sign-in page. What the domain
    /// refuses as not found (another member's booking) is the same 404 page as a wrong address.
    func signedIn<P: Page>(_ request: Request, _ body: (Visitor) async throws -> P) async throws -> Response {
        guard let visitor = try await visitor(request) else { return redirect("/connexion") }
        return try await render(visitor, body)
    }

    /// The page `body` makes for a visitor; what the domain refuses as not found is the 404 page.
    func render<P: Page>(_ visitor: Visitor, _ body: (Visitor) async throws -> P) async throws -> Response {
        do {
            return try page(try await body(visitor), csrf: visitor.newCSRF ? visitor.csrf : nil)
        } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
            return try notFoundPage(visitor)
        }
    }

    /// A page of a staff area: anyone signed out is sent to the sign-in page, anyone whose role
    /// does not open the area gets a 403 page.
    func staffPage<P: Page>(_ area: StaffArea, _ request: Request, _ body: (Visitor) async throws -> P) async throws -> Response {
        guard let visitor = try await visitor(request) else { return redirect("/connexion") }
        guard area.opens(for: visitor.user.role) else { return try forbiddenPage(visitor) }
        return try await render(visitor, body)
    }

    /// A response of a staff area other than a page (a download, a redirect, a page with its own
    /// status): what does not exist, or is not the visitor's, is the 404 page.
    func staffResponse(_ area: StaffArea, _ request: Request, _ body: (Visitor) async throws -> Response) async throws -> Response {
        guard let visitor = try await visitor(request) else { return redirect("/connexion") }
        guard area.opens(for: visitor.user.role) else { return try forbiddenPage(visitor) }
        do {
            return try await body(visitor)
        } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
            return try notFoundPage(visitor)
        }
    }

    /// A file upload of a staff area (a `multipart/form-data` form), checked like `staffForm`.
    func staffUpload(
        _ area: StaffArea, _ request: Request, limit: Int, _ body: (Visitor, MultipartForm) async throws -> Response
    ) async throws -> Response {
        let upload = try await MultipartForm.read(request, limit: limit)
        guard let upload, formIsOurs(request, Form(fields: upload.fields)) else { return try refusedForm(request) }
        guard let visitor = try await visitor(request) else { return redirect("/connexion") }
        guard area.opens(for: visitor.user.role) else { return try forbiddenPage(visitor) }
        do {
            return try await body(visitor, upload)
        } catch let problem as Problem where problem.kind == .notFound {
            return try notFoundPage(visitor)
        }
    }

    /// A form of anyone signed in, read and checked (its CSRF token and origin, the visitor) before
    /// `body` acts on it; what does not exist or is not theirs is the same 404.
    func signedInForm(_ request: Request, _ body: (Visitor, Form) async throws -> Response) async throws -> Response {
        let form = try await Form.read(request)
        guard formIsOurs(request, form) else { return try refusedForm(request) }
        guard let visitor = try await visitor(request) else { return redirect("/connexion") }
        do {
            return try await body(visitor, form)
        } catch let problem as Problem where problem.kind == .notFound {
            return try notFoundPage(visitor)
        }
    }

    /// A form of a staff area, read and checked (its CSRF token and origin, the visitor, their
    /// role) before `body` acts on it.
    func staffForm(
        _ area: StaffArea, _ request: Request, limit: Int = Form.limit, _ body: (Visitor, Form) async throws -> Response
    ) async throws -> Response {
        let form = try await Form.read(request, limit: limit)
        guard formIsOurs(request, form) else { return try refusedForm(request) }
        guard let visitor = try await visitor(request) else { return redirect("/connexion") }
        guard area.opens(for: visitor.user.role) else { return try forbiddenPage(visitor) }
        do {
            return try await body(visitor, form)
        } catch let problem as Problem where problem.kind == .notFound {
            return try notFoundPage(visitor)
        }
    }

    func forbiddenPage(_ visitor: Visitor) throws -> Response {
        try page(MessagePage(
            title: "Accès réservé", message: WebTexts.staffOnly, nav: visitor.nav(nil), nextHref: "/machines", nextLabel: "Retour aux machines"),
            status: .forbidden)
    }

    /// What the pages answer for what does not exist or is not the visitor's: the same 404.
    static let notFoundKinds: [Problem.Kind] = [.notFound, .forbidden, .invalidField]

    func notFoundPage(_ visitor: Visitor?) throws -> Response {
        try page(MessagePage(
            title: "Page introuvable", message: WebTexts.notFound, nav: visitor?.nav(nil), nextHref: visitor == nil ? "/connexion" : "/machines",
            nextLabel: visitor == nil ? "Se connecter" : "Retour aux machines"),
            status: .notFound)
    }

    /// The signed-in person, when the session cookie still opens a session.
    func visitor(_ request: Request) async throws -> Visitor? {
        guard let secret = request.cookies[Cookies.session]?.value else { return nil }
        let actor: Actor
        do {
            actor = try await signIn.authenticate(secret)
        } catch is SignInRefusal {
            return nil
        }
        guard let userId = actor.userId else { return nil }
        let user = try await lab.users.get(userId, by: actor)
        let (csrf, new) = csrfToken(request)
        return Visitor(actor: actor, user: user, csrf: csrf, newCSRF: new)
    }

    /// The browser's CSRF token, or a new one (to be set as its cookie).
    func csrfToken(_ request: Request) -> (token: String, new: Bool) {
        if let token = request.cookies[Cookies.csrf]?.value, token.hasPrefix(FormGuard.scheme) { return (token, false) }
        return (FormGuard.newToken(), true)
    }

    /// Whether a posted form comes from one of our pages.
    func formIsOurs(_ request: Request, _ form: Form) -> Bool {
        FormGuard.sameOrigin(request) && FormGuard.tokenMatches(form: form["csrf"], cookie: request.cookies[Cookies.csrf]?.value)
    }

    func refusedForm(_ request: Request) throws -> Response {
        try signInPage(request, notice: WebTexts.formExpired, status: .forbidden)
    }

    /// The sign-in page, with what was typed and why the last step failed, and the browser's CSRF cookie.
    func signInPage(
        _ request: Request, email: String = "", emailError: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let (csrf, new) = csrfToken(request)
        return try page(
            SignInPage(csrf: csrf, email: email, emailError: emailError, notice: notice, cas: settings.cas != nil), status: status,
            csrf: new ? csrf : nil)
    }

    /// Where sign-in links point: the configured public address, or, unset, the loopback address
    /// the request came to (the embedded run); `nil` otherwise.
    func linkBase(_ request: Request) -> String? {
        if let url = settings.publicURL { return url }
        guard let host = request.head.authority else { return nil }
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.prefix { $0 != ":" })
        guard ["127.0.0.1", "localhost", "::1"].contains(name.lowercased()) else { return nil }
        return "http://\(host)"
    }

    func page<P: Page>(_ page: P, status: HTTPResponse.Status = .ok, csrf: String? = nil) throws -> Response {
        var response = try renderer.response(page, status: status)
        if let csrf { response.setCookie(Cookies.make(Cookies.csrf, csrf, maxAge: nil, secure: settings.secureCookies)) }
        return response
    }

    /// A session just opened: its cookie, and on to the machines.
    func signedInResponse(_ opened: OpenedWebSession) -> Response {
        var response = redirect("/machines")
        response.setCookie(Cookies.make(Cookies.session, opened.secret, maxAge: Int(settings.signIn.absoluteLifetime), secure: settings.secureCookies))
        return response
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// A posted form's fields (`application/x-www-form-urlencoded`), at most 64 KiB unless a form says otherwise.
struct Form: Sendable {
    var fields: [String: String]
    subscript(_ name: String) -> String? { fields[name] }

    static let limit = 65_536

    static func read(_ request: Request, limit: Int = limit) async throws -> Form {
        let buffer = try await request.body.collect(upTo: limit)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first.map(decode), !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return Form(fields: fields)
    }
}
