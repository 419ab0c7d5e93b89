import MuseoLab

/// The quota page's French texts, in one place.
enum QuotaTexts {
    static func done(_ step: String) -> String? {
        switch step {
        case "acquittee": "L'alerte est acquittée."
        case "facturer": "Le dépassement sera facturé."
        case "renoncer": "Le dépassement ne sera pas facturé."
        default: nil
        }
    }

    static func forecast(_ forecast: QuotaForecast) -> String {
        switch forecast.method {
        case .exhausted: "Le quota de l'année est épuisé."
        case .committed: "Les séances confirmées à venir épuisent le quota\(forecast.runsOutOn.map { " le \(French.day($0))" } ?? "")."
        case .recentRate:
            "Au rythme des 90 derniers jours, le quota sera épuisé\(forecast.runsOutOn.map { " le \(French.day($0))" } ?? "")."
        case .notThisYear: "Au rythme actuel, le quota ne sera pas épuisé cette année."
        }
    }

    static func overageStatus(_ status: OverageItem.Status) -> String {
        switch status {
        case .pending: "À décider"
        case .billed: "À facturer"
        case .waived: "Non facturé"
        }
    }

    static func grouping(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .month: "mois"
        case .component: "composante"
        case .machine: "machine"
        case .user: "personne"
        }
    }

    /// A usage report line's name: a month (`2026-12`) in words, any other as the domain says it.
    static func reportLabel(_ line: UsageLine, _ grouping: UsageGrouping) -> String {
        let parts = line.label.split(separator: "-")
        guard grouping == .month, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return line.label }
        return "\(French.months[month - 1]) \(year)"
    }

    static func decisionRefusal(_ problem: Problem) -> String {
        switch problem.field {
        case "reason": "Indiquez le motif de la décision, en 1 000 caractères au plus."
        default: problem.kind == .conflict || problem.kind == .invalidTransition
            ? "Ce dépassement a déjà été décidé." : "La décision n'a pas pu être enregistrée : vérifiez-la et recommencez."
        }
    }
}
