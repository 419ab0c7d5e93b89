import Foundation
import MuseoLab

/// What every page of a signed-in person shows around its content: the menu, and the form that
/// signs out (with the CSRF token every form carries).
struct Navigation: Sendable {
    enum Section: String, Sendable {
        case machines, book, bookings, rooms, calendar, notifications, account
    }

    var displayName: String
    var csrf: String
    var onMachines: Bool
    var onBook: Bool
    var onBookings: Bool
    var onRooms: Bool
    var onCalendar: Bool
    var onNotifications: Bool
    var onAccount: Bool

    init(displayName: String, csrf: String, current: Section?) {
        self.displayName = displayName
        self.csrf = csrf
        onMachines = current == .machines
        onBook = current == .book
        onBookings = current == .bookings
        onRooms = current == .rooms
        onCalendar = current == .calendar
        onNotifications = current == .notifications
        onAccount = current == .account
    }
}

/// A page that says something went wrong (not found, refused), in French.
struct MessagePage: Page {
    static let template = "message"
    var title: String
    var message: String
    var nav: Navigation?
    /// Where to go next.
    var nextHref: String
    var nextLabel: String
}

/// What a form's answer says is wrong, in French, and at which field (`nil`: the whole form):
/// from the page's own reading of the form, or from the domain's problem.
struct FieldRefusal: Sendable {
    var field: String?
    var said: String
}
