import Foundation
import Hummingbird
import MuseoLab

/// The account (API tokens, signing out everywhere), the private calendar feed, notifications.
extension WebFrontEnd {
    func registerAccount<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.get("/compte") { request, _ in
            try await signedIn(request) { visitor in
                let notice: String? = switch request.uri.queryParameters.get("fait") {
                case "partout": WebTexts.signedOutEverywhere
                case "revoque": WebTexts.tokenRevoked
                default: nil
                }
                return try await accountPage(visitor, notice: notice)
            }
        }
        router.post("/compte/jetons") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            let days = [30, 90, 365].first { String($0) == form["jours"] } ?? 90
            do {
                let issued = try await lab.tokens.create(
                    for: visitor.user.id, label: form["libelle"] ?? "", expiresAt: lab.now().addingTimeInterval(Double(days) * 86_400),
                    by: visitor.actor)
                // Shown once, on this answer only (never in a redirect's address).
                var page = try await accountPage(visitor, notice: nil)
                page.newToken = issued.secret
                return try self.page(page)
            } catch let problem as Problem where problem.field == "label" {
                var page = try await accountPage(visitor, notice: nil)
                page.labelError = WebTexts.tokenLabel
                return try self.page(page, status: .unprocessableContent)
            }
        }
        router.post("/compte/jetons/:id/revoquer") { request, context in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            do {
                guard let id = UUID(uuidString: context.parameters.get("id") ?? "") else { throw Problem.notFound("token") }
                _ = try await lab.tokens.revoke(id, reason: "révoqué depuis la page du compte", by: visitor.actor)
                return redirect("/compte?fait=revoque")
            } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
                return try notFoundPage(visitor)
            }
        }
        router.post("/compte/deconnexion-partout") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            try await signIn.signOutEverywhere(by: visitor.actor)
            var response = redirect("/connexion")
            response.setCookie(Cookies.cleared(Cookies.session, secure: settings.secureCookies))
            return response
        }

        router.get("/mon-agenda") { request, _ in
            try await signedIn(request) { visitor in
                try await calendarPage(visitor, newURL: nil, notice: request.uri.queryParameters.get("fait") == "revoque" ? WebTexts.feedRevoked : nil)
            }
        }
        router.post("/mon-agenda") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            let secret = try await lab.calendarFeeds.create(for: visitor.user.id, by: visitor.actor)
            let base = settings.publicURL ?? request.head.authority.map { "http://\($0)" } ?? ""
            return try page(try await calendarPage(visitor, newURL: "\(base)/calendar/feeds/\(secret).ics", notice: nil))
        }
        router.post("/mon-agenda/revoquer") { request, _ in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            do {
                try await lab.calendarFeeds.revoke(for: visitor.user.id, by: visitor.actor)
            } catch let problem as Problem where problem.kind == .notFound {
                // Already revoked (another tab): the same outcome.
            }
            return redirect("/mon-agenda?fait=revoque")
        }

        router.get("/notifications") { request, _ in
            try await signedIn(request) { visitor in
                NotificationsPage(nav: visitor.nav(.notifications), csrf: visitor.csrf, items: try await lab.notifications.mine(by: visitor.actor).map {
                    NotificationsPage.Item(
                        id: $0.id.uuidString.lowercased(), subject: $0.subject, body: $0.body, when: French.dateTime($0.createdAt),
                        unread: $0.readAt == nil, href: $0.sessionId.map { "/reservations/\($0.uuidString.lowercased())" })
                })
            }
        }
        router.post("/notifications/:id/lue") { request, context in
            let form = try await Form.read(request)
            guard formIsOurs(request, form) else { return try refusedForm(request) }
            guard let visitor = try await visitor(request) else { return redirect("/connexion") }
            do {
                guard let id = UUID(uuidString: context.parameters.get("id") ?? "") else { throw Problem.notFound("notification") }
                try await lab.notifications.markRead(id, by: visitor.actor)
                return redirect("/notifications")
            } catch let problem as Problem where Self.notFoundKinds.contains(problem.kind) {
                return try notFoundPage(visitor)
            }
        }
    }

    func accountPage(_ visitor: Visitor, notice: String?) async throws -> AccountPage {
        let now = lab.now()
        let tokens = try await lab.tokens.list(for: visitor.user.id, by: visitor.actor)
            .filter { $0.revokedAt == nil && ($0.expiresAt.map { $0 > now } ?? true) }
        return AccountPage(
            nav: visitor.nav(.account), displayName: visitor.user.displayName, email: visitor.user.email,
            organisation: visitor.user.organisationName, openSessions: try await signIn.openSessions(by: visitor.actor).count,
            notice: notice,
            tokens: tokens.map {
                AccountPage.Token(
                    id: $0.id.uuidString.lowercased(), label: $0.label, prefix: $0.prefix, created: French.dateTime($0.createdAt),
                    expires: $0.expiresAt.map(French.dateTime) ?? "jamais", lastUsed: $0.lastUsedAt.map(French.dateTime))
            },
            newToken: nil, labelError: nil)
    }

    func calendarPage(_ visitor: Visitor, newURL: String?, notice: String?) async throws -> CalendarFeedPage {
        let current = try await lab.calendarFeeds.current(for: visitor.user.id, by: visitor.actor)
        return CalendarFeedPage(
            nav: visitor.nav(.calendar), csrf: visitor.csrf, current: current?.prefix, since: current.map { French.dateTime($0.createdAt) },
            newURL: newURL, notice: notice)
    }
}
