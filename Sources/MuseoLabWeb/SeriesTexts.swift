import MuseoLab

/// What the pages of a series (a session every week or every N weeks) say, in one place.
enum SeriesTexts {
    static func done(_ code: String) -> String? {
        switch code {
        case "demandee": "Votre série est enregistrée : chaque séance réservée attend la confirmation de l’équipe du MuséoLab."
        case "confirmee": "Les séances de la série sont confirmées."
        case "annulees": "Les séances choisies sont annulées."
        default: nil
        }
    }

    /// How it repeats, as the form's choice says it.
    static func every(_ weeks: Int) -> String {
        weeks == 1 ? "Chaque semaine" : "Toutes les \(weeks) semaines"
    }

    /// "3 séances demandées : 2 réservées, 1 refusée."
    static func summary(asked: Int, booked: Int) -> String {
        let refused = asked - booked
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n > 1 ? "s" : "")" }
        return "\(plural(asked, "séance")) \(asked > 1 ? "demandées" : "demandée") : \(plural(booked, "réservée"))"
            + (refused > 0 ? ", \(plural(refused, "refusée"))." : ".")
    }

    static let refused = "Refusée"

    /// What confirming the occurrences still requested would take of the university's quota.
    static func quota(_ preview: BookingQuotaPreview) -> String {
        let asked = "Les séances encore à confirmer prennent \(French.hours(minutes: preview.minutes)) du quota \(preview.year) de l’Université"
        return preview.overQuotaMinutes > 0
            ? asked + " : elles le dépasseraient de \(French.hours(minutes: preview.overQuotaMinutes)), ces heures peuvent être facturées."
            : asked + " : il en resterait \(French.hours(minutes: preview.remainingAfterMinutes))."
    }

    /// The fields of a refusal that concerns the repetition rather than the session.
    static let repetitionFields = ["everyWeeks", "count", "until"]

    static func refusal(_ problem: Problem) -> String {
        switch problem.field {
        case "everyWeeks": "Répétez la séance chaque semaine, ou toutes les 2, 3 ou 4 semaines."
        case "count": "Indiquez un nombre de séances entre 2 et 52, ou la date de la dernière."
        case "until": "Indiquez soit le nombre de séances, soit la date de la dernière (pas les deux) : une série compte de 2 à 52 séances."
        default: WebTexts.bookingRefusal(problem)
        }
    }

    static let chooseFirst = "Choisissez la première des séances à annuler."
    static let nothingToCancel = "Aucune séance de la série ne peut plus être annulée à partir de celle-ci."
}
