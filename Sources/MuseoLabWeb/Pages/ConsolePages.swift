import Foundation
import MuseoLab

/// The planner: a week or a day, one lane per staff member and per machine.
struct PlannerPage: Page {
    static let template = "planner"
    var title: String
    var nav: Navigation?
    var csrf: String
    /// One day, drawn on a timeline; else a week, as a table of days.
    var dayView: Bool
    var previousHref: String
    var nextHref: String
    var weekHref: String
    var todayHref: String
    var columns: [Column]
    /// The day view's hours, placed on its timeline.
    var hours: [Hour]
    /// Requests waiting for confirmation, soonest first.
    var pending: [Pending]
    var lanes: [Lane]

    struct Column: Sendable {
        var label: String
        var href: String
    }

    struct Hour: Sendable {
        var label: String
        var placement: String
    }

    struct Pending: Sendable {
        var reference: String
        var href: String
        var when: String
        var requester: String
        var purpose: String
        var machines: String
        var staff: String
        var confirmAction: String
    }

    struct Lane: Sendable {
        var name: String
        var kind: String
        var days: [LaneDay]
    }

    struct LaneDay: Sendable {
        var label: String
        var blocks: [Block]
    }

    struct Block: Sendable {
        /// The session's page (none for maintenance).
        var href: String?
        var time: String
        var label: String
        var detail: String
        var status: String
        var statusClass: String
        /// Its place on the day's timeline: CSS classes `at-N span-M`, in quarter hours from 07:00
        /// (the page's policy forbids inline styles).
        var placement: String
    }

    /// The timeline runs from 07:00 to 21:00, in 56 quarter hours.
    static let firstHour = 7
    static let quarters = 56

    static func placement(_ period: Period) -> String {
        func quarter(_ instant: Date) -> Int {
            let time = ParisClock.time(of: instant)
            return ((time.hour - firstHour) * 60 + time.minute) / 15
        }
        let start = min(max(quarter(period.start), 0), quarters - 1)
        let sameDay = ParisClock.date(of: period.start) == ParisClock.date(of: period.end.addingTimeInterval(-1))
        let end = sameDay ? min(max(quarter(period.end.addingTimeInterval(-1)) + 1, start + 1), quarters) : quarters
        return "at-\(start + 1) span-\(end - start)"
    }

    static let hourMarks: [Hour] = (firstHour..<(firstHour + quarters / 4)).map { hour in
        Hour(label: "\(hour) h", placement: "at-\((hour - firstHour) * 4 + 1) span-4")
    }
}

/// One session as the manager sees it, with the steps it can take now.
struct ConsoleSessionPage: Page {
    static let template = "console-session"
    var title: String
    var nav: Navigation?
    var csrf: String
    var notice: String?
    var problem: String?
    var when: String
    var status: String
    var statusClass: String
    var requester: String
    var organisation: String
    var staff: String
    var machines: String
    var purpose: String
    var participants: Int
    var actual: String?
    var confirmAction: String?
    var complete: Completion?
    var noShowAction: String?
    /// Until it starts: another day or other hours.
    var reschedule: Rescheduling?
    var cancel: Cancellation?
    var history: [Step]
    var plannerHref: String
    /// The series it was booked in, if any.
    var seriesHref: String?

    struct Completion: Sendable {
        var action: String
        var day: String
        var start: String
        var end: String
        var note: String
        var error: String?
    }

    struct Rescheduling: Sendable {
        var action: String
        var day: String
        var start: String
        var end: String
        var reason: String
        var error: String?
    }

    struct Cancellation: Sendable {
        var action: String
        var reason: String
        var error: String?
    }

    struct Step: Sendable {
        var status: String
        var when: String
        var actor: String
        var reason: String?
    }
}

/// The quota of the university's agreement for a year.
struct QuotaPage: Page {
    static let template = "quota"
    var title: String
    var nav: Navigation?
    var csrf: String
    var notice: String?
    var year: Int
    var previousHref: String
    var nextHref: String
    var chart: BurnDownChart
    var figures: [Figure]
    var forecast: String?
    var alerts: [Alert]
    var overage: [OverageRow]
    var groupings: [Grouping]
    var groupingLabel: String
    var report: [ReportLine]
    var csvHref: String

    struct Figure: Sendable {
        var label: String
        var value: String
    }

    struct Alert: Sendable {
        var label: String
        var firedAt: String
        var delivery: String
        var acknowledged: String?
        var acknowledgeAction: String?
    }

    struct OverageRow: Sendable {
        var id: String
        var session: String
        var date: String
        var hours: String
        var status: String
        var decision: String?
        var billAction: String?
        var waiveAction: String?
        var error: String?
    }

    typealias Grouping = Choice

    struct ReportLine: Sendable {
        var label: String
        var consumed: String
        var committed: String
        var sessions: Int
    }
}

/// The room requests waiting for an answer.
struct RoomRequestsPage: Page {
    static let template = "room-requests"
    var title: String
    var nav: Navigation?
    var csrf: String
    var notice: String?
    var requests: [Request]

