import MuseoLab

/// The manager's console's French texts, in one place.
enum ConsoleTexts {
    /// What a step did, said on the session's page after it.
    static func done(_ step: String) -> String? {
        switch step {
        case "confirmer": "La séance est confirmée : le demandeur est prévenu."
        case "terminer": "La séance est terminée : sa durée réelle est comptée."
        case "absence": "L'absence est enregistrée."
        case "annuler": "La séance est annulée : le demandeur est prévenu."
        case "deplacer": "La séance est déplacée : le demandeur est prévenu, et son rappel suivra la nouvelle heure."
        case "reservee": "La séance est réservée pour le membre ; elle attend sa confirmation."
        case "enregistree": "La séance passée est enregistrée comme terminée : sa durée réelle est comptée."
        case "formation": "La formation est planifiée : confirmez la séance ; la terminer accordera l'habilitation au membre."
        default: nil
        }
    }

    static let newTimes = "Indiquez le jour et les nouvelles heures de la séance (par exemple 14:00 et 16:00)."
    static let trainingTimes = "Indiquez le jour et les heures de la formation (par exemple 14:00 et 16:00)."
    static let trainingValidity = "La validité de l'habilitation se compte en mois, de 1 à 120 (laissez vide : sans limite)."
    static let chooseRequester = "Choisissez le membre venu à la séance."
    static let chooseStaff = "Choisissez le membre de l'équipe qui a encadré la séance."

    /// Why a session recorded afterwards was refused, in plain French.
    static func recordingRefusal(_ problem: Problem, windowDays: Int) -> String {
        switch (problem.kind, problem.field) {
        case (.forbidden, _): "Cette séance a commencé il y a plus de \(windowDays) jours : seul un administrateur l'enregistre si tard."
        case (_, "actualEnd"?) where problem.kind != .endNotAfterStart && problem.kind != .tooLong:
            "Cette séance n'est pas encore terminée : elle s'enregistre après coup, une fois finie."
        case (.bookingConflict, "staffId"?): "Ce membre de l'équipe avait une séance réservée à ce moment-là : terminez-la plutôt que d'en enregistrer une autre."
        case (.bookingConflict, _): "Cette machine était réservée, ou en maintenance, à ce moment-là."
        case (_, "staffId"?): chooseStaff
        case (_, "requesterId"?): chooseRequester
        default: WebTexts.bookingRefusal(problem)
        }
    }

    static let actualTimes = "Indiquez le jour et les heures réelles de début et de fin (par exemple 14:00 et 16:30)."

    /// Whether a move was refused for its new time (a booking rule, said as the booking forms say
    /// them, at the move's form) rather than for the session's state.
    static func refusesNewTime(_ step: WebFrontEnd.SessionStep, _ problem: Problem) -> Bool {
        step == .reschedule && ![.invalidTransition, .conflict].contains(problem.kind)
    }

    /// Why the domain refused a step, in plain French.
    static func stepRefusal(_ step: WebFrontEnd.SessionStep, _ problem: Problem) -> String {
        if refusesNewTime(step, problem) {
            return problem.field == "reason" ? "Indiquez le motif, en 1 000 caractères au plus." : WebTexts.bookingRefusal(problem)
        }
        return switch problem.kind {
        case .invalidTransition, .conflict:
            switch step {
            case .confirm: "Cette séance ne peut plus être confirmée (elle a changé entre-temps)."
            case .complete: "Cette séance ne peut pas être terminée : elle doit être confirmée et commencée."
            case .noShow: "L'absence ne s'enregistre que pour une séance confirmée et commencée."
            case .cancel: "Cette séance ne peut plus être annulée."
            case .reschedule: "Cette séance ne peut plus être déplacée."
            }
        case .bookingConflict: "Ce créneau est pris par une autre séance ou une maintenance."
        case .endNotAfterStart: "La fin réelle doit suivre le début réel."
        case .startInPast: "Ce moment n'est pas encore arrivé."
        default:
            switch problem.field {
            case "reason": "Indiquez le motif, en 1 000 caractères au plus."
            case "actual", "start", "end": actualTimes
            case "note": "La note fait au plus 1 000 caractères."
            default: "L'action n'a pas pu être enregistrée : vérifiez-la et recommencez."
            }
        }
    }

    // MARK: Authorisations

    static func authorisationDone(_ step: String) -> String? {
        switch step {
        case "accordee": "L'habilitation est accordée."
        case "revoquee": "L'habilitation est révoquée."
        default: nil
        }
    }

