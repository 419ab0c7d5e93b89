import ArgumentParser
import Foundation
import MuseoLab

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Opening hours, closures, booking rules and staff availability (Europe/Paris).",
        subcommands: [Hours.self, SetHours.self, Closures.self, Close.self, Reopen.self, Rules.self, Staff.self, SetStaff.self, Absence.self, Extra.self]
    )
}

extension CalendarCommand {
    struct Hours: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the weekly opening hours.")
        func run() async throws {
            try await CommandRunner.run { lab, _ in CalendarCommand.printWeekly(try await lab.calendar.openingHours()) }
        }
    }

    struct SetHours: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-hours", abstract: "Replace the weekly opening hours: mon=09:00-12:30,13:30-18:00 tue=… (days not given are closed).")
        @Argument var days: [String]
        func run() async throws {
            let intervals = try TimeArgument.weekly(days)
            try await CommandRunner.run { lab, _ in
                CalendarCommand.printWeekly(try await lab.calendar.setOpeningHours(intervals, by: CommandRunner.actor))
            }
        }
    }

    struct Closures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a year's closure days: public holidays and LLV closures.")
        @Option var year: Int = ParisClock.date(of: Date()).year
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let closures = try await lab.calendar.closures(year: year)
                if output.json { return try Printer.json(closures) }
                Printer.table(["FROM", "TO", "KIND", "LABEL", "ID"], closures.map {
                    [$0.startsOn.description, $0.endsOn.description, $0.kind.rawValue, $0.label, $0.id?.uuidString.lowercased() ?? "-"]
                })
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Declare an LLV closure (dates included).")
        @Option var from: String
        @Option var to: String
        @Option var label: String
        func run() async throws {
            let first = try TimeArgument.day(from, option: "--from"), last = try TimeArgument.day(to, option: "--to")
            try await CommandRunner.run { lab, _ in
                let closure = try await lab.calendar.addClosure(from: first, to: last, label: label, by: CommandRunner.actor)
                Printer.line("Closed \(closure.startsOn) to \(closure.endsOn): \(closure.label) (\(closure.id!.uuidString.lowercased()))")
            }
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw an LLV closure.")
        @Argument var closure: String
        func run() async throws {
            guard let id = UUID(uuidString: closure) else { throw ValidationError("\(closure) is not a closure id") }
            try await CommandRunner.run { lab, _ in
                let withdrawn = try await lab.calendar.withdrawClosure(id, by: CommandRunner.actor)
                Printer.line("Closure \(withdrawn.label) withdrawn.")
            }
        }
    }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show or change the booking rules.")
        @Option(name: .customLong("cancellation-notice-hours")) var noticeHours: Int?
        @Option(name: .customLong("maximum-hours")) var maximumHours: Int?
        @Option(name: .customLong("horizon-days")) var horizonDays: Int?
        @Option(name: .customLong("recording-days"), help: "How far back managers record sessions afterwards.") var recordingDays: Int?
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                var rules = try await lab.calendar.rules()
                if noticeHours != nil || maximumHours != nil || horizonDays != nil || recordingDays != nil {
                    rules = try await lab.calendar.updateRules(
                        cancellationNoticeMinutes: noticeHours.map { $0 * 60 }, maximumDurationMinutes: maximumHours.map { $0 * 60 },
                        bookingHorizonDays: horizonDays, recordingWindowDays: recordingDays, by: CommandRunner.actor)
                }
                Printer.line("cancellation notice   \(rules.cancellationNoticeMinutes / 60) h \(rules.cancellationNoticeMinutes % 60) min")
                Printer.line("longest session       \(rules.maximumDurationMinutes / 60) h \(rules.maximumDurationMinutes % 60) min")
                Printer.line("booking horizon       \(rules.bookingHorizonDays) days")
                Printer.line("recorded afterwards   up to \(rules.recordingWindowDays) days back (older: administrators)")
            }
        }
    }

    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The staff who supervise, with their weekly availability.")
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                for member in try await lab.staffAvailability.staff() {
                    Printer.line("\(member.displayName) <\(member.email)>")
                    CalendarCommand.printWeekly(member.weekly, indent: "  ")
                }
            }
        }
    }

    struct SetStaff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-staff", abstract: "Replace a staff member's weekly availability: USER mon=09:00-18:00 …")
        @Argument(help: "The staff member (id or e-mail).") var user: String
        @Argument var days: [String]
        func run() async throws {
            let intervals = try TimeArgument.weekly(days)
            try await CommandRunner.run { lab, _ in
                let staff = try await lab.users.find(user, by: CommandRunner.actor)
                CalendarCommand.printWeekly(try await lab.staffAvailability.setWeekly(staff.id, intervals, by: CommandRunner.actor))
            }
        }
    }

    struct Absence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Declare a staff member absent from … to ….")
        @Argument var user: String
        @Option var from: String
        @Option var to: String
        @Option var reason: String?
        func run() async throws { try await CalendarCommand.exception(user, from, to, reason, available: false) }
    }

    struct Extra: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Declare a staff member available outside their weekly pattern.")
        @Argument var user: String
        @Option var from: String
        @Option var to: String
        @Option var reason: String?
        func run() async throws { try await CalendarCommand.exception(user, from, to, reason, available: true) }
    }

    static func exception(_ user: String, _ from: String, _ to: String, _ reason: String?, available: Bool) async throws {
        let period = Period(start: try TimeArgument.parse(from, option: "--from"), end: try TimeArgument.parse(to, option: "--to"))
        try await CommandRunner.run { lab, _ in
            let staff = try await lab.users.find(user, by: CommandRunner.actor)
            let exception = try await lab.staffAvailability.addException(staff.id, period: period, available: available, reason: reason, by: CommandRunner.actor)
            Printer.line("\(available ? "Available" : "Absent") \(TimeArgument.describe(exception.period)) (\(exception.id.uuidString.lowercased()))")
        }
    }

    static func printWeekly(_ intervals: [WeeklyInterval], indent: String = "") {
        for weekday in Weekday.allCases {
            let day = intervals.filter { $0.weekday == weekday }
            Printer.line("\(indent)\(weekday.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(day.isEmpty ? "—" : day.map { "\($0.start)–\($0.end)" }.joined(separator: ", "))")
        }
    }
}
