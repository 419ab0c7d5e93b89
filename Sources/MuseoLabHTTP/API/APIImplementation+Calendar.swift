import Foundation
import MuseoLab
import MuseoLabAPI

extension APIImplementation {
    func getOpeningHours(_ input: Operations.GetOpeningHours.Input) async throws -> Operations.GetOpeningHours.Output {
        _ = try actor
        return .ok(.init(body: .json(.init(try await lab.calendar.openingHours()))))
    }

    func setOpeningHours(_ input: Operations.SetOpeningHours.Input) async throws -> Operations.SetOpeningHours.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let hours = try await lab.calendar.setOpeningHours(try Self.intervals(body, field: "intervals"), by: try actor)
        return .ok(.init(body: .json(.init(hours))))
    }

    func listClosures(_ input: Operations.ListClosures.Input) async throws -> Operations.ListClosures.Output {
        _ = try actor
        let closures = try await lab.calendar.closures(year: input.query.year)
        return .ok(.init(body: .json(.init(items: try closures.map(Components.Schemas.Closure.init)))))
    }

    func addClosure(_ input: Operations.AddClosure.Input) async throws -> Operations.AddClosure.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard let from = try Identifier.date(body.startsOn, "startsOn"), let to = try Identifier.date(body.endsOn, "endsOn") else {
            throw Problem.invalid("startsOn", "is required")
        }
        let closure = try await lab.calendar.addClosure(from: from, to: to, label: body.label, by: try actor)
        return .created(.init(body: .json(try .init(closure))))
    }

    func withdrawClosure(_ input: Operations.WithdrawClosure.Input) async throws -> Operations.WithdrawClosure.Output {
        let closure = try await lab.calendar.withdrawClosure(input.path.closureId.uuid, by: try actor)
        return .ok(.init(body: .json(try .init(closure))))
    }

    func getSchedulingRules(_ input: Operations.GetSchedulingRules.Input) async throws -> Operations.GetSchedulingRules.Output {
        _ = try actor
        return .ok(.init(body: .json(.init(try await lab.calendar.rules()))))
    }

    func updateSchedulingRules(_ input: Operations.UpdateSchedulingRules.Input) async throws -> Operations.UpdateSchedulingRules.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        guard body.cancellationNoticeMinutes != nil || body.maximumDurationMinutes != nil || body.bookingHorizonDays != nil
            || body.recordingWindowDays != nil else {
            throw Problem(.invalidField, "nothing to change: give at least one field")
        }
        let rules = try await lab.calendar.updateRules(
            cancellationNoticeMinutes: body.cancellationNoticeMinutes, maximumDurationMinutes: body.maximumDurationMinutes,
            bookingHorizonDays: body.bookingHorizonDays, recordingWindowDays: body.recordingWindowDays, by: try actor)
        return .ok(.init(body: .json(.init(rules))))
    }

    // MARK: - Staff availability

    func listStaff(_ input: Operations.ListStaff.Input) async throws -> Operations.ListStaff.Output {
        _ = try actor
        let staff = try await lab.staffAvailability.staff()
        return .ok(.init(body: .json(.init(items: staff.map {
            .init(userId: $0.userId.resourceId, displayName: $0.displayName, email: $0.email, weekly: $0.weekly.map(Components.Schemas.WeeklyInterval.init))
        }))))
    }

    func getStaffAvailability(_ input: Operations.GetStaffAvailability.Input) async throws -> Operations.GetStaffAvailability.Output {
        _ = try actor
        let staffId = input.path.userId.uuid
        let window = Period(start: input.query.from, end: input.query.to)
        let exceptions = try await lab.staffAvailability.exceptions(staffId, within: window)
        let weekly = try await lab.staffAvailability.weekly(staffId)
        return .ok(.init(body: .json(.init(
            weekly: weekly.map(Components.Schemas.WeeklyInterval.init), exceptions: exceptions.map(Components.Schemas.AvailabilityException.init)))))
    }

    func setStaffWeeklyAvailability(_ input: Operations.SetStaffWeeklyAvailability.Input) async throws -> Operations.SetStaffWeeklyAvailability.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let staffId = input.path.userId.uuid
        let weekly = try await lab.staffAvailability.setWeekly(staffId, try Self.intervals(body, field: "intervals"), by: try actor)
        return .ok(.init(body: .json(.init(weekly))))
    }

    func addStaffAvailabilityException(_ input: Operations.AddStaffAvailabilityException.Input) async throws -> Operations.AddStaffAvailabilityException.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let staffId = input.path.userId.uuid
        let exception = try await lab.staffAvailability.addException(
            staffId, period: Period(start: body.start, end: body.end), available: body.available, reason: body.reason, by: try actor)
        return .created(.init(body: .json(.init(exception))))
    }

    func withdrawStaffAvailabilityException(_ input: Operations.WithdrawStaffAvailabilityException.Input) async throws -> Operations.WithdrawStaffAvailabilityException.Output {
        try await lab.staffAvailability.withdrawException(input.path.exceptionId.uuid, by: try actor)
        return .noContent(.init())
    }

    // MARK: - Machines: availability and maintenance

    func getMachineAvailability(_ input: Operations.GetMachineAvailability.Input) async throws -> Operations.GetMachineAvailability.Output {
        let machineId = input.path.machineId.uuid
        let window = Period(start: input.query.from, end: input.query.to)
        let free = try await lab.machineAvailability.free(machineId, within: window, by: try actor)
        return .ok(.init(body: .json(.init(
            machineId: machineId.resourceId, from: window.start, to: window.end, free: free.map { .init(start: $0.start, end: $0.end) }))))
    }

    func listMaintenanceWindows(_ input: Operations.ListMaintenanceWindows.Input) async throws -> Operations.ListMaintenanceWindows.Output {
        let windows = try await lab.maintenance.list(machineId: input.path.machineId.uuid, by: try actor)
        return .ok(.init(body: .json(.init(items: windows.map(Components.Schemas.MaintenanceWindow.init)))))
    }

    func addMaintenanceWindow(_ input: Operations.AddMaintenanceWindow.Input) async throws -> Operations.AddMaintenanceWindow.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let window = try await lab.maintenance.add(
            machineId: input.path.machineId.uuid, period: Period(start: body.start, end: body.end),
            reason: body.reason, cancelConflicting: body.cancelConflicting ?? false, by: try actor)
        return .created(.init(body: .json(.init(window))))
    }

    func withdrawMaintenanceWindow(_ input: Operations.WithdrawMaintenanceWindow.Input) async throws -> Operations.WithdrawMaintenanceWindow.Output {
        let window = try await lab.maintenance.withdraw(input.path.maintenanceId.uuid, by: try actor)
        return .ok(.init(body: .json(.init(window))))
    }

    /// Reads `HH:MM` intervals, naming the offending one.
    static func intervals(_ body: Components.Schemas.WeeklySchedule, field: String) throws -> [WeeklyInterval] {
        try body.intervals.enumerated().map { index, interval in
            guard let weekday = Weekday(rawValue: interval.weekday) else {
                throw Problem.invalid("\(field)[\(index)].weekday", "a weekday is 1 (Monday) to 7 (Sunday)")
            }
            guard let start = LocalTime(interval.start) else { throw Problem.invalid("\(field)[\(index)].start", "not a time HH:MM") }
            guard let end = LocalTime(interval.end) else { throw Problem.invalid("\(field)[\(index)].end", "not a time HH:MM") }
            return WeeklyInterval(weekday: weekday, start: start, end: end)
        }
    }
}

