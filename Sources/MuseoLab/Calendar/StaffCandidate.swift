import Foundation

/// A staff member who might supervise a session at a period, as the choice needs them: their
/// standing, weekly pattern, standing exceptions touching the period, and whether they already
/// supervise a session then. Read for every candidate in the booking's one statement
/// (`BookingContext`), so choosing among ten costs what choosing among one does.
struct StaffCandidate: Sendable {
    var id: UUID
    var role: Role
    var disabled: Bool
    var weekly: [WeeklyInterval]
    /// Standing (not withdrawn) absences and extra hours touching the period.
    var exceptions: [(period: Period, available: Bool)]
    /// A requested or confirmed session they supervise overlaps the period.
    var busy: Bool

    /// When they can supervise within `window`: the weekly pattern, plus extra hours, minus absences.
    func available(within window: Period) throws -> PeriodSet {
        try StaffAvailability.available(weekly: weekly, exceptions: exceptions, within: window)
    }

    /// Who is wanted: nobody (an unsupervised booking), one named staff member, or any of them.
    enum Wanted: Sendable {
        case nobody
        case named(UUID)
        case anyone
    }
}
