import Foundation
import Hummingbird
import MuseoLabHTTP
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// Who may open which page and post which form: every route of the web front end, opened by
/// each identity (signed out, a member, a manager, an accountant, an administrator), with the
/// exact status each one gets.
///
/// The rows are checked against the routes the front end really registers: a route without a
/// row, or a row without a route, fails `everyWebRouteHasOneRow`, so a page cannot be added
/// without saying who may open it.
///
/// Every identity signs in afresh for each cell (a cell may sign them out), and every form is
/// posted as a browser of the site would (the CSRF cookie and its token, an `Origin` of the
/// site); a cell that changes something acts on a target made for it alone. Signed out, a page
/// sends to the sign-in page (303 to `/connexion`); a page of a staff area is a 403 for a role
/// it does not open; what is someone else's is the same 404 as a wrong address.
@Suite struct WebAuthorisationMatrixTests {
    // MARK: - The matrix

    /// Statuses in the order of `Who.allCases`: `[anonymous, member, manager, accountant, admin]`.
    /// A target that belongs to someone (a booking, a token, a notification) is Ana's, the member's.
    static let matrix: [Row] = [
        // MARK: Public: the style sheet and signing in
        //                                                  anon member manager accountant admin
        row("GET /static/museolab.css",                     [200, 200, 200, 200, 200]) { _, _ in .page("/static/museolab.css") },
        row("GET /",                                        [303, 303, 303, 303, 303]) { _, _ in .page("/") },
        // Signed in already, the sign-in page sends on to the machines.
        row("GET /connexion",                               [200, 303, 303, 303, 303]) { _, _ in .page("/connexion") },
        row("POST /connexion",                              [200, 200, 200, 200, 200]) { _, who in
            .form("/connexion", ["email": "quelqu-un-\(who.rawValue)@univ-artois.fr"])
        },
        row("GET /connexion/lien",                          [200, 200, 200, 200, 200]) { _, _ in .page("/connexion/lien?jeton=mllink_inconnu") },
        row("POST /connexion/lien",                         [401, 401, 401, 401, 401]) { _, _ in .form("/connexion/lien", ["jeton": "mllink_inconnu"]) },
        // Without CAS configured (as here), its pages do not exist.
        row("GET /connexion/cas",                           [404, 404, 404, 404, 404]) { _, _ in .page("/connexion/cas") },
        row("GET /connexion/cas/retour",                    [404, 404, 404, 404, 404]) { _, _ in .page("/connexion/cas/retour?ticket=ST-1") },
        row("POST /deconnexion",                            [303, 303, 303, 303, 303]) { _, _ in .form("/deconnexion", [:]) },

        // MARK: Everyone signed in: the member's side
        //                                                  anon member manager accountant admin
        row("GET /machines",                                [303, 200, 200, 200, 200]) { _, _ in .page("/machines") },
        row("GET /reserver",                                [303, 200, 200, 200, 200]) { _, _ in .page("/reserver") },
        row("POST /reserver",                               [303, 303, 303, 303, 303]) { f, _ in
            let slot = try await f.freeSlot()
            return .form("/reserver", ["creneau": slot, "duree": "60", "objet": "Prototype", "participants": "1"])
        },
        row("GET /mes-reservations",                        [303, 200, 200, 200, 200]) { _, _ in .page("/mes-reservations") },
        // Ana's booking: the manager and the administrator see every session; the accountant does too.
        row("GET /reservations/{reference}",                [303, 200, 200, 200, 200]) { f, _ in
            .page("/reservations/\(try await f.anasBooking().reference)")
        },
        // Cancelling it: hers, or the manager's and the administrator's; nobody else's.
        row("POST /reservations/{reference}/annuler",       [303, 303, 303, 404, 303]) { f, _ in
            .form("/reservations/\(try await f.anasBooking().reference)/annuler", ["motif": "empêchée"])
        },
        row("GET /salles",                                  [303, 200, 200, 200, 200]) { _, _ in .page("/salles") },
        row("POST /salles",                                 [303, 303, 303, 303, 303]) { f, _ in
            .form("/salles", f.roomRequestForm())
        },
        row("GET /mon-agenda",                              [303, 200, 200, 200, 200]) { _, _ in .page("/mon-agenda") },
        // A new feed's address is shown once, on the page that answers.
        row("POST /mon-agenda",                             [303, 200, 200, 200, 200]) { _, _ in .form("/mon-agenda", [:]) },
        row("POST /mon-agenda/revoquer",                    [303, 303, 303, 303, 303]) { _, _ in .form("/mon-agenda/revoquer", [:]) },
        row("GET /notifications",                           [303, 200, 200, 200, 200]) { _, _ in .page("/notifications") },
        // Ana's notification: only she marks it read.
        row("POST /notifications/{id}/lue",                 [303, 303, 404, 404, 404]) { f, _ in
            .form("/notifications/\(try await f.anasNotification().text)/lue", [:])
        },
        row("GET /compte",                                  [303, 200, 200, 200, 200]) { _, _ in .page("/compte") },
        // A new token is shown once, on the page that answers.
        row("POST /compte/jetons",                          [303, 200, 200, 200, 200]) { _, _ in .form("/compte/jetons", ["libelle": "portable"]) },
        // Ana's token: she revokes it, and so may an administrator; to anyone else it does not exist.
        row("POST /compte/jetons/{id}/revoquer",            [303, 303, 404, 404, 303]) { f, _ in
            .form("/compte/jetons/\(try await f.anasToken().text)/revoquer", [:])
        },
        row("POST /compte/deconnexion-partout",             [303, 303, 303, 303, 303]) { _, _ in .form("/compte/deconnexion-partout", [:]) },

        // MARK: The accountant's desk
        // Opened by `.manageBilling` (the accountant, the administrator); a 403 for the member and the manager.
        //                                                  anon member manager accountant admin
        row("GET /comptabilite/tarifs",                     [303, 403, 403, 200, 200]) { _, _ in .page("/comptabilite/tarifs?jour=2026-11-30") },
        // A preview loads nothing: it is the page again, with the table read line by line.
        row("POST /comptabilite/tarifs/apercu",             [303, 403, 403, 200, 200]) { f, _ in
            .form("/comptabilite/tarifs/apercu", ["grille": try f.gridTable(), "date-effet": "2090-01-01"])
        },
        // Loading: a version of its own, far in the future (it prices nothing the other cells use).
        row("POST /comptabilite/tarifs",                    [303, 403, 403, 303, 303]) { f, _ in
            .form("/comptabilite/tarifs", ["grille": try f.gridTable(), "date-effet": try await f.futureEffectiveDate(), "libelle": "Matrice"])
        },
        row("GET /comptabilite/a-facturer",                 [303, 403, 403, 200, 200]) { _, _ in .page("/comptabilite/a-facturer") },
        row("POST /comptabilite/a-facturer/consommables",   [303, 403, 403, 303, 303]) { _, _ in
            .form("/comptabilite/a-facturer/consommables", ["client": TestLab.university.text, "code": "filament-pla", "quantite": "2", "jour": "2026-11-30"])
        },
        row("GET /comptabilite/factures",                   [303, 403, 403, 200, 200]) { _, _ in .page("/comptabilite/factures") },
        // The university's items of a day of the cell's own.
        row("POST /comptabilite/factures/brouillon",        [303, 403, 403, 303, 303]) { f, _ in
            let day = try await f.universityItems().description
            return .form("/comptabilite/factures/brouillon", ["client": TestLab.university.text, "du": day, "au": day, "engagement": "EJ-MATRICE"])
        },
        row("GET /comptabilite/factures/{id}",              [303, 403, 403, 200, 200]) { f, _ in
            .page("/comptabilite/factures/\(try await f.freshDraft().id.text)")
        },
        row("POST /comptabilite/factures/{id}/emettre",     [303, 403, 403, 303, 303]) { f, _ in
            .form("/comptabilite/factures/\(try await f.freshDraft().id.text)/emettre", ["confirme": "oui"])
        },
        row("POST /comptabilite/factures/{id}/abandonner",  [303, 403, 403, 303, 303]) { f, _ in
            .form("/comptabilite/factures/\(try await f.freshDraft().id.text)/abandonner", [:])
        },
        row("POST /comptabilite/factures/{id}/avoir",       [303, 403, 403, 303, 303]) { f, _ in
            .form("/comptabilite/factures/\(try await f.freshInvoice().id.text)/avoir", ["motif": "Erreur de saisie"])
        },
        row("GET /comptabilite/factures/{id}/facture.html", [303, 403, 403, 200, 200]) { f, _ in
            .page("/comptabilite/factures/\(try await f.freshDraft().id.text)/facture.html")
        },
        row("GET /comptabilite/factures/{id}/facture.xml",  [303, 403, 403, 200, 200]) { f, _ in
            .page("/comptabilite/factures/\(try await f.freshInvoice().id.text)/facture.xml")
        },
        row("GET /comptabilite/exports",                    [303, 403, 403, 200, 200]) { _, _ in .page("/comptabilite/exports") },
        row("GET /comptabilite/exports/registre.csv",       [303, 403, 403, 200, 200]) { _, _ in
            .page("/comptabilite/exports/registre.csv?du=2026-01-01&au=2026-12-31")
        },
        row("GET /comptabilite/exports/fec.txt",            [303, 403, 403, 200, 200]) { _, _ in
            .page("/comptabilite/exports/fec.txt?du=2026-01-01&au=2026-12-31")
        },
    ]

