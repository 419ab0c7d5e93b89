import Foundation

/// Booking a supervised session: a machine (or support only), a week and a length chosen first
/// (a GET form), then one free slot of that week, the purpose and the participants (a POST form).
struct BookPage: Page {
    static let template = "book"
    var title = "Réserver"
    var nav: Navigation
    var csrf: String
    var machines: [Option]
    var durations: [Option]
    var week: String
    var weekLabel: String
    var previousWeek: String?
    var nextWeek: String
    /// Hidden in the slot form: what the filters chose.
    var machine: String
    var minutes: String
    var days: [Day]
    var quota: Quota?
    var purpose: String
    var participants: String
    var repetition: RepetitionForm
    /// A refusal that concerns the whole request, at the top.
    var problem: String?
    /// Refusals at their fields.
    var slotError: String?
    var purposeError: String?
    var participantsError: String?
    var machineError: String?

    typealias Option = Choice

    struct Day: Sendable {
        var id: String
        var label: String
        var slots: [Slot]
    }

    struct Slot: Sendable {
        var id: String
        var value: String
        var label: String
        var checked: Bool
    }

    /// The quota preview of a member under the agreement.
    struct Quota: Sendable {
        var year: Int
        var consumed: String
        var committed: String
        var remaining: String
        var session: String
        var remainingAfter: String
        var over: String?
    }
}