extension Components.Schemas.WeeklyInterval {
    init(_ interval: WeeklyInterval) {
        self.init(weekday: interval.weekday.rawValue, start: interval.start.description, end: interval.end.description)
    }
}

extension Components.Schemas.WeeklySchedule {
    init(_ intervals: [WeeklyInterval]) {
        self.init(intervals: intervals.map(Components.Schemas.WeeklyInterval.init))
    }
}

extension Components.Schemas.Closure {
    init(_ closure: Closure) throws {
        self.init(
            id: closure.id?.resourceId, kind: try closure.kind.bridged(), startsOn: closure.startsOn.description,
            endsOn: closure.endsOn.description, label: closure.label, withdrawnAt: closure.withdrawnAt)
    }
}

extension Components.Schemas.SchedulingRules {
    init(_ rules: SchedulingRules) {
        self.init(
            cancellationNoticeMinutes: rules.cancellationNoticeMinutes, maximumDurationMinutes: rules.maximumDurationMinutes,
            bookingHorizonDays: rules.bookingHorizonDays, recordingWindowDays: rules.recordingWindowDays)
    }
}

extension Components.Schemas.AvailabilityException {
    init(_ exception: AvailabilityException) {
        self.init(
            id: exception.id.resourceId, staffUserId: exception.staffUserId.resourceId, start: exception.period.start, end: exception.period.end,
            available: exception.available, reason: exception.reason, withdrawnAt: exception.withdrawnAt)
    }
}

extension Components.Schemas.MaintenanceWindow {
    init(_ window: MaintenanceWindow) {
        self.init(
            id: window.id.resourceId, machineId: window.machineId.resourceId, start: window.period.start, end: window.period.end,
            reason: window.reason, createdBy: window.createdBy, createdAt: window.createdAt, withdrawnAt: window.withdrawnAt,
            cancelledSessionIds: window.cancelledSessionIds.map(\.resourceId))
    }
}