    // MARK: - Tests

    /// The matrix and the front end agree: one row per registered route, no more.
    @Test func everyWebRouteHasOneRow() async throws {
        let routes = try await Self.registeredRoutes()
        #expect(routes.count > 20, "found \(routes.count) routes")
        let rows = Self.matrix.map(\.route)
        for route in routes.sorted() where !rows.contains(route) {
            Issue.record("\(route) is a web route but has no row in the web authorisation matrix: say who may open it")
        }
        for route in rows where !routes.contains(route) {
            Issue.record("the web authorisation matrix has a row for \(route), which the web front end does not register")
        }
        for route in Set(rows) where rows.filter({ $0 == route }).count > 1 {
            Issue.record("\(route) has more than one row in the web authorisation matrix")
        }
        for row in Self.matrix where row.expected.count != Who.allCases.count {
            Issue.record("\(row.route): \(row.expected.count) statuses for \(Who.allCases.count) identities")
        }
    }

    /// Every cell, on one seeded database and server: each cell's identity signs in afresh.
    @Test func everyCell() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            try await TestServer.with(t.lab) { server in
                let fixture = Fixture(t, server)
                for row in Self.matrix {
                    for who in Who.allCases {
                        do {
                            let call = try await row.call(fixture, who)
                            #expect(Self.path(call.path, matches: row.template), "\(row.route) as \(who): the call went to \(call.path)")
                            let answer = try await fixture.send(row.method, call, as: who)
                            let expected = row.expected[who.rawValue]
                            #expect(answer.status == expected, "\(row.route) as \(who): expected \(expected), got \(answer.status)\n\(answer.head)")
                            if who == .anonymous, expected == 303, row.method == "GET", call.path != "/" {
                                #expect(answer.location == "/connexion", "\(row.route) signed out: sent to \(answer.location ?? "nowhere")")
                            }
                        } catch {
                            Issue.record("\(row.route) as \(who): could not run the cell: \(error)")
                        }
                    }
                }
            }
        }
    }

    // MARK: - The routes

    /// `METHOD /path` of every route the front end registers, `{name}` for a parameter.
    static func registeredRoutes() async throws -> Set<String> {
        try await TestLab.with { t in
            let router = Router(context: MuseoLabRequestContext.self)
            try await WebFrontEnd(lab: t.lab, settings: WebSettings(), logger: TestLog.logger).register(on: router)
            return Set(router.routes.map { route in
                let path = route.path.description.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                    segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
                }.joined(separator: "/")
                return "\(route.method.rawValue) \(path.isEmpty ? "/" : path)"
            })
        }
    }

    /// Whether a request path (query aside) has the shape of a template (`{…}` is any segment).
    static func path(_ path: String, matches template: String) -> Bool {
        let segments = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        let templateSegments = template.split(separator: "/")
        return segments.count == templateSegments.count
            && zip(templateSegments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

// MARK: - Rows, identities, calls

extension WebAuthorisationMatrixTests {
    /// The identities of the matrix's columns, in order.
    enum Who: Int, CaseIterable, Sendable, CustomStringConvertible {
        case anonymous, member, manager, accountant, admin

        var description: String {
            switch self {
            case .anonymous: "signed out"
            case .member: "member (ana@univ-artois.fr)"
            case .manager: "manager"
            case .accountant: "accountant"
            case .admin: "admin"
            }
        }
    }

    /// What one cell sends: a page to open, or a form to post.
    struct Call: Sendable {
        var path: String
        var form: [String: String]?

        static func page(_ path: String) -> Call { Call(path: path, form: nil) }
        static func form(_ path: String, _ fields: [String: String]) -> Call { Call(path: path, form: fields) }
    }

    struct Row: Sendable {
        var route: String
        var expected: [Int]
        var call: @Sendable (Fixture, Who) async throws -> Call
        var method: String { String(route.split(separator: " ")[0]) }
        var template: String { String(route.split(separator: " ")[1]) }
    }

    static func row(_ route: String, _ expected: [Int], _ call: @escaping @Sendable (Fixture, Who) async throws -> Call) -> Row {
        Row(route: route, expected: expected, call: call)
    }

    /// An answer as the browser gets it, redirects not followed.
    struct Answer: Sendable {
        var status: Int
        var location: String?
        /// The status line and headers, for messages.
        var head: String
    }

    /// The seeded lab and its server, and the targets cells act on.
    struct Fixture: Sendable {
        let t: TestLab
        let server: TestServer
        /// Signing in without the throttle a browser meets (every cell signs in).
        let signIn: WebSignIn

        init(_ t: TestLab, _ server: TestServer) {
            self.t = t
            self.server = server
            signIn = WebSignIn(database: t.lab.database, now: t.lab.now, linksPerAddress: 1_000_000, linksPerEmail: 1_000_000)
        }

        func person(_ who: Who) -> TestLab.Person? {
            switch who {
            case .anonymous: nil
            case .member: t.people.member
            case .manager: t.people.manager
            case .accountant: t.people.accountant
            case .admin: t.people.admin
            }
        }

        /// A new web session's cookie for `who` (none signed out).
        func sessionCookie(_ who: Who) async throws -> String? {
            guard let person = person(who) else { return nil }
            let issued = try await signIn.requestLink(email: person.user.email, from: "matrix") { $0 }
            return try await signIn.redeem(try #require(issued).secret).secret
        }

        /// Sends a cell's call as a browser of the site would, over a raw connection.
        func send(_ method: String, _ call: Call, as who: Who) async throws -> Answer {
            let csrf = FormGuard.newToken()
            var cookies = ["museolab_csrf=\(csrf)"]
            if let session = try await sessionCookie(who) { cookies.append("museolab_session=\(session)") }
            var request = "\(method) \(call.path) HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: close\r\n"
            request += "Cookie: \(cookies.joined(separator: "; "))\r\n"
            if let form = call.form {
                let body = (form.merging(["csrf": csrf]) { $1 }).map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
                request += "Origin: http://127.0.0.1:\(server.port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                request += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            } else {
                request += "\r\n"
            }
            let response = try await RawHTTP.exchange(port: server.port, request)
            let head = response.components(separatedBy: "\r\n\r\n").first ?? ""
            let lines = head.components(separatedBy: "\r\n")
            let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            let location = lines.first { $0.lowercased().hasPrefix("location:") }.map { String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces) }
            return Answer(status: status, location: location, head: head)
        }

        static func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }

        // MARK: Targets

        /// A booking of Ana's, new for the cell.
        func anasBooking() async throws -> SupportSession {
            try await t.lab.sessions.request(
                SessionRequest(purpose: "Maquette", period: try await nextFreePeriod(), machineIds: []), by: t.people.member.actor)
        }

        /// The start of an hour free for a supervised session, as the booking page posts it.
        func freeSlot() async throws -> String {
            Days.iso(try await nextFreePeriod().start)
        }

        /// An hour no cell has taken yet: each one is the next hour of a Tuesday (10:00 to 17:00),
        /// week after week.
        func nextFreePeriod() async throws -> Period {
            let index = await Counter.shared.next()
            let day = Days.next(.tuesday, weeksAhead: 1 + index / 7)
            let hour = 10 + index % 7
            return Days.period(day, String(format: "%02d:00", hour), String(format: "%02d:00", hour + 1))
        }

        /// A room request's fields: the meeting room, a day in a month from now.
        func roomRequestForm() -> [String: String] {
            ["disposition": "meeting:meeting", "jour": Days.next(.wednesday, weeksAhead: 4).description, "debut": "10:00", "fin": "11:00",
             "personnes": "4", "objet": "Réunion"]
        }

        /// A notification of Ana's.
        func anasNotification() async throws -> UUID {
            let booking = try await anasBooking()
            _ = try await t.lab.sessions.confirm(booking.id, by: t.people.manager.actor)
            let notifications = try await t.lab.notifications.mine(unreadOnly: true, by: t.people.member.actor)
            return try #require(notifications.first).id
        }

        // MARK: Targets of the accountant's desk

        /// The example grid's table, as the seed loads it.
        func gridTable() throws -> String {
            try String(contentsOf: ProjectFolders.root.appendingPathComponent("sql/seed/tariffs-2026.tsv"), encoding: .utf8)
        }

        /// An effective date no other cell loads a version from, decades ahead.
        func futureEffectiveDate() async throws -> String {
            CalendarDate("2090-01-01")!.adding(days: await Counter.shared.next()).description
        }

        /// A day of 2026 only this cell bills: the university (ready for Chorus Pro) was handed a consumable that day.
        func universityItems() async throws -> CalendarDate {
            try await t.prepareUniversityForChorus()
            let day = CalendarDate("2026-02-01")!.adding(days: await Counter.shared.next())
            try await t.consumable(on: day.description)
            return day
        }

        /// A draft of the university's, new for the cell.
        func freshDraft() async throws -> Invoice {
            let day = try await universityItems()
            return try await t.lab.invoices.draft(
                customerId: TestLab.university, from: day, to: day, serviceCode: nil, commitmentNumber: "EJ-MATRICE", by: t.people.accountant.actor)
        }

        /// An issued invoice of the university's, new for the cell.
        func freshInvoice() async throws -> Invoice {
            try await t.lab.invoices.issue(try await freshDraft().id, by: t.people.accountant.actor)
        }

        /// A token of Ana's.
        func anasToken() async throws -> UUID {
            try await t.lab.tokens.create(for: t.people.member.user.id, label: "téléphone", expiresAt: nil, by: t.people.member.actor).token.id
        }
    }

    /// Hands out distinct numbers (each cell's own hour).
    actor Counter {
        static let shared = Counter()
        private var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }
}
