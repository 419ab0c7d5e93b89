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
        default: nil
        }
    }

    static let actualTimes = "Indiquez le jour et les heures réelles de début et de fin (par exemple 14:00 et 16:30)."

    /// Why the domain refused a step, in plain French.
    static func stepRefusal(_ step: WebFrontEnd.SessionStep, _ problem: Problem) -> String {
        switch problem.kind {
        case .invalidTransition, .conflict:
            switch step {
            case .confirm: "Cette séance ne peut plus être confirmée (elle a changé entre-temps)."
            case .complete: "Cette séance ne peut pas être terminée : elle doit être confirmée et commencée."
            case .noShow: "L'absence ne s'enregistre que pour une séance confirmée et commencée."
            case .cancel: "Cette séance ne peut plus être annulée."
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
}
