import MuseoLab

/// The French words of what the domain says in facts: statuses, refusals. Kept in one place so
/// that a second language can come later.
enum WebTexts {
    static func status(_ status: SessionStatus) -> String {
        switch status {
        case .requested: "Demandée, en attente de confirmation"
        case .confirmed: "Confirmée"
        case .completed: "Effectuée"
        case .cancelled: "Annulée"
        case .noShow: "Absence"
        }
    }

    /// A step of a session's history: its new status, or "Déplacée" for a move to another time
    /// (from and to the same status).
    static func step(_ event: SessionEvent) -> String {
        event.from == event.to ? "Déplacée" : status(event.to)
    }

    static func machineStatus(_ status: MachineStatus) -> String {
        switch status {
        case .inService: "En service"
        case .maintenance: "En maintenance"
        case .retired: "Retirée"
        }
    }

    static func refusal(_ reason: SignInRefusal.Reason) -> String {
        switch reason {
        case .unknown: "Ce lien de connexion n'est pas valable. Demandez-en un nouveau."
        case .linkUsed: "Ce lien de connexion a déjà servi : chaque lien ne sert qu'une fois. Demandez-en un nouveau."
        case .linkExpired: "Ce lien de connexion a expiré (il est valable quinze minutes). Demandez-en un nouveau."
        case .sessionEnded: "Vous avez été déconnecté. Connectez-vous à nouveau."
        case .sessionIdle: "Votre session a expiré faute d'activité. Connectez-vous à nouveau."
        case .sessionExpired: "Votre session a expiré. Connectez-vous à nouveau."
        case .accountDisabled: "Ce compte est désactivé. Adressez-vous à l'équipe du MuséoLab."
        case .noEmail: "Le service d'authentification de l'université n'a pas donné votre adresse électronique : adressez-vous à l'équipe du MuséoLab."
        case .noAccount: "Aucun compte du MuséoLab n'a l'adresse de votre compte universitaire : adressez-vous à l'équipe du MuséoLab."
        case .casRefused: "La connexion par l'université n'a pas abouti (ticket refusé ou expiré). Recommencez."
        }
    }

    static let invalidEmail = "Saisissez une adresse électronique complète, par exemple prenom.nom@univ-artois.fr."
    static func tooManyLinks(wait seconds: Int) -> String {
        "Trop de liens demandés : réessayez dans \(max(1, (seconds + 59) / 60)) minute(s)."
    }
    static let formExpired = "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez."
    static let notFound = "Cette page n'existe pas, ou vous n'y avez pas accès."
    static let staffOnly = "Cette page est réservée à l'équipe du MuséoLab dont le rôle l'ouvre (gestion du fablab ou comptabilité)."
    static let signedOutEverywhere = "Vous êtes déconnecté de tous vos autres appareils."
    static let unavailable = "Le service est momentanément indisponible. Réessayez dans un instant."

    /// A booking refused, in plain French, by the rule it breaks.
    static func bookingRefusal(_ problem: Problem) -> String {
        switch problem.kind {
        case .bookingConflict: "Ce créneau n'est plus libre : quelqu'un l'a pris entre-temps. Choisissez-en un autre."
        case .outsideOpeningHours: "Le MuséoLab est fermé à cette heure-là."
        case .closureDay: "Le MuséoLab est fermé ce jour-là."
        case .staffUnavailable: "Personne de l'équipe ne peut encadrer ce créneau : choisissez-en un autre."
        case .machineUnavailable: "Cette machine n'est pas disponible (en maintenance, retirée ou non réservable)."
        case .authorisationRequired: "Cette machine demande une formation que vous n'avez pas encore suivie : demandez-la à l'équipe du MuséoLab."
        case .tooLong: "La séance dépasse la durée maximale d'une séance."
        case .beyondHorizon: "Ce créneau est trop loin : les réservations ne sont pas encore ouvertes."
        case .startInPast: "Ce créneau est déjà passé."
        case .endNotAfterStart: "La fin de la séance doit suivre son début."
        case .invalidTransition: "Cette séance ne peut plus être annulée."
        default:
            switch problem.field {
            case "purpose": "Décrivez l'objet de la séance, en 500 caractères au plus."
            case "participants": "Indiquez un nombre de participants entre 1 et 200."
            case "machineIds": unknownMachine
            case "reason": "Indiquez le motif de l'annulation, en 1 000 caractères au plus."
            default: "La demande n'a pas pu être enregistrée : vérifiez-la et recommencez."
            }
        }
    }

    static let trainingAsked = "Votre demande de formation est enregistrée : l'équipe du MuséoLab vous proposera une séance."
    static let chooseSlot = "Choisissez un créneau libre."
    static let unknownMachine = "Cette machine n'existe pas."
    static let participantsNumber = "Indiquez un nombre de participants entre 1 et 200."
    static let supportOnly = "Accompagnement seul (sans machine)"
    static func lateCancellation(noticeHours: Int) -> String {
        "La séance commence dans moins de \(noticeHours) h : l'annulation sera comptée comme tardive (les heures restent décomptées du quota)."
    }
    static let requested = "Votre demande est enregistrée : l'équipe du MuséoLab la confirmera."
    static let cancelled = "La séance est annulée."

    static func roomRefusal(_ problem: Problem) -> String {
        switch (problem.kind, problem.field) {
        case (.bookingConflict, _): "La salle est déjà réservée à ce moment-là : choisissez un autre horaire."
        case (.startInPast, _): "Cet horaire est déjà passé."
        case (.endNotAfterStart, _): "L'heure de fin doit suivre l'heure de début."
        case (.tooLong, _): "La réservation est trop longue."
        case (_, "attendees"): "Le nombre de personnes dépasse la capacité de la salle dans cette disposition, ou n'est pas valable."
        case (_, "purpose"): "Décrivez l'objet de la réservation, en 500 caractères au plus."
        case (_, "roomId"), (_, "layout"): chooseLayout
        default: "La demande n'a pas pu être enregistrée : vérifiez-la et recommencez."
        }
    }

    static func roomStatus(_ status: RoomBooking.Status) -> String {
        switch status {
        case .pending: "Demandée, en attente de réponse"
        case .accepted: "Acceptée"
        case .refused: "Refusée"
        case .cancelled: "Annulée"
        }
    }

    static let roomRequested = "Votre demande de salle est enregistrée : l'équipe du MuséoLab vous répondra."
    static let roomTime = "Indiquez le jour et les heures de début et de fin."
    static let chooseLayout = "Choisissez une salle et une disposition de la liste."
    static let roomAttendees = "Indiquez le nombre de personnes."
    static let tokenLabel = "Donnez un nom au jeton (100 caractères au plus)."
    static let tokenRevoked = "Le jeton est révoqué."
    static let feedRevoked = "L'adresse de votre agenda est révoquée : elle ne fonctionne plus."
}
