import Foundation

/// The inventory as members see it: what each machine is, whether it can be booked, whether it
/// needs training and whether the member has it.
struct MachinesPage: Page {
    static let template = "machines"
    var title = "Machines"
    var nav: Navigation
    var csrf: String
    var notice: String?
    var machines: [Row]

    struct Row: Sendable {
        var id: String
        var nature: String
        var model: String?
        var inventoryNumber: String?
        var category: String?
        var status: String
        var available: Bool
        var bookable: Bool
        var trainingRequired: Bool
        var authorised: Bool
        /// A training asked for (or planned) and not granted yet.
        var trainingAsked: Bool
        /// Where the member asks for it (when required, not held, not asked yet).
        var askAction: String
    }
}

/// The member's sessions: coming ones first, then past ones.
struct MyBookingsPage: Page {
    static let template = "my-bookings"
    var title = "Mes réservations"
    var nav: Navigation
    var upcoming: [Row]
    var past: [Row]

    struct Row: Sendable {
        var reference: String
        var href: String
        var when: String
        var machines: String
        var purpose: String
        var status: String
        var statusClass: String
    }
}

/// One of the member's sessions: what it is, its history, and cancelling it.
struct BookingPage: Page {
    static let template = "booking"
    var title: String
    var nav: Navigation
    var booking: MyBookingsPage.Row
    var staff: String?
    var participants: Int
    var history: [Event]
    var notice: String?
    /// Present while it can be cancelled.
    var cancel: Cancel?
    /// The series it was booked in, if any.
    var seriesHref: String?

    struct Event: Sendable {
        var when: String
        var status: String
        var reason: String?
    }

    struct Cancel: Sendable {
        var action: String
        var csrf: String
        var reason: String
        var reasonError: String?
        /// Set when cancelling now would be late.
        var lateWarning: String?
    }
}

/// The member's waiting list: what they wait for, and asking for more.
struct WaitingListPage: Page {
    static let template = "waiting-list"
    var title = "Liste d’attente"
    var nav: Navigation
    var csrf: String
    var notice: String?
    var problem: String?
    var requests: [Request]
    var form: AskForm

    struct Request: Sendable {
        var what: String
        var when: String
        var status: String
        var statusClass: String
        var withdrawAction: String?
    }

    struct AskForm: Sendable {
        var resources: [Choice]
        var day: String
        var from: String
        var to: String
        var resourceError: String?
        var dayError: String?
        var fromError: String?
        var toError: String?
    }
}
