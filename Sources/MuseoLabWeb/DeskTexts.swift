import MuseoLab

/// The French words of the accountant's desk: kinds, statuses, units, and what a refused form
/// says at its field. Kept apart from `WebTexts` (the member's side), in one place.
enum DeskTexts {
    static func kind(_ kind: Invoice.Kind) -> String {
        switch kind {
        case .invoice: "Facture"
        case .creditNote: "Avoir"
        }
    }

    static func status(_ status: Invoice.Status) -> String {
        switch status {
        case .draft: "Brouillon"
        case .issued: "Émis"
        case .discarded: "Abandonné"
        }
    }

    static func itemKind(_ kind: BillableItem.Kind) -> String {
        switch kind {
        case .roomServiceFees: "Frais de service de salle"
        case .roomRental: "Location de salle"
        case .supportOverage: "Accompagnement au-delà du quota"
        case .machineUse: "Usage de machine"
        case .consumable: "Consommable"
        }
    }

    static func unit(_ unit: TariffItem.Unit) -> String {
        switch unit {
        case .hour: "heure"
        case .halfDay: "demi-journée"
        case .day: "journée"
        case .unit: "unité"
        }
    }

    static func scope(_ scope: TariffItem.Scope) -> String {
        switch scope {
        case .support: "accompagnement"
        case .machine: "machine"
        case .roomRental: "location de salle"
        case .roomServiceFee: "frais de service"
        case .consumable: "consommable"
        }
    }

    /// `20 %`, `5,5 %`, or the exemption's mention.
    static func vat(_ vat: VATTreatment) -> String {
        switch vat {
        case .rate: vat.label.replacingOccurrences(of: " %", with: "\(French.noBreakSpace)%")
        case .exempt(let mention): "Exonéré : \(mention)"
        }
    }

    // MARK: Notices

    static let versionLoaded = "La nouvelle version de la grille tarifaire est chargée."
    static let consumableAdded = "Les consommables sont enregistrés : ils seront facturés avec la période du client."
    static let issued = "Le document est émis : son numéro est définitif."
    static let discarded = "Le brouillon est abandonné : ses éléments peuvent être facturés à nouveau."
    static let creditDrafted = "Le brouillon d'avoir est prêt : relisez-le, puis émettez-le."
    static let drafted = "Le brouillon est prêt : relisez-le, puis émettez-le ou abandonnez-le."
    static let billingDetailsSaved = "Les coordonnées de facturation sont enregistrées."
    static let nothingToSave = "Rien à enregistrer : renseignez le SIRET, le code service ou le compte client."

    // MARK: Refusals

    static let day = "Saisissez une date au format AAAA-MM-JJ, par exemple 2026-11-30."
    static func noVersion(on day: String) -> String { "Aucune version de la grille n'est en vigueur le \(day) : chargez une version qui prend effet ce jour-là ou avant." }
    static let effectiveFrom = "Saisissez la date d'effet de la version (AAAA-MM-JJ)."
    static let emptyTable = "Choisissez le fichier de la grille (TSV), ou collez son tableau, ligne d'en-tête comprise."
    static let unreadableFile = "Le fichier ne se lit pas comme du texte UTF-8 : enregistrez-le depuis le tableur en « texte, séparateur tabulation, UTF-8 »."
    static let chooseCustomer = "Choisissez un client."
    static let chooseConsumable = "Choisissez un consommable de la grille en vigueur ce jour-là."
    static let quantity = "Saisissez une quantité entière entre 1 et 10 000."
    static let from = "Saisissez la date de début « Du » (AAAA-MM-JJ)."
    static let to = "Saisissez la date de fin « Au » (AAAA-MM-JJ), le même jour que « Du » ou après."
    static let confirmIssue = "Cochez la case : l'émission est définitive et attribue un numéro."
    static let reason = "Saisissez le motif de l'avoir (1 000 caractères au plus)."
    static let creditAmount = "Saisissez un montant en euros, par exemple 12,50, au plus ce qui reste à créditer sur la ligne."
    static let filesForIssued = "Le PDF et les factures électroniques (UBL, CII) sont produits à l’émission : émettez d’abord le brouillon."

    /// Why a grid table is refused, in French, at its line: what the cell holds and what it should.
    static func table(_ fault: TariffTableFault) -> String {
        let at = fault.line.map { "Ligne \($0) : " } ?? ""
        let said: String = switch fault {
        case .header(let expected):
            "La première ligne doit nommer les colonnes \(expected.joined(separator: ", ")), puis une colonne de prix par catégorie de client."
        case .cellCount(_, let found, let expected):
            "\(found) cellule(s) au lieu de \(expected) : une cellule par colonne de l'en-tête, vide s'il le faut."
        case .code(_, let value): "le code « \(value) » s'écrit en minuscules, mots reliés par des tirets (par exemple decoupe-laser)."
        case .duplicateCode(_, let code): "le code « \(code) » figure déjà plus haut."
        case .label: "le libellé est vide, ou dépasse 200 caractères."
        case .unit(_, let value): "l'unité « \(value) » n'est pas hour (heure), half_day (demi-journée), day (journée) ou unit (unité)."
        case .scope(_, let value):
            "applies_to « \(value) » n'est pas support, machine, room_rental (location de salle), room_service_fee (prestation de salle) ou consumable (consommable)."
        case .price(_, let value, let category): "« \(value) » n'est pas un prix en euros pour la catégorie \(category) (par exemple 12,50)."
        case .exemptionWithoutMention: "une exonération donne sa mention légale, par exemple « exempt: Exonération de TVA, article 261 du CGI »."
        case .vat(_, let value): "la TVA « \(value) » n'est ni un taux comme 20% ni « exempt: » suivi de la mention légale."
        case .noItem: "Le tableau n'a aucun article sous sa ligne d'en-tête."
        case .unknownCategory(let category, let known):
            "La colonne « \(category) » n'est pas une catégorie de client (catégories connues : \(known.joined(separator: ", ")))."
        }
        return at + said
    }

