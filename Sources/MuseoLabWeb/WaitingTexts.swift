import MuseoLab

/// What the waiting list's page says, in one place.
enum WaitingTexts {
    static func done(_ code: String) -> String? {
        switch code {
        case "attente": "C’est noté : vous serez prévenu(e) par e-mail si ce créneau se libère. Rien n’est réservé pour vous."
        case "retiree": "Votre demande est retirée de la liste d’attente."
        default: nil
        }
    }

    static func status(_ status: WaitingRequest.Status) -> String {
        switch status {
        case .waiting: "En attente"
        case .notified: "Prévenu(e) : le créneau s’est libéré"
        case .withdrawn: "Retirée"
        }
    }

    static let chooseResource = "Choisissez une machine, ou l’accompagnement d’un membre de l’équipe."
    static let day = "Saisissez le jour au format AAAA-MM-JJ."
    static let time = "Saisissez une heure au format HH:MM, par exemple 14:30."
    static let closed = "Cette demande n’attend plus : elle a déjà été prévenue ou retirée."

    static func refusal(_ problem: Problem) -> String {
        switch problem.kind {
        case .endNotAfterStart: "L’heure de fin doit suivre l’heure de début."
        case .startInPast: "Ce créneau est déjà passé."
        case .duplicate: "Vous attendez déjà ce créneau."
        case .invalidField where problem.field == "end": "Attendez un créneau de 14 jours au plus."
        case .invalidField: chooseResource
        default: "La demande est refusée."
        }
    }
}
