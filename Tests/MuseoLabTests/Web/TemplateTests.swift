import Foundation
import MuseoLab
import Mustache
import Testing
@testable import MuseoLabWeb

/// Every template renders with fixture view models, and every name a template uses is a property
/// of its model (or of the section it is in): a misspelt key cannot render empty unnoticed.
@Suite struct TemplateTests {
    /// An administrator's: both staff menus are looked into.
    static let nav = Navigation(displayName: "Ana Martin", role: .admin, csrf: "mlcsrf_fixture", current: .machines)
    static let row = MyBookingsPage.Row(
        reference: "S-000042", href: "/reservations/S-000042", when: "mardi 12 janvier 2027, 14 h 00 – 16 h 00",
        machines: "Imprimante 3D", purpose: "Maquette", status: "Confirmée", statusClass: "confirmed")

    static let tariffItem = DeskTariffsPage.Item(
        line: "3", code: "filament-pla", label: "Filament PLA", unit: "unité", scope: "consommable", vat: "20 %",
        prices: [.init(category: "Membre fondateur", amount: "25,00 €")])

    /// One fixture per page, every optional given and every list non-empty, so every section is looked into.
    static let pages: [any Page] = [
        SignInPage(csrf: "mlcsrf_fixture", email: "ana@univ-artois.fr", emailError: "Adresse incomplète", notice: "Lien expiré"),
        LinkSentPage(email: "ana@univ-artois.fr", minutes: 15),
        LinkPage(csrf: "mlcsrf_fixture", secret: "mllink_fixture"),
        MachinesPage(nav: nav, csrf: "mlcsrf_fixture", notice: "Demandée", machines: [
            .init(id: "m1", nature: "Imprimante 3D", model: "Ultimaker S5", inventoryNumber: "12548", category: "impression-3d",
                  status: "En service", available: true, bookable: true, trainingRequired: true, authorised: true, trainingAsked: false,
                  askAction: "/machines/m1/formation"),
            .init(id: "m2", nature: "Découpeuse laser", model: nil, inventoryNumber: "13995", category: "laser",
                  status: "En service", available: true, bookable: true, trainingRequired: true, authorised: false, trainingAsked: false,
                  askAction: "/machines/m2/formation"),
            .init(id: "m3", nature: "Brodeuse", model: nil, inventoryNumber: nil, category: nil,
                  status: "En service", available: true, bookable: true, trainingRequired: true, authorised: false, trainingAsked: true,
                  askAction: "/machines/m3/formation"),
        ]),
        MyBookingsPage(nav: nav, upcoming: [row], past: [row]),
        WaitingListPage(
            nav: nav, csrf: "mlcsrf_fixture", notice: "C’est noté", problem: "Refusée",
            requests: [.init(what: "Imprimante 3D", when: "mardi 12 janvier 2027, 14 h 00 – 16 h 00", status: "En attente", statusClass: "waiting",
                             withdrawAction: "/mes-attentes/x/retirer")],
            form: .init(resources: [Choice(value: "m:x", label: "Imprimante 3D", selected: true)], day: "2027-01-12", from: "14:00", to: "16:00",
                        resourceError: "Choisissez", dayError: "Jour", fromError: "Heure", toError: "Fin")),
        BookingPage(
            title: "Réservation S-000042", nav: nav, booking: row, staff: "Marc Dupont", participants: 3,
            history: [.init(when: "lundi 4 janvier 2027, 9 h 00", status: "Demandée", reason: "Pour le cours")], notice: "Enregistrée",
            cancel: .init(action: "/reservations/S-000042/annuler", csrf: "mlcsrf_fixture", reason: "Malade", reasonError: "Motif requis",
                          lateWarning: "Annulation tardive"),
            seriesHref: "/series/x"),
        BookPage(
            nav: nav, csrf: "mlcsrf_fixture", machines: [.init(value: "", label: "Accompagnement seul", selected: true)],
            durations: [.init(value: "120", label: "2 h", selected: true)], week: "2027-01-04", weekLabel: "semaine du lundi 4 janvier 2027",
            previousWeek: "2026-12-28", nextWeek: "2027-01-11", machine: "", minutes: "120",
            days: [.init(id: "2027-01-05", label: "mardi 5 janvier 2027", slots: [
                .init(id: "creneau-1", value: "2027-01-05T09:00:00Z", label: "10 h 00 – 12 h 00", checked: true),
            ])],
            quota: .init(year: 2027, consumed: "10 h", committed: "2 h", remaining: "388 h", session: "2 h", remainingAfter: "386 h au quota", over: "1 h"),
            purpose: "Maquette", participants: "2", repetition: repetition, problem: "Refusé", slotError: "Pris", purposeError: "Trop long",
            participantsError: "Trop", machineError: "Inconnue"),
        SeriesPage(
            nav: nav, csrf: "mlcsrf_fixture", notice: "Enregistrée", problem: "Pris entre-temps", every: "Chaque semaine",
            summary: "3 séances demandées : 2 réservées, 1 refusée.",
            occurrences: [
                .init(number: 1, when: "mardi 12 janvier 2027 de 10 h 00 à 12 h 00", status: "Confirmée", statusClass: "confirmed",
                      href: "/reservations/S-000042", reference: "S-000042", refusal: nil),
                .init(number: 2, when: "mardi 19 janvier 2027 de 10 h 00 à 12 h 00", status: "Refusée", statusClass: "refused",
                      href: nil, reference: nil, refusal: "Le MuséoLab est fermé ce jour-là."),
            ],
            quota: "Les séances encore à confirmer prennent 4 h", confirmAction: "/series/x/confirmer",
            cancel: .init(action: "/series/x/annuler", options: [.init(value: "1", label: "1. mardi", selected: true)], reason: "Fin du projet",
                          fromError: "Laquelle ?", reasonError: "Motif requis")),
        AccountPage(
            nav: nav, displayName: "Ana Martin", email: "ana@univ-artois.fr", organisation: "Université d'Artois", openSessions: 2,
            notice: "Déconnecté partout",
            tokens: [.init(id: "t1", label: "Script", prefix: "mlab_abcdefg", created: "hier", expires: "demain", lastUsed: "ce matin")],
            newToken: "mlab_fixture", labelError: "Nom requis"),
        CalendarFeedPage(nav: nav, csrf: "mlcsrf_fixture", current: "mlcal_abcdef", since: "hier", newURL: "http://x/calendar/feeds/mlcal_x.ics",
                         notice: "Révoquée"),
        NotificationsPage(nav: nav, csrf: "mlcsrf_fixture", items: [
            .init(id: "n1", subject: "Séance confirmée", body: "Votre séance est confirmée.", when: "hier", unread: true, href: "/reservations/x"),
        ]),
        RoomsPage(
            nav: nav, csrf: "mlcsrf_fixture", layouts: [.init(value: "atrium:theatre", label: "Atrium – théâtre (120 places)", selected: true)],
            date: "2027-01-12", start: "14:00", end: "16:00", attendees: "30", purpose: "Conférence", notice: "Enregistrée", problem: "Refusée",
            layoutError: "Inconnue", timeError: "Horaire", attendeesError: "Trop", purposeError: "Vide",
            requests: [.init(reference: "R-000001", room: "Atrium", when: "mardi", status: "Refusée", statusClass: "refused", reason: "Complet")]),
        // The accountant's desk.
        DeskTariffsPage(
            nav: nav, csrf: "mlcsrf_fixture", notice: "Chargée",
            versions: [.init(label: "Grille 2026", effectiveFrom: "jeudi 1er janvier 2026", items: 18, locked: true, lockedSince: "hier")],
            day: "2026-11-30", dayError: "Date illisible",
            inForce: .init(day: "lundi 30 novembre 2026", label: "Grille 2026", effectiveFrom: "jeudi 1er janvier 2026", items: [tariffItem],
                           none: "Aucune version"),
            table: "code\tlabel", effectiveFrom: "2027-01-01", label: "Grille 2027", tableError: "Ligne 3", effectiveFromError: "Date requise",
            labelError: "Trop long", preview: .init(effectiveDay: "vendredi 1er janvier 2027", source: "Le fichier « grille-2027.tsv »", items: [tariffItem], bytes: "Y29kZQ==")),
        DeskToInvoicePage(
            nav: nav, csrf: "mlcsrf_fixture", notice: "Enregistré",
            customers: [.init(
                id: "u1", name: "Université d'Artois", count: 2, total: "1 234,50 €", unpriced: "1", from: "2026-11-01", to: "2026-11-30",
                items: [.init(day: "mardi 24 novembre 2026", kind: "Consommable", description: "Filament PLA", quantity: "3", amount: "75,00 €")],
                billing: .init(
                    siretValue: "1962", serviceValue: "SERV", accountValue: "CUNIV", derivedAccount: "C6F0B8D2E", isPublicBody: true, missingSiret: true,
                    billingProblem: "Rien", siretError: "14 chiffres", serviceError: "Trop long", accountError: "Capitales"))],
            consumable: .init(
                customers: [.init(value: "u1", label: "Université d'Artois", selected: true)],
                consumables: [.init(value: "filament-pla", label: "Filament PLA", selected: true)], quantity: "2", day: "2026-11-30",
                description: "Bobines", problem: "Refusé", customerError: "Client inconnu", consumableError: "Inconnu", quantityError: "Trop",
                dayError: "Date", descriptionError: "Trop long")),
        DeskInvoicesPage(
            nav: nav, csrf: "mlcsrf_fixture", notice: "Prêt",
            chain: .init(valid: false, documents: 3, said: "Rompue", brokenAt: "F2026-000002", problem: "empreinte"),
            documents: [.init(href: "/comptabilite/factures/i1", number: "F2026-000001", kind: "Facture", customer: "Université d'Artois",
                              date: "lundi 30 novembre 2026", total: "1 481,40 €", status: "Émis", statusClass: "issued")],
            draft: .init(
                customers: [.init(value: "u1", label: "Université d'Artois", selected: true)], from: "2026-11-01", to: "2026-11-30",
                commitment: "EJ-1", problem: "Rien à facturer", customerError: "Client", fromError: "Du", toError: "Au", commitmentError: "Trop long")),
        DeskInvoicePage(
            title: "Facture F2026-000001", nav: nav, csrf: "mlcsrf_fixture", notice: "Émis", problem: "Refusé", heading: "Facture F2026-000001",
            kind: "Facture", status: "Émis", statusClass: "issued", customer: "Université d'Artois", period: "du 1er au 30 novembre 2026",
            issueDate: "lundi 30 novembre 2026", dueDate: "mercredi 30 décembre 2026", issuedBy: "compta@museolab.fr", serviceCode: "SERV-MUSEOLAB",
            commitment: "EJ-1", corrects: .init(href: "/comptabilite/factures/i0", label: "F2026-000000"), creditReason: "Erreur",
            lines: [.init(description: "Filament PLA", day: "mardi 24 novembre 2026", quantity: "3", unit: "unité", unitPrice: "25,00 €",
                          net: "75,00 €", vat: "20 %")],
            vatGroups: [.init(vat: "20 %", base: "75,00 €", amount: "15,00 €")], totalNet: "75,00 €", totalVat: "15,00 €", totalGross: "90,00 €",
            footprint: "ab12", chainPosition: 1, creditNotes: [.init(href: "/comptabilite/factures/a1", label: "A2026-000001")],
            htmlHref: "/comptabilite/factures/i1/facture.html",
            files: .init(pdf: "/comptabilite/factures/i1/facture.pdf", ubl: "/comptabilite/factures/i1/facture.xml", cii: "/comptabilite/factures/i1/facture-cii.xml"),
            draft: .init(issueAction: "/comptabilite/factures/i1/emettre", discardAction: "/comptabilite/factures/i1/abandonner",
                         confirmError: "Cochez la case", legalDataMissing: .init(missingItems: [.init(missingText: "le SIREN du client")])),
            credit: .init(action: "/comptabilite/factures/i1/avoir", reason: "Erreur", reopen: true, reasonError: "Motif requis",
                          linesError: "Montant", lines: [.init(field: "montant-l1", label: "Filament PLA", net: "75,00 €", amount: "10,00")])),
        DeskExportsPage(nav: nav, from: "2026-01-01", to: "2026-12-31", fromError: "Du", toError: "Au"),
        MessagePage(title: "Page introuvable", message: "Cette page n'existe pas.", nav: nav, nextHref: "/machines", nextLabel: "Retour"),
        // The manager's console.
        PlannerPage(
            title: "Planning du mardi 12 janvier 2027", nav: nav, csrf: "mlcsrf_fixture", dayView: true,
            previousHref: "/gestion/planning?jour=2027-01-11", nextHref: "/gestion/planning?jour=2027-01-13", weekHref: "/gestion/planning?semaine=2027-01-11",
            todayHref: "/gestion/planning?jour=2026-12-02", columns: [.init(label: "mardi 12 janvier 2027", href: "/gestion/planning?jour=2027-01-12")],
            hours: PlannerPage.hourMarks,
            pending: [.init(reference: "S-000042", href: "/gestion/seances/S-000042", when: "mardi", requester: "Ana Martin", purpose: "Maquette",
                            machines: "Imprimante 3D", staff: "Marc", confirmAction: "/gestion/seances/S-000042/confirmer")],
            lanes: [.init(name: "Marc Dupont", kind: "Équipe", days: [.init(label: "mardi", blocks: [
                .init(href: "/gestion/seances/S-000042", time: "10 h 00 – 12 h 00", label: "S-000042 · Ana", detail: "Maquette", status: "Demandée",
                      statusClass: "requested", placement: "at-13 span-8"),
            ])])]),
        ConsoleSessionPage(
            title: "Séance S-000042", nav: nav, csrf: "mlcsrf_fixture", notice: "Confirmée", problem: "Refusée", when: "mardi", status: "Confirmée",
            statusClass: "confirmed", requester: "Ana Martin (ana@univ-artois.fr)", organisation: "Université d'Artois", staff: "Marc",
            machines: "Imprimante 3D", purpose: "Maquette", participants: 2, actual: "mardi, 10 h 00 – 11 h 30",
            confirmAction: "/gestion/seances/S-000042/confirmer",
            complete: .init(action: "/gestion/seances/S-000042/terminer", day: "2027-01-12", start: "10:00", end: "12:00", note: "RAS", error: "Heures"),
            noShowAction: "/gestion/seances/S-000042/absence",
            reschedule: .init(action: "/gestion/seances/S-000042/deplacer", day: "2027-01-14", start: "14:00", end: "16:00", reason: "Absence",
                              error: "Fermé ce jour-là"),
            cancel: .init(action: "/gestion/seances/S-000042/annuler", reason: "Panne", error: "Motif requis"),
            history: [.init(status: "Demandée", when: "lundi", actor: "user:ana@univ-artois.fr", reason: "Cours")], plannerHref: "/gestion/planning",
            seriesHref: "/series/x"),
        QuotaPage(
            title: "Quota 2026", nav: nav, csrf: "mlcsrf_fixture", notice: "Acquittée", year: 2026, previousHref: "/gestion/quota?annee=2025",
            nextHref: "/gestion/quota?annee=2027",
            chart: BurnDownChart(
                QuotaBurnDown.of([], year: 2026, quotaMinutes: 24_000), thresholds: [75, 90], today: CalendarDate("2026-12-02")!,
                forecast: CalendarDate("2026-12-20")!),
            figures: [.init(label: "Consommé", value: "152 h")], forecast: "Épuisé le 20 décembre",
            alerts: [.init(label: "Seuil de 75 % atteint", firedAt: "hier", delivery: "1 envoi(s) sur 1", acknowledged: "Acquittée",
                           acknowledgeAction: "/gestion/quota/alertes/a1/acquitter")],
            overage: [.init(id: "o1", session: "S-000042", date: "mardi", hours: "2 h", status: "À décider", decision: "Accord",
                            billAction: "/gestion/quota/depassements/o1/facturer", waiveAction: "/gestion/quota/depassements/o1/renoncer", error: "Motif")],
            groupings: [.init(value: "month", label: "mois", selected: true)], groupingLabel: "mois",
            report: [.init(label: "décembre 2026", consumed: "2 h", committed: "0 h", sessions: 1)], csvHref: "/gestion/quota/rapport.csv"),
        RoomRequestsPage(
            title: "Demandes de salles", nav: nav, csrf: "mlcsrf_fixture", notice: "Acceptée",
            requests: [.init(reference: "R-000001", room: "Salle de réunion", layout: "meeting", when: "mardi", requester: "Ana, Université d'Artois",
                             attendees: 8, purpose: "Réunion", conflicts: [.init(text: "R-000002 (En attente, mardi)")], hasConflicts: true,
                             freeUses: "3 restantes sur 4", acceptAction: "/gestion/salles/R-000001/accepter",
                             refuseAction: "/gestion/salles/R-000001/refuser", error: "Déjà prise")]),
        AuthorisationsPage(
            title: "Habilitations", nav: nav, csrf: "mlcsrf_fixture", notice: "Accordée", problem: "Refusée",
            current: [.init(person: "Ana (ana@univ-artois.fr)", covers: "Catégorie laser-cutter", granted: "lundi", until: "Sans limite",
                            valid: false, note: "Formation faite", revokeAction: "/gestion/autorisations/a1/revoquer", id: "a1")],
            members: [.init(value: "u1", label: "Ana", selected: true)], targets: [.init(value: "categorie:laser-cutter", label: "Catégorie laser-cutter", selected: true)],
            until: "2027-06-30", note: "Note", memberError: "Qui ?", targetError: "Quoi ?", untilError: "Quand ?", noteError: "Trop long",
            trainings: [.init(
                id: "t1", person: "Ana (ana@univ-artois.fr)", subject: "Découpeuse laser n° 13995", asked: "lundi 30 novembre 2026", note: "Projet",
                planAction: "/gestion/formations/t1/planifier", planDay: "2027-01-12", planStart: "14:00", planEnd: "16:00", planValidity: "24",
                planProblem: "Fermé")]),
        CalendarPage(
            title: "Calendrier", nav: nav, csrf: "mlcsrf_fixture", notice: "Enregistré",
            hours: [.init(name: "horaires-1", label: "Lundi", ranges: "09:00-18:00", id: "horaires-1")], hoursError: "Plages",
            closures: [.init(when: "lundi 25 mai 2026", label: "Lundi de Pentecôte", kind: "Jour férié", withdrawAction: "/gestion/calendrier/fermetures/c1/retirer")],
            closureError: "Jours",
            staff: [.init(name: "Marc", action: "/gestion/calendrier/equipe/u1", exceptionAction: "/gestion/calendrier/equipe/u1/exceptions", form: "equipe-u1",
                          days: [.init(name: "equipe-1", label: "Lundi", ranges: "09:00-18:00", id: "u1-equipe-1")],
                          exceptions: [.init(when: "mardi", kind: "Absent", reason: "Congé", withdrawAction: "/gestion/calendrier/exceptions/e1/retirer")],
                          error: "Plages", exceptionError: "Heures", exceptionForm: "exception-u1")],
            machines: [.init(value: "m1", label: "Imprimante 3D n° 12548", selected: true)],
            maintenance: [.init(machine: "Imprimante 3D", when: "jeudi", reason: "Calibrage", withdrawAction: "/gestion/calendrier/maintenance/w1/retirer")],
            maintenanceError: "Réservée"),
        InventoryPage(
            title: "Inventaire", nav: nav, csrf: "mlcsrf_fixture", notice: "Importée",
            machines: [.init(id: "m1", anchor: "m-m1", action: "/gestion/inventaire/machines/m1", nature: "Imprimante 3D", model: "S5",
                             inventoryNumber: "12548", annex: "2026", category: "3d-printer",
                             statuses: [.init(value: "in_service", label: "En service", selected: true)], bookable: true, trainingRequired: true,
                             error: "Catégorie")],
            year: 2027, fileError: "Fichier", yearError: "Année"),
        AnnexPreviewPage(
            title: "Aperçu de l’import de l’annexe 2027", nav: nav, csrf: "mlcsrf_fixture", source: "annexe.tsv", year: 2027,
            totals: [.init(label: "À créer", value: 3)],
            lines: [.init(line: 12, outcome: "Répétée", outcomeClass: "repeated", nature: "Casque VR", model: "Quest", inventoryNumber: "12547",
                          unit: "1 / 2", remarks: [.init(label: "Numéro d'inventaire répété", detail: "already listed on line 11", warning: true)], warned: true)],
            skipped: [.init(line: 1, reason: "header")], text: "dGV4dA=="),
        OnBehalfPage(
            title: "Réserver pour un membre", nav: nav, csrf: "mlcsrf_fixture", problem: "Refusée",
            members: [.init(value: "u1", label: "Ana", selected: true)], machines: [.init(value: "m1", label: "Imprimante 3D", selected: true)],
            staff: [.init(value: "s1", label: "Marc", selected: true)], day: "2027-01-12", start: "10:00", end: "12:00", purpose: "Maquette",
            participants: "2", unsupervised: true, memberError: "Qui ?", timeError: "Quand ?", participantsError: "Combien ?", purposeError: "Quoi ?",
            machineError: "Laquelle ?", staffError: "Qui encadre ?", repetition: repetition),
        OnBehalfPage(
            title: "Enregistrer une séance passée", nav: nav, csrf: "mlcsrf_fixture", afterwards: true, action: "/gestion/enregistrer",
            submit: "Enregistrer la séance terminée", windowDays: 31, problem: "Refusée",
            members: [.init(value: "u1", label: "Ana", selected: true)], machines: [.init(value: "m1", label: "Imprimante 3D", selected: true)],
            staff: [.init(value: "s1", label: "Marc", selected: true)], day: "2027-01-12", start: "10:00", end: "12:00", purpose: "Maquette",
            participants: "2", unsupervised: false, memberError: "Qui ?", timeError: "Quand ?", participantsError: "Combien ?", purposeError: "Quoi ?",
            machineError: "Laquelle ?", staffError: "Qui encadre ?"),
    ]

