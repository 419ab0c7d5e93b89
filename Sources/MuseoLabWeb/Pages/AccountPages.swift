import Foundation

/// The account: who is signed in, their API tokens, and signing out of every device.
struct AccountPage: Page {
    static let template = "account"
    var title = "Mon compte"
    var nav: Navigation
    var displayName: String
    var email: String
    var organisation: String
    var openSessions: Int
    var notice: String?
    var tokens: [Token]
    /// A token just created: its secret, shown this once.
    var newToken: String?
    var labelError: String?

    struct Token: Sendable {
        var id: String
        var label: String
        var prefix: String
        var created: String
        var expires: String
        var lastUsed: String?
    }
}

/// The private iCalendar feed of one's sessions: created, replaced, revoked; its URL shown once.
struct CalendarFeedPage: Page {
    static let template = "calendar-feed"
    var title = "Mon agenda"
    var nav: Navigation
    var csrf: String
    /// The live feed, by its first characters.
    var current: String?
    var since: String?
    /// A feed just created: its address, shown this once.
    var newURL: String?
    var notice: String?
}

/// What the service told the member.
struct NotificationsPage: Page {
    static let template = "notifications"
    var title = "Notifications"
    var nav: Navigation
    var csrf: String
    var items: [Item]

    struct Item: Sendable {
        var id: String
        var subject: String
        var body: String
        var when: String
        var unread: Bool
        var href: String?
    }
}