    struct Request: Sendable {
        var reference: String
        var room: String
        var layout: String
        var when: String
        var requester: String
        var attendees: Int
        var purpose: String
        /// What accepting it would clash with.
        var conflicts: [Conflict]
        var hasConflicts: Bool
        var freeUses: String
        var acceptAction: String
        var refuseAction: String
        var error: String?
    }

    struct Conflict: Sendable {
        var text: String
    }
}

/// Who may use which machine or category, and the form granting one more.
struct AuthorisationsPage: Page {
    static let template = "authorisations"
    var title: String
    var nav: Navigation?
    var csrf: String
    var notice: String?
    var problem: String?
    var current: [Held]
    var members: [Option]
    var targets: [Option]
    var until: String
    var note: String
    var memberError: String?
    var targetError: String?
    var untilError: String?
    var noteError: String?
    /// Trainings asked for and not planned yet, each with its planning form.
    var trainings: [AskedTraining] = []

    struct AskedTraining: Sendable {
        var id: String
        var person: String
        var subject: String
        var asked: String
        var note: String?
        var planAction: String
        var planDay: String
        var planStart: String
        var planEnd: String
        var planValidity: String
        var planProblem: String?
    }

    struct Held: Sendable {
        var person: String
        var covers: String
        var granted: String
        var until: String
        var valid: Bool
        var note: String?
        var revokeAction: String
        var id: String
    }

    typealias Option = Choice
}

/// The fablab's calendar: opening hours, closures, the staff's availability, maintenance.
struct CalendarPage: Page {
    static let template = "calendar"
    var title: String
    var nav: Navigation?
    var csrf: String
    var notice: String?
    var hours: [Day]
    var hoursError: String?
    var closures: [ClosureRow]
    var closureError: String?
    var staff: [Staff]
    var machines: [Option]
    var maintenance: [Window]
    var maintenanceError: String?

    struct Day: Sendable {
        /// The form field, `horaires-2`.
        var name: String
        var label: String
        var ranges: String
        /// The input's id (a staff member's fields are told apart by theirs).
        var id: String
    }

    struct ClosureRow: Sendable {
        var when: String
        var label: String
        var kind: String
        var withdrawAction: String?
    }

    struct Staff: Sendable {
        var name: String
        var action: String
        var exceptionAction: String
        var form: String
        var days: [Day]
        var exceptions: [Exception]
        var error: String?
        var exceptionError: String?
        var exceptionForm: String
    }

    struct Exception: Sendable {
        var when: String
        var kind: String
        var reason: String?
        var withdrawAction: String
    }

    typealias Option = Choice

    struct Window: Sendable {
        var machine: String
        var when: String
        var reason: String
        var withdrawAction: String
    }
}

/// The machines, each with its settings, and the form uploading a new year's annex.
struct InventoryPage: Page {
    static let template = "inventory"
    var title: String
    var nav: Navigation?
    var csrf: String
    var notice: String?
    var machines: [Row]
    /// The annex year the upload form proposes.
    var year: Int
    var fileError: String?
    var yearError: String?

    struct Row: Sendable {
        var id: String
        var anchor: String
        var action: String
        var nature: String
        var model: String
        var inventoryNumber: String
        var annex: String
        var category: String
        var statuses: [Status]
        var bookable: Bool
        var trainingRequired: Bool
        var error: String?
    }

    typealias Status = Choice
}

/// A dry run of an annex's import: every line created, matched or warned, before applying it.
struct AnnexPreviewPage: Page {
    static let template = "annex-preview"
    var title: String
    var nav: Navigation?
    var csrf: String
    var source: String
    var year: Int
    var totals: [Total]
    var lines: [Line]
    var skipped: [Skipped]
    /// The annex as uploaded, in base64, posted again to apply it.
    var text: String

    struct Total: Sendable {
        var label: String
        var value: Int
    }

    struct Line: Sendable {
        var line: Int
        var outcome: String
        var outcomeClass: String
        var nature: String
        var model: String
        var inventoryNumber: String
        var unit: String
        var remarks: [Remark]
        var warned: Bool
    }

    struct Remark: Sendable {
        var label: String
        /// The importer's own words (English, as the CLI prints them).
        var detail: String
        var warning: Bool
    }

    struct Skipped: Sendable {
        var line: Int
        var reason: String
    }
}

/// A session booked for a member ahead, or, `afterwards`, one recorded once over (a walk-in).
struct OnBehalfPage: Page {
    static let template = "on-behalf"
    var title: String
    var nav: Navigation?
    var csrf: String
    var afterwards = false
    var action = "/gestion/reserver"
    var submit = "Réserver pour ce membre"
    /// How far back the manager records (the booking rules' window), said before the form.
    var windowDays: Int?
    var problem: String?
    var members: [Option]
    var machines: [Option]
    var staff: [Option]
    var day: String
    var start: String
    var end: String
    var purpose: String
    var participants: String
    var unsupervised: Bool
    var memberError: String?
    var timeError: String?
    var participantsError: String?
    var purposeError: String?
    var machineError: String?
    var staffError: String?
    /// Ahead only: the same session every N weeks.
    var repetition: RepetitionForm?

    typealias Option = Choice
}
