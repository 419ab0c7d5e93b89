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
        }
    }

    static let invalidEmail = "Saisissez une adresse électronique complète, par exemple prenom.nom@univ-artois.fr."
    static func tooManyLinks(wait seconds: Int) -> String {
        "Trop de liens demandés : réessayez dans \(max(1, (seconds + 59) / 60)) minute(s)."
    }
    static let formExpired = "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez."
    static let notFound = "Cette page n'existe pas, ou vous n'y avez pas accès."
    static let signedOutEverywhere = "Vous êtes déconnecté de tous vos autres appareils."
    static let unavailable = "Le service est momentanément indisponible. Réessayez dans un instant."
}
