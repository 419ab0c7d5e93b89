import Foundation

/// Requesting a room (a layout, attendees, a time, a purpose) and following one's requests.
struct RoomsPage: Page {
    static let template = "rooms"
    var title = "Salles"
    var nav: Navigation
    var csrf: String
    var layouts: [Layout]
    var date: String
    var start: String
    var end: String
    var attendees: String
    var purpose: String
    var notice: String?
    var problem: String?
    var layoutError: String?
    var timeError: String?
    var attendeesError: String?
    var purposeError: String?
    var requests: [Request]

    typealias Layout = Choice

    struct Request: Sendable {
        var reference: String
        var room: String
        var when: String
        var status: String
        var statusClass: String
        var reason: String?
    }
}
