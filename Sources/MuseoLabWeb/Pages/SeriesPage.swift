import Foundation

/// The repetition part of a booking form (`repeat` partial): every N weeks, N times or until a day.
struct RepetitionForm: Sendable {
    var repeatOptions: [Choice]
    var repeatCount: String
    var repeatUntil: String
    var repeatError: String?

    init(posted: Form?, error: String?) {
        let chosen = posted?["repeter"] ?? ""
        repeatOptions = [Choice(value: "", label: "Non, une seule fois", selected: chosen.isEmpty)]
            + (1...4).map { Choice(value: String($0), label: SeriesTexts.every($0), selected: chosen == String($0)) }
        repeatCount = posted?["fois"] ?? ""
        repeatUntil = posted?["jusqu-au"] ?? ""
        repeatError = error
    }
}

/// A series, occurrence by occurrence: what was booked (and where it stands), what was refused
/// and why; the staff confirm it at once, the requester or the staff cancel from an occurrence on.
struct SeriesPage: Page {
    static let template = "series"
    var title = "Série de séances"
    var nav: Navigation
    var csrf: String
    var notice: String?
    /// A refusal of the whole series (confirming it).
    var problem: String?
    var every: String
    var summary: String
    var occurrences: [Row]
    var quota: String?
    var confirmAction: String?
    var cancel: Cancel?

    struct Row: Sendable {
        var number: Int
        var when: String
        var status: String
        var statusClass: String
        var href: String?
        var reference: String?
        var refusal: String?
    }

    struct Cancel: Sendable {
        var action: String
        var options: [Choice]
        var reason: String
        var fromError: String?
        var reasonError: String?
    }
}
