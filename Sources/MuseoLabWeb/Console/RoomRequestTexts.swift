import MuseoLab

/// The room requests page's French texts, in one place.
enum RoomRequestTexts {
    static func done(_ step: String) -> String? {
        switch step {
        case "accepter": "La demande est acceptée : le demandeur est prévenu."
        case "refuser": "La demande est refusée : le demandeur est prévenu."
        default: nil
        }
    }

    static func freeUses(remaining: Int, of allowance: Int) -> String {
        "Gratuités de la convention pour cette salle : \(remaining) restante(s) sur \(allowance) cette année"
    }

    static let noAgreement = "Hors convention : la réservation sera facturée au tarif."

    static func refusal(_ problem: Problem, accepting: Bool) -> String {
        switch problem.kind {
        case .bookingConflict: "La salle est déjà réservée sur ce créneau (une autre demande vient d'être acceptée) : refusez celle-ci ou proposez un autre créneau."
        case .invalidTransition, .conflict: "Cette demande a déjà reçu une réponse."
        default:
            problem.field == "reason" || !accepting
                ? "Indiquez le motif du refus, en 1 000 caractères au plus." : "La réponse n'a pas pu être enregistrée : vérifiez-la et recommencez."
        }
    }
}
