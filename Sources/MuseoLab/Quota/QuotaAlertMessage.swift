import Foundation

/// What a quota alert tells its recipients: the e-mail's subject and body (in French, as LLV's
/// and the university's staff read them) and the webhook's JSON facts. Written from loaded
/// values only, so its wording is tested without a database.
struct QuotaAlertMessage: Sendable, Equatable {
    var subject: String
    var body: String
    /// The webhook's body: the alert's facts, keys sorted.
    var payload: String

    init(alertId: UUID, kind: QuotaAlert.Kind, threshold: Int, balance: QuotaBalance, agreementReference reference: String, agreementTitle title: String) throws {
        subject = kind == .threshold
            ? "MuséoLab – quota \(reference) \(balance.year) : \(threshold) % atteint"
            : "MuséoLab – quota \(reference) \(balance.year) : dépassement prévu"
        body = """
            \(title) (\(reference)), année \(balance.year).
            \(kind == .threshold ? "Le seuil de \(threshold) % du quota d'accompagnement est atteint." : "Les heures consommées et engagées dépassent le quota d'accompagnement.")

            Quota : \(Self.hours(balance.quotaMinutes)) h
            Consommé : \(Self.hours(balance.consumedMinutes)) h (\(Self.decimal(balance.percentConsumed, digits: 1)) %)
            Engagé (séances confirmées à venir) : \(Self.hours(balance.committedMinutes)) h
            \(balance.projectedOverQuotaMinutes > 0
                ? "Dépassement prévu, consommé et engagé compris : \(Self.hours(balance.projectedOverQuotaMinutes)) h"
                : "Reste, une fois l'engagé consommé : \(Self.hours(balance.projectedRemainingMinutes)) h")

            Au-delà du quota, les heures peuvent être facturées selon la grille tarifaire en vigueur (convention, article 5-4).
            """
        let facts: [String: Any] = [
            "event": "quota.alert", "alertId": alertId.uuidString.lowercased(), "kind": kind.rawValue, "threshold": threshold,
            "agreementId": balance.agreementId.uuidString.lowercased(), "agreementReference": reference, "year": balance.year,
            "quotaMinutes": balance.quotaMinutes, "consumedMinutes": balance.consumedMinutes, "committedMinutes": balance.committedMinutes,
            "percentConsumed": balance.percentConsumed,
        ]
        payload = String(decoding: try JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Hours with two decimals and a decimal comma: 1 234 minutes are "20,57".
    static func hours(_ minutes: Int) -> String { decimal(Double(minutes) / 60, digits: 2) }

    static func decimal(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value).replacingOccurrences(of: ".", with: ",")
    }
}