    static let chooseMember = "Choisissez la personne habilitée."
    static let chooseTarget = "Choisissez une machine ou une catégorie de machines."
    static let untilDate = "Indiquez la date de fin sous la forme AAAA-MM-JJ, ou laissez-la vide."

    static func authorisationRefusal(_ problem: Problem) -> String {
        switch problem.field {
        case "userId": chooseMember
        case "machineId", "category": chooseTarget
        case "expiresOn": "La fin de l'habilitation ne peut précéder son début."
        case "note": "La note fait au plus 500 caractères."
        case "reason": "Le motif fait au plus 500 caractères."
        default: problem.kind == .conflict ? "Cette habilitation est déjà révoquée." : "L'habilitation n'a pas pu être enregistrée : vérifiez-la et recommencez."
        }
    }

    // MARK: Calendar

    static func calendarDone(_ step: String) -> String? {
        switch step {
        case "horaires": "Les horaires d'ouverture sont enregistrés."
        case "fermeture": "La fermeture est enregistrée."
        case "fermeture-retiree": "La fermeture est retirée."
        case "equipe": "Les disponibilités sont enregistrées."
        case "exception": "L'exception est enregistrée."
        case "exception-retiree": "L'exception est retirée."
        case "maintenance": "La maintenance est planifiée."
        case "maintenance-retiree": "La maintenance est retirée."
        default: nil
        }
    }

    static func calendarRefusal(_ problem: Problem) -> String {
        switch problem.kind {
        case .bookingConflict:
            problem.field == "cancelConflicting"
                ? "La machine est réservée sur ce créneau : cochez « annuler les séances en conflit » pour planifier la maintenance quand même (les demandeurs seront prévenus)."
                : "La machine a déjà une maintenance sur ce créneau."
        case .endNotAfterStart: "La fin doit suivre le début."
        default:
            switch problem.field {
            case "label": "Donnez un libellé à la fermeture, en 200 caractères au plus."
            case "reason": "Indiquez le motif, en 500 caractères au plus."
            case "machineId": "Choisissez une machine."
            case "closure": "Indiquez le premier et le dernier jour de la fermeture."
            case "maintenance", "exception": "Indiquez le jour et les heures de début et de fin."
            case .some(let field) where field.hasPrefix("horaires-") || field.hasPrefix("equipe-"):
                "Écrivez les plages de chaque jour sous la forme 09:00-12:30, 13:30-18:00 (laissez vide un jour fermé)."
            default: "La modification n'a pas pu être enregistrée : vérifiez-la et recommencez."
            }
        }
    }

    // MARK: Inventory

    static func inventoryDone(_ step: String) -> String? {
        switch step {
        case "machine": "La machine est mise à jour."
        case "import": "L'annexe est importée."
        default: nil
        }
    }

    static func machineRefusal(_ problem: Problem) -> String {
        problem.field == "category"
            ? "La catégorie s'écrit en minuscules, chiffres et tirets (par exemple decoupe-laser)."
            : "La machine n'a pas pu être mise à jour : vérifiez et recommencez."
    }

    static let annexFile = "Choisissez le fichier de l'annexe (texte, colonnes séparées par des tabulations)."
    static let annexYear = "Indiquez l'année de l'annexe (par exemple 2027)."

    static func annexRefusal(_ problem: Problem) -> String {
        problem.field == "year" ? "L'année de l'annexe doit être comprise entre 2000 et 2100." : "Ce fichier ne se lit pas comme l'annexe 1 de la convention : vérifiez ses colonnes."
    }

    static func outcome(_ outcome: InventoryImportReport.Outcome) -> String {
        switch outcome {
        case .created: "À créer"
        case .matched: "Déjà connue"
        case .updated: "À mettre à jour"
        case .repeated: "Répétée"
        }
    }

    static func remark(_ code: ImportRemark.Code) -> String {
        switch code {
        case .unknownSerial: "Numéro de série inconnu"
        case .unknownInventoryNumber: "Numéro d'inventaire inconnu"
        case .unknownModel: "Modèle inconnu"
        case .unitExpansion: "Plusieurs unités (*N)"
        case .repeatedInventoryNumber: "Numéro d'inventaire répété"
        case .repeatedSerialNumber: "Numéro de série répété"
        case .cellNotSplit: "Cellule non répartie entre les unités"
        case .invalidInventoryNumber: "Numéro d'inventaire invalide"
        case .invalidValue: "Valeur invalide"
        case .differsFromInventory: "Diffère de l'inventaire"
        case .missingCells: "Cellules manquantes"
        case .extraCells: "Cellules en trop"
        case .inventoryNumberNormalised: "Numéro d'inventaire normalisé"
        }
    }
}