    /// A refusal of the domain, in French, by its kind and field.
    /// What the French e-invoicing rules need of the parties, by the field the domain names.
    static let legalData: [String: String] = [
        "seller.siren": "le SIREN de l’émetteur (sa fiche d’organisation)",
        "seller.siret": "le SIRET de l’émetteur (sa fiche d’organisation)",
        "seller.address": "l’adresse de l’émetteur, sous la forme « rue, code postal ville » (sa fiche d’organisation)",
        "sellerVatId": "le numéro de TVA intracommunautaire de l’émetteur, puisque de la TVA est facturée (paramètres de facturation)",
        "buyer.address": "l’adresse du client, sous la forme « rue, code postal ville » (sa fiche d’organisation)",
        "buyer.siren": "le SIREN du client, qui identifie un acheteur professionnel (ses coordonnées de facturation : son SIRET suffit)",
        "buyer.contactEmail": "une adresse électronique pour le client : son SIREN ou son adresse e-mail de contact (sa fiche d’organisation)",
    ]

    /// The notice of what a draft still lacks, or none.
    static func missing(_ fields: [Problem.FieldError]) -> DeskInvoicePage.LegalDataMissing? {
        fields.isEmpty ? nil : DeskInvoicePage.LegalDataMissing(missingItems: fields.map { .init(missingText: legalData[$0.field] ?? $0.detail) })
    }

    static func refusal(_ problem: Problem) -> String {
        switch (problem.kind, problem.field) {
        case (_, "table"?):
            if case .tariffTable(let fault) = problem.fault { "Le tableau est refusé, rien n'a été chargé. \(table(fault))" } else {
                "Le tableau est refusé, rien n'a été chargé."
            }
        case (_, "label"?): "Le libellé de la version fait 200 caractères au plus."
        case (_, "customerId"?): chooseCustomer
        case (_, "tariffCode"?): chooseConsumable
        case (_, "quantity"?): quantity
        case (_, "description"?): "La description fait 300 caractères au plus."
        case (_, "from"?): from
        case (.endNotAfterStart, _), (_, "to"?): to
        case (_, "commitmentNumber"?): "Le numéro d'engagement juridique fait 50 caractères au plus."
        case (_, "tariffs"?): "Aucune version de la grille tarifaire n'est en vigueur à la date d'un élément : chargez une version qui prend effet ce jour-là ou avant."
        case (.conflict, "siret"?):
            "Ce client est un organisme public : ses factures passent par Chorus Pro, qui demande son SIRET. "
                + "Renseignez-le dans ses coordonnées de facturation, page « À facturer », puis recommencez."
        case (_, "siret"?) where problem.detail.contains("SIREN"):
            "Ce SIRET n'est pas un établissement de ce client : ses 9 premiers chiffres sont son SIREN."
        case (_, "siret"?): "Le SIRET compte 14 chiffres, avec une clé de contrôle valide (par exemple 797 553 567 00034)."
        case (_, "customerAccount"?): "Le compte client auxiliaire compte 1 à 17 lettres capitales ou chiffres (par exemple CUNIVARTOIS)."
        case (_, "chorusServiceCode"?): "Le code service Chorus Pro fait 100 caractères au plus."
        case (_, "reason"?): reason
        case (_, "lines"?): creditAmount
        case (.conflict, _) where !problem.errors.isEmpty && problem.errors.allSatisfy({ legalData[$0.field] != nil }):
            "Les règles françaises de la facturation électronique demandent, avant l’émission : "
                + problem.errors.compactMap { legalData[$0.field] }.joined(separator: " ; ") + ". Complétez puis émettez de nouveau."
        case (.invalidTransition, _): "Ce document n'est plus un brouillon (ou n'est pas une facture émise) : rechargez la page."
        case (.conflict, _) where problem.detail.hasPrefix("nothing to invoice"):
            "Rien à facturer : ce client n'a aucun élément ouvert sur cette période."
        case (.conflict, _) where problem.detail.contains("fully credited"): "Cette facture est déjà entièrement créditée."
        case (.conflict, _) where problem.detail.contains("cannot change"):
            "Une version qui prend effet ce jour-là a déjà servi à une facture émise : elle ne change plus. Choisissez une autre date d'effet."
        case (.conflict, _) where problem.detail.contains("draft invoice(s)"):
            "Des brouillons sont tarifés par la version qui prend effet ce jour-là : émettez-les ou abandonnez-les d'abord."
        default: "La demande est refusée : \(problem.detail)"
        }
    }
}
