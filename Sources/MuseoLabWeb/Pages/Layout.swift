import Foundation
import MuseoLab

/// What every page of a signed-in person shows around its content: the menu (the manager's
/// console and the accountant's desk for those whose role opens them), and the form that signs
/// out (with the CSRF token every form carries).
struct Navigation: Sendable {
    enum Section: String, Sendable {
        case machines, book, bookings, waiting, rooms, calendar, notifications, account
        // The manager's console.
        case planner, roomRequests, quota, authorisations, opening, inventory
        // The accountant's desk.
        case tariffs, toInvoice, invoices, exports
    }

    var displayName: String
    var csrf: String
    var onMachines: Bool
    var onBook: Bool
    var onBookings: Bool
    var onWaiting: Bool
    var onRooms: Bool
    var onCalendar: Bool
    var onNotifications: Bool
    var onAccount: Bool
    /// The manager's console, when the role opens it.
    var console: Console?
    /// The accountant's desk, when the role opens it.
    var desk: Desk?

    struct Console: Sendable {
        var onPlanner: Bool
        var onRoomRequests: Bool
        var onQuota: Bool
        var onAuthorisations: Bool
        var onOpening: Bool
        var onInventory: Bool
    }

    struct Desk: Sendable {
        var onTariffs: Bool
        var onToInvoice: Bool
        var onInvoices: Bool
        var onExports: Bool
    }

    init(displayName: String, role: Role, csrf: String, current: Section?) {
        self.displayName = displayName
        self.csrf = csrf
        onMachines = current == .machines
        onBook = current == .book
        onBookings = current == .bookings
        onWaiting = current == .waiting
        onRooms = current == .rooms
        onCalendar = current == .calendar
        onNotifications = current == .notifications
        onAccount = current == .account
        console = StaffArea.console.opens(for: role) ? Console(
            onPlanner: current == .planner, onRoomRequests: current == .roomRequests, onQuota: current == .quota,
            onAuthorisations: current == .authorisations, onOpening: current == .opening, onInventory: current == .inventory) : nil
        desk = StaffArea.desk.opens(for: role) ? Desk(
            onTariffs: current == .tariffs, onToInvoice: current == .toInvoice, onInvoices: current == .invoices,
            onExports: current == .exports) : nil
    }
}

/// The two staff areas of the site, and the permission of the domain that opens each one (the
/// domain still checks every call).
enum StaffArea: Sendable {
    /// `/gestion/…`: the fablab manager's console.
    case console
    /// `/comptabilite/…`: LLV's accountant's desk.
    case desk

    var permission: Permission {
        switch self {
        case .console: .superviseSessions
        case .desk: .manageBilling
        }
    }

    func opens(for role: Role) -> Bool { role.allows(permission) }
}

/// One option of a form's list (a `<select>`), chosen or not.
struct Choice: Sendable {
    var value: String
    var label: String
    var selected: Bool
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