    static let repetition = RepetitionForm(posted: nil, error: "Entre 2 et 52 séances")
    /// Parts of pages, included with `{{> name}}`.
    static let partials = ["repeat"]

    static func source(_ name: String) throws -> String {
        try String(contentsOf: PageRenderer.resources.appendingPathComponent("templates/\(name).mustache"), encoding: .utf8)
    }

    @Test func everyTemplateHasAPageAndEveryPageRenders() async throws {
        let renderer = try await PageRenderer.load()
        let templates = try FileManager.default.contentsOfDirectory(atPath: PageRenderer.resources.appendingPathComponent("templates").path)
            .filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(9)) }
        #expect(Set(templates) == Set(Self.pages.map { type(of: $0).template } + ["layout"] + Self.partials))
        for page in Self.pages {
            let html = try renderer.html(page)
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"fr\">"), "\(type(of: page))")
            #expect(html.contains("<title>\(page.title) – MuséoLab</title>"), "\(type(of: page))")
            #expect(html.contains("</main>"), "\(type(of: page))")
        }
    }

    @Test func everyNameATemplateUsesIsOneOfItsModel() throws {
        for page in Self.pages {
            let name = type(of: page).template
            var source = try Self.source("layout") + Self.source(name)
            for partial in Self.partials { source = source.replacingOccurrences(of: "{{> \(partial)}}", with: try Self.source(partial)) }
            let missing = try Self.unresolved(in: source, model: page)
            #expect(missing.isEmpty, "\(name).mustache names what \(type(of: page)) lacks: \(missing)")
        }
        // The check itself finds a misspelt key.
        #expect(try Self.unresolved(in: "{{#machines}}{{natur}}{{/machines}}", model: Self.pages[3]) == ["natur"])
    }

    @Test func valuesAreEscaped() async throws {
        let renderer = try await PageRenderer.load()
        let html = try renderer.html(LinkSentPage(email: "<script>alert(1)</script>", minutes: 15))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;"))
    }

    /// The names of variables and sections that resolve to nothing in the model, following
    /// sections into their values (the first element of a list), as Mustache looks names up.
    static func unresolved(in template: String, model: Any) throws -> [String] {
        let tag = try Regex(#"\{\{\s*([#^/<$>!&]?)\s*([A-Za-z0-9_.]+)\s*\}\}"#)
        var stack: [Any?] = [model]  // nil: a section whose fixture value is absent (not looked into)
        var missing: [String] = []
        func lookup(_ name: String) -> (found: Bool, value: Any?) {
            for context in stack.reversed() {
                guard let context else { return (true, nil) }
                if let child = Mirror(reflecting: context).children.first(where: { $0.label == name }) { return (true, unwrap(child.value)) }
            }
            return (false, nil)
        }
        for match in template.matches(of: tag) {
            let kind = String(match.output[1].substring ?? "")
            let name = String(match.output[2].substring ?? "")
            switch kind {
            case "<", "$", "!", ">": continue
            case "/":
                if !["layout", "main"].contains(name) { stack.removeLast() }
            case "#", "^":
                let (found, value) = lookup(name)
                if !found { missing.append(name) }
                if kind == "^" || value is Bool {
                    stack.append(stack.last ?? nil)
                } else if let list = value as? [Any] {
                    stack.append(list.first)
                } else {
                    stack.append(value)
                }
            default:
                if !lookup(name).found { missing.append(name) }
            }
        }
        return missing
    }

    static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrap($0.value) } ?? nil
    }
}
