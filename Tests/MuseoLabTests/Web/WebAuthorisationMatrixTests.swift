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
        // Anyone signed in asks for the laser cutter's training for themselves.
        row("POST /machines/{id}/formation",                [303, 303, 303, 303, 303]) { f, _ in
            .form("/machines/\(try await f.t.machine("13995").id.text)/formation", [:])
        },
        row("GET /reserver",                                [303, 200, 200, 200, 200]) { _, _ in .page("/reserver") },
        row("POST /reserver",                               [303, 303, 303, 303, 303]) { f, _ in
            let slot = try await f.freeSlot()
            return .form("/reserver", ["creneau": slot, "duree": "60", "objet": "Prototype", "participants": "1"])
        },
        row("GET /mes-reservations",                        [303, 200, 200, 200, 200]) { _, _ in .page("/mes-reservations") },
        row("GET /mes-attentes",                            [303, 200, 200, 200, 200]) { _, _ in .page("/mes-attentes") },
        row("POST /mes-attentes",                           [303, 303, 303, 303, 303]) { f, _ in
            .form("/mes-attentes", [
                "ressource": "m:\(try await f.t.machine("12548").id.text)", "jour": (await f.farDay()).description, "debut": "10:00", "fin": "11:00",
            ])
        },
        // Ana's request: withdrawn by her or the fablab's staff; the accountant is told it does not exist.
        row("POST /mes-attentes/{id}/retirer",              [303, 303, 303, 404, 303]) { f, _ in
            let asked = try await f.t.lab.waitingList.ask(
                machineId: try await f.t.machine("12548").id, staffId: nil, period: Days.period(await f.farDay(), "10:00", "11:00"),
                by: f.t.people.member.actor)
            return .form("/mes-attentes/\(asked.id.text)/retirer", [:])
        },
        // Ana's series: seen by whoever sees its sessions; confirmed by the staff; cancelled from an
        // occurrence on by her or the staff, and the accountant is told it does not exist.
        row("GET /series/{id}",                             [303, 200, 200, 200, 200]) { f, _ in .page("/series/\(try await f.anasSeries().text)") },
        row("POST /series/{id}/confirmer",                  [303, 403, 303, 403, 303]) { f, _ in
            .form("/series/\(try await f.anasSeries().text)/confirmer", [:])
        },
        row("POST /series/{id}/annuler",                    [303, 303, 303, 404, 303]) { f, _ in
            .form("/series/\(try await f.anasSeries().text)/annuler", ["a-partir-de": "1", "motif": "fin du projet"])
        },
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

        // MARK: The manager's console: managers and administrators; a 403 page for the others
        //                                                  anon member manager accountant admin
        row("GET /gestion/planning",                        [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/planning") },
        row("GET /gestion/reserver",                        [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/reserver") },
        row("POST /gestion/reserver",                       [303, 403, 303, 403, 303]) { f, _ in
            let period = try await f.nextFreePeriod()
            return .form("/gestion/reserver", [
                "membre": f.t.people.member.user.id.text, "jour": ParisClock.date(of: period.start).description,
                "debut": ParisClock.time(of: period.start).description, "fin": ParisClock.time(of: period.end).description,
                "objet": "Réservé par téléphone", "participants": "1",
            ])
        },
        row("GET /gestion/enregistrer",                     [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/enregistrer") },
        // Yesterday's walk-in, recorded by each who may: completed sessions hold nothing, so they never collide.
        row("POST /gestion/enregistrer",                    [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/enregistrer", [
                "membre": f.t.people.member.user.id.text, "jour": ParisClock.date(of: Date()).adding(days: -1).description,
                "debut": "10:00", "fin": "11:00", "encadrant": f.t.people.manager.user.id.text, "objet": "Passage sans rendez-vous",
                "participants": "1",
            ])
        },
        row("GET /gestion/seances/{reference}",             [303, 403, 200, 403, 200]) { f, _ in
            .page("/gestion/seances/\(try await f.anasBooking().reference)")
        },
        row("POST /gestion/seances/{reference}/confirmer",  [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/seances/\(try await f.anasBooking().reference)/confirmer", [:])
        },
        // The times that really happened are the manager's to say (the page offers it once the session started).
        row("POST /gestion/seances/{reference}/terminer",   [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/seances/\(try await f.anasConfirmedBooking().reference)/terminer", ["jour": "2026-01-05", "debut": "10:00", "fin": "11:00"])
        },
        // A session yet to start cannot be missed: past the role check, the domain's refusal, on the 422 page.
        row("POST /gestion/seances/{reference}/absence",    [303, 403, 422, 403, 422]) { f, _ in
            .form("/gestion/seances/\(try await f.anasConfirmedBooking().reference)/absence", [:])
        },
        row("POST /gestion/seances/{reference}/annuler",    [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/seances/\(try await f.anasBooking().reference)/annuler", ["motif": "machine en panne"])
        },
        row("POST /gestion/seances/{reference}/deplacer",   [303, 403, 303, 403, 303]) { f, _ in
            let booked = try await f.anasBooking()
            let later = try await f.nextFreePeriod()
            return .form("/gestion/seances/\(booked.reference)/deplacer", [
                "jour": ParisClock.date(of: later.start).description, "debut": ParisClock.time(of: later.start).description,
                "fin": ParisClock.time(of: later.end).description,
            ])
        },
        row("GET /gestion/quota",                           [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/quota") },
        row("GET /gestion/quota/rapport.csv",               [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/quota/rapport.csv?par=machine") },
        row("POST /gestion/quota/alertes/{id}/acquitter",   [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/quota/alertes/\(try await f.unacknowledgedAlert().text)/acquitter", [:])
        },
        row("POST /gestion/quota/depassements/{id}/facturer", [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/quota/depassements/\(try await f.pendingOverage().text)/facturer", ["motif": "accord du laboratoire"])
        },
        row("POST /gestion/quota/depassements/{id}/renoncer", [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/quota/depassements/\(try await f.pendingOverage().text)/renoncer", ["motif": "geste commercial"])
        },
        row("GET /gestion/salles",                          [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/salles") },
        row("POST /gestion/salles/{reference}/accepter",    [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/salles/\(try await f.anasRoomRequest().reference)/accepter", [:])
        },
        row("POST /gestion/salles/{reference}/refuser",     [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/salles/\(try await f.anasRoomRequest().reference)/refuser", ["motif": "salle en travaux"])
        },
        row("GET /gestion/autorisations",                   [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/autorisations") },
        row("POST /gestion/autorisations",                  [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/autorisations", ["membre": f.t.people.member.user.id.text, "cible": "categorie:laser-cutter", "jusqua": "2027-06-30"])
        },
        // Ana's request for the laser cutter's training, planned in an hour of the cell's own.
        row("POST /gestion/formations/{id}/planifier",      [303, 403, 303, 403, 303]) { f, _ in
            let asked = try await f.t.lab.trainings.ask(machineId: try await f.t.machine("13995").id, category: nil, note: nil, by: f.t.people.member.actor)
            let period = try await f.nextFreePeriod()
            return .form("/gestion/formations/\(asked.id.text)/planifier", [
                "jour": ParisClock.date(of: period.start).description, "debut": ParisClock.time(of: period.start).description,
                "fin": ParisClock.time(of: period.end).description, "validite": "24",
            ])
        },
        row("POST /gestion/autorisations/{id}/revoquer",    [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/autorisations/\(try await f.anasAuthorisation().text)/revoquer", ["motif": "fin du projet"])
        },
        row("GET /gestion/calendrier",                      [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/calendrier") },
        // The hours and the week as they are (other cells book within them).
        row("POST /gestion/calendrier/horaires",            [303, 403, 303, 403, 303]) { _, _ in
            .form("/gestion/calendrier/horaires", Fixture.weekdays(prefix: "horaires"))
        },
        row("POST /gestion/calendrier/fermetures",          [303, 403, 303, 403, 303]) { f, _ in
            let day = await f.farDay()
            return .form("/gestion/calendrier/fermetures", ["du": day.description, "au": day.description, "libelle": "Inventaire annuel"])
        },
        row("POST /gestion/calendrier/fermetures/{id}/retirer", [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/calendrier/fermetures/\(try await f.closure().text)/retirer", [:])
        },
        row("POST /gestion/calendrier/equipe/{id}",         [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/calendrier/equipe/\(f.t.people.manager.user.id.text)", Fixture.weekdays(prefix: "equipe"))
        },
        row("POST /gestion/calendrier/equipe/{id}/exceptions", [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/calendrier/equipe/\(f.t.people.manager.user.id.text)/exceptions",
                  ["jour": (await f.farDay()).description, "debut": "09:00", "fin": "12:00", "disponible": "non", "motif": "formation"])
        },
        row("POST /gestion/calendrier/exceptions/{id}/retirer", [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/calendrier/exceptions/\(try await f.exception().text)/retirer", [:])
        },
        row("POST /gestion/calendrier/maintenance",         [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/calendrier/maintenance", [
                "machine": try await f.t.machine("13995").id.text, "jour": (await f.farDay()).description, "debut": "09:00", "fin": "12:00",
                "motif": "calibrage",
            ])
        },
        row("POST /gestion/calendrier/maintenance/{id}/retirer", [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/calendrier/maintenance/\(try await f.maintenanceWindow().text)/retirer", [:])
        },
        row("GET /gestion/inventaire",                      [303, 403, 200, 403, 200]) { _, _ in .page("/gestion/inventaire") },
        row("POST /gestion/inventaire/machines/{id}",       [303, 403, 303, 403, 303]) { f, _ in
            .form("/gestion/inventaire/machines/\(try await f.t.machine("12548").id.text)", ["etat": "in_service", "reservable": "oui", "categorie": "3d-printer"])
        },
        // The upload answers with its preview (nothing applied).
        row("POST /gestion/inventaire/import",              [303, 403, 200, 403, 200]) { _, _ in
            .upload("/gestion/inventaire/import", fields: ["annee": "2026"], file: ("annexe", "annexe-1-2026.tsv", try Fixture.annex()))
        },
        row("POST /gestion/inventaire/import/appliquer",    [303, 403, 303, 403, 303]) { _, _ in
            .form("/gestion/inventaire/import/appliquer", ["annee": "2026", "source": "annexe-1-2026.tsv", "annexe": Data(try Fixture.annex().utf8).base64EncodedString()])
        },
        // MARK: The accountant's desk
        // Opened by `.manageBilling` (the accountant, the administrator); a 403 for the member and the manager.
        //                                                  anon member manager accountant admin
        row("GET /comptabilite/tarifs",                     [303, 403, 403, 200, 200]) { _, _ in .page("/comptabilite/tarifs?jour=2026-11-30") },
        // A preview of an uploaded table loads nothing: it is the page again, with the table read line by line.
        row("POST /comptabilite/tarifs/apercu",             [303, 403, 403, 200, 200]) { f, _ in
            .upload("/comptabilite/tarifs/apercu", fields: ["date-effet": "2090-01-01"], file: ("fichier", "grille.tsv", try f.gridTable()))
        },
        // Loading the previewed bytes: a version of its own, far in the future (it prices nothing the other cells use).
        row("POST /comptabilite/tarifs",                    [303, 403, 403, 303, 303]) { f, _ in
            .form("/comptabilite/tarifs", [
                "tableau": Data(try f.gridTable().utf8).base64EncodedString(), "date-effet": try await f.futureEffectiveDate(), "libelle": "Matrice",
            ])
        },
        row("GET /comptabilite/a-facturer",                 [303, 403, 403, 200, 200]) { _, _ in .page("/comptabilite/a-facturer") },
        row("POST /comptabilite/a-facturer/consommables",   [303, 403, 403, 303, 303]) { _, _ in
            .form("/comptabilite/a-facturer/consommables", ["client": TestLab.university.text, "code": "filament-pla", "quantite": "2", "jour": "2026-11-30"])
        },
        row("POST /comptabilite/clients/{id}",              [303, 403, 403, 303, 303]) { _, _ in
            .form("/comptabilite/clients/\(TestLab.university.text)", ["service": "SERV-MUSEOLAB"])
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
        row("GET /comptabilite/factures/{id}/facture.pdf",  [303, 403, 403, 200, 200]) { f, _ in
            .page("/comptabilite/factures/\(try await f.freshInvoice().id.text)/facture.pdf")
        },
        row("GET /comptabilite/factures/{id}/facture-cii.xml", [303, 403, 403, 200, 200]) { f, _ in
            .page("/comptabilite/factures/\(try await f.freshInvoice().id.text)/facture-cii.xml")
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

    /// What one cell sends: a page to open, or a form to post (with a file, as multipart).
    struct Call: Sendable {
        var path: String
        var form: [String: String]?
        var file: (field: String, filename: String, content: String)?

        static func page(_ path: String) -> Call { Call(path: path, form: nil) }
        static func form(_ path: String, _ fields: [String: String]) -> Call { Call(path: path, form: fields) }
        static func upload(_ path: String, fields: [String: String], file: (String, String, String)) -> Call {
            Call(path: path, form: fields, file: file)
        }
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
            if let form = call.form, let file = call.file {
                let boundary = "matrix\(UUID().uuidString.prefix(8))"
                var body = ""
                for (name, value) in form.merging(["csrf": csrf], uniquingKeysWith: { $1 }) {
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
                }
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\n"
                body += "Content-Type: text/tab-separated-values\r\n\r\n\(file.content)\r\n--\(boundary)--\r\n"
                request += "Origin: http://127.0.0.1:\(server.port)\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\n"
                request += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            } else if let form = call.form {
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

        /// A weekly series of Ana's, twice: each one the next hour of a Monday (10:00 to 17:00) and
        /// of the Monday after, two weeks further for every seven.
        func anasSeries() async throws -> UUID {
            let index = await Counter.shared.next()
            let day = Days.next(.monday, weeksAhead: 1 + 2 * (index / 7))
            let hour = 10 + index % 7
            let first = Days.period(day, String(format: "%02d:00", hour), String(format: "%02d:00", hour + 1))
            return try await t.lab.sessionSeries.request(
                SessionSeries.Request(first: SessionRequest(purpose: "Cours", period: first, machineIds: []), count: 2), by: t.people.member.actor).id
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

        /// A confirmed booking of Ana's, yet to start.
        func anasConfirmedBooking() async throws -> SupportSession {
            try await t.lab.sessions.confirm(try await anasBooking().id, by: t.people.manager.actor)
        }

        /// A room request of Ana's, at an hour of its own.
        func anasRoomRequest() async throws -> RoomBooking {
            let index = await Counter.shared.next()
            let day = Days.next(.wednesday, weeksAhead: 6 + index / 7)
            return try await t.lab.roomBookings.request(
                RoomBookingRequest(room: "meeting", layout: "meeting", period: Days.period(day, String(format: "%02d:00", 10 + index % 7),
                                   String(format: "%02d:00", 11 + index % 7)), attendees: 4, purpose: "Réunion"),
                by: t.people.member.actor)
        }

        var year: Int { ParisClock.date(of: t.lab.now()).year }

        /// An alert of the agreement's year nobody has acknowledged: the last one, or a new one (the
        /// ledger corrected past the next threshold).
        func unacknowledgedAlert() async throws -> UUID {
            let alerts = { try await t.lab.alerts.list(agreementId: TestLab.agreement, year: year, unacknowledgedOnly: true, by: t.people.manager.actor) }
            if let alert = try await alerts().first { return alert.id }
            let balance = try await t.lab.quota.status(TestLab.agreement, year: year, by: t.people.manager.actor).balance
            // Up to the first threshold, then past the next one each time (75, 90, then 100 %).
            let minutes = balance.percentConsumed < 75 ? balance.quotaMinutes * 3 / 4 - balance.consumedMinutes + 1 : balance.quotaMinutes * 16 / 100
            _ = try await t.lab.quota.adjust(TestLab.agreement, year: year, minutes: minutes, reason: "relevé", by: t.people.manager.actor)
            return try #require(try await alerts().first).id
        }

        /// An overage item still to decide: the last one, or a new one (the year's quota used up,
        /// then a session of Ana's next Thursday completed an hour after it ended).
        func pendingOverage() async throws -> UUID {
            let pending = { try await t.lab.overage.list(agreementId: TestLab.agreement, year: nil, status: .pending, by: t.people.manager.actor) }
            if let item = try await pending().first { return item.id }
            let hour = 10 + (await Counter.shared.next()) % 7
            let session = try await t.lab.sessions.request(
                SessionRequest(purpose: "Prototype", period: Days.period(Days.next(.thursday), String(format: "%02d:00", hour), String(format: "%02d:00", hour + 1))),
                by: t.people.member.actor)
            _ = try await t.lab.sessions.confirm(session.id, by: t.people.manager.actor)
            let sessionYear = ParisClock.date(of: session.period.start).year
            let balance = try await t.lab.quota.status(TestLab.agreement, year: sessionYear, by: t.people.manager.actor).balance
            if balance.remainingMinutes > 0 {
                _ = try await t.lab.quota.adjust(
                    TestLab.agreement, year: sessionYear, minutes: balance.remainingMinutes, reason: "relevé", by: t.people.manager.actor)
            }
            _ = try await t.at(session.period.end.addingTimeInterval(3600)).sessions.complete(session.id, actual: session.period, by: t.people.manager.actor)
            return try #require(try await pending().first).id
        }

        /// Fields of a week, Monday to Friday 09:00 to 18:00 (as the fixture's own).
        static func weekdays(prefix: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (1...7).map { ("\(prefix)-\($0)", $0 <= 5 ? "09:00-18:00" : "") })
        }

        /// The 2026 annex, as seeded.
        static func annex() throws -> String {
            try String(contentsOf: ProjectFolders.sql.appendingPathComponent("seed/annexe-1-2026.tsv"), encoding: .utf8)
        }

        /// A Thursday of its own, a year or more ahead (no other cell books there), two weeks apart.
        /// A public holiday moves it to the Wednesday before, never onto another cell's week
        /// (skipping to the next Thursday did, when Christmas and New Year's Day were Thursdays).
        func farDay() async -> CalendarDate {
            var day = ParisClock.date(of: Date()).adding(days: 7 * (52 + 2 * (await Counter.shared.next())))
            while day.weekday != .thursday { day = day.adding(days: 1) }
            return FrenchPublicHolidays.name(of: day) == nil ? day : day.adding(days: -1)
        }

        /// An authorisation of Ana's, for a cell to revoke.
        func anasAuthorisation() async throws -> UUID {
            try await t.lab.authorisations.grant(
                to: t.people.member.user.id, machineId: nil, category: "laser-cutter", grantedOn: nil, expiresOn: nil, note: nil,
                by: t.people.manager.actor).id
        }

        func closure() async throws -> UUID {
            let day = await farDay()
            return try #require(try await t.lab.calendar.addClosure(from: day, to: day, label: "Fermeture", by: t.people.manager.actor).id)
        }

        func exception() async throws -> UUID {
            try await t.lab.staffAvailability.addException(
                t.people.manager.user.id, period: Days.period(await farDay(), "09:00", "10:00"), available: false, reason: nil,
                by: t.people.manager.actor).id
        }

        func maintenanceWindow() async throws -> UUID {
            try await t.lab.maintenance.add(
                machineId: try await t.machine("13995").id, period: Days.period(await farDay(), "14:00", "15:00"), reason: "nettoyage",
                cancelConflicting: false, by: t.people.manager.actor).id
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
