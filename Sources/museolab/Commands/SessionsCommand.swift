import ArgumentParser
import Foundation
import MuseoLab

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Support sessions and machine bookings: request, record afterwards, confirm, move to another time, cancel, complete, no-show.",
        subcommands: [List.self, Show.self, Request.self, Record.self, Preview.self, Confirm.self, Reschedule.self, Cancel.self, Complete.self, NoShow.self]
    )
}

extension SessionsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions by start.")
        @Option var status: SessionStatus?
        @Option(help: "From (YYYY-MM-DD HH:MM, Europe/Paris, or RFC 3339).") var from: String?
        @Option(help: "To.") var to: String?
        @Option(help: "Sessions requested by this user (id or e-mail).") var user: String?
        @Option(help: "Sessions supervised by this staff member.") var staff: String?
        @Option(help: "Sessions using this machine (id or inventory number).") var machine: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (from == nil) == (to == nil) else { throw ValidationError("give both --from and --to") }
            let window = try from.map { Period(start: try TimeArgument.parse($0, option: "--from"), end: try TimeArgument.parse(to!, option: "--to")) }
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let filter = SessionFilter(
                    status: status, within: window,
                    machineId: try await machine.asyncMap { try await lab.inventory.find($0, by: actor).id },
                    staffId: try await staff.asyncMap { try await lab.users.find($0, by: actor).id },
                    requesterId: try await user.asyncMap { try await lab.users.find($0, by: actor).id })
                let sessions = try await lab.sessions.list(filter, by: actor)
                if output.json { return try Printer.json(sessions) }
                Printer.table(
                    ["SESSION", "WHEN (PARIS)", "DURATION", "STATUS", "FOR", "STAFF", "MACHINES", "PURPOSE"],
                    sessions.map {
                        [
                            $0.reference, TimeArgument.describe($0.period), "\($0.period.minutes) min",
                            $0.status.rawValue + ($0.lateCancellation ? " (late)" : ""), $0.requester.email, $0.staff?.email ?? "-",
                            $0.machines.map { $0.inventoryNumber ?? $0.nature }.joined(separator: ", "), $0.purpose,
                        ]
                    })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session and its history.")
        @Argument(help: "The session's id or number (S-000042).") var session: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.sessions.find(session, by: CommandRunner.actor)
                if output.json { try Printer.json(found) } else { SessionPrinter.print(found) }
            }
        }
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Book a session on a member's behalf.")
        @Option(help: "The member (id or e-mail).") var user: String
        @Option(help: "Start (YYYY-MM-DD HH:MM, Europe/Paris).") var start: String
        @Option(help: "End.") var end: String
        @Option var purpose: String
        @Option var participants = 1
        @Option(help: "The supervising staff member; by default the first free and available.") var staff: String?
        @Option(name: .customLong("machine"), help: "A machine to reserve (id or inventory number); repeat for several.")
        var machines: [String] = []
        @Flag(help: "A machine booking without supervision (customers outside an agreement).") var unsupervised = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                var machineIds: [UUID] = []
                for machine in machines { machineIds.append(try await lab.inventory.find(machine, by: actor).id) }
                let session = try await lab.sessions.request(
                    SessionRequest(
                        requesterId: try await lab.users.find(user, by: actor).id, supervised: !unsupervised,
                        staffId: try await staff.asyncMap { try await lab.users.find($0, by: actor).id }, purpose: purpose,
                        participants: participants, period: period, machineIds: machineIds),
                    by: actor)
                if output.json { try Printer.json(session) } else { SessionPrinter.print(session) }
            }
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a past session afterwards (a walk-in, one nobody entered), completed, with its actual start and end.")
        @Option(help: "The member (id or e-mail).") var user: String
        @Option(help: "The staff member who supervised it (id or e-mail).") var staff: String
        @Option(name: .customLong("actual-start"), help: "Start (YYYY-MM-DD HH:MM, Europe/Paris).") var actualStart: String
        @Option(name: .customLong("actual-end"), help: "End.") var actualEnd: String
        @Option var purpose: String
        @Option var participants = 1
        @Option(name: .customLong("machine"), help: "A machine used (id or inventory number); repeat for several.")
        var machines: [String] = []
        @Option var note: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let actual = Period(
                start: try TimeArgument.parse(actualStart, option: "--actual-start"), end: try TimeArgument.parse(actualEnd, option: "--actual-end"))
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                var machineIds: [UUID] = []
                for machine in machines { machineIds.append(try await lab.inventory.find(machine, by: actor).id) }
                let session = try await lab.sessions.record(
                    RecordedSession(
                        requesterId: try await lab.users.find(user, by: actor).id, staffId: try await lab.users.find(staff, by: actor).id,
                        purpose: purpose, participants: participants, actual: actual, machineIds: machineIds, note: note),
                    by: actor)
                if output.json { try Printer.json(session) } else { SessionPrinter.print(session) }
            }
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What confirming a session would do to the quota.")
        @Argument var session: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.sessions.find(session, by: CommandRunner.actor)
                let preview = try await lab.quota.preview(found.id, by: CommandRunner.actor)
                if output.json { return try Printer.json(preview) }
                guard preview.chargedToAgreement else { return Printer.line("\(found.reference) is not charged to an agreement's quota.") }
                Printer.line("\(found.reference) uses \(QuotaCommand.hours(preview.minutes)); remaining \(QuotaCommand.hours(preview.remainingBeforeMinutes)) → \(QuotaCommand.hours(preview.remainingAfterMinutes))\(preview.overQuotaMinutes > 0 ? "; \(QuotaCommand.hours(preview.overQuotaMinutes)) over the quota" : "")")
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "requested → confirmed.")
        @Argument var session: String
        @Option var reason: String?

        func run() async throws {
            try await SessionsCommand.change(session) { lab, id in try await lab.sessions.confirm(id, reason: reason, by: CommandRunner.actor) }
        }
    }

    struct Reschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a requested or confirmed session to another time (same requester, staff member and machines).")
        @Argument var session: String
        @Option(help: "New start (YYYY-MM-DD HH:MM, Europe/Paris, or RFC 3339).") var start: String
        @Option(help: "New end.") var end: String
        @Option var reason: String?

        func run() async throws {
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            try await SessionsCommand.change(session) { lab, id in
                try await lab.sessions.reschedule(id, to: period, reason: reason, by: CommandRunner.actor)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a session, saying why (late cancellations are flagged).")
        @Argument var session: String
        @Option var reason: String

        func run() async throws {
            try await SessionsCommand.change(session) { lab, id in try await lab.sessions.cancel(id, reason: reason, by: CommandRunner.actor) }
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a session as completed, with its actual start and end.")
        @Argument var session: String
        @Option(name: .customLong("actual-start")) var actualStart: String
        @Option(name: .customLong("actual-end")) var actualEnd: String
        @Option var note: String?

        func run() async throws {
            let actual = Period(
                start: try TimeArgument.parse(actualStart, option: "--actual-start"), end: try TimeArgument.parse(actualEnd, option: "--actual-end"))
            try await SessionsCommand.change(session) { lab, id in
                try await lab.sessions.complete(id, actual: actual, note: note, by: CommandRunner.actor)
            }
        }
    }

    struct NoShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "no-show", abstract: "Record that nobody came.")
        @Argument var session: String
        @Option var reason: String?

        func run() async throws {
            try await SessionsCommand.change(session) { lab, id in try await lab.sessions.noShow(id, reason: reason, by: CommandRunner.actor) }
        }
    }

    static func change(_ reference: String, _ move: @escaping @Sendable (MuseoLab, UUID) async throws -> SupportSession) async throws {
        try await CommandRunner.run { lab, _ in
            let session = try await lab.sessions.find(reference, by: CommandRunner.actor)
            SessionPrinter.print(try await move(lab, session.id))
        }
    }
}

enum SessionPrinter {
    static func print(_ session: SupportSession) {
        var lines: [(String, String)] = [
            ("session", "\(session.reference) (\(session.id.uuidString.lowercased()))"),
            ("status", session.status.rawValue + (session.lateCancellation ? " (late cancellation)" : "")
                + (session.recordedAfterwards ? " (recorded afterwards)" : "")),
            ("when (Paris)", "\(TimeArgument.describe(session.period)) · \(session.period.minutes) min"),
            ("for", "\(session.requester.displayName) <\(session.requester.email)> · \(session.organisationName)"),
            ("supervised by", session.staff.map { "\($0.displayName) <\($0.email)>" } ?? "nobody (unsupervised booking)"),
            ("charged to agreement", session.agreementId?.uuidString.lowercased() ?? "-"),
            ("purpose", "\(session.purpose) · \(session.participants) participant(s)"),
            ("machines", session.machines.isEmpty ? "-" : session.machines.map { "\($0.nature) \($0.inventoryNumber ?? "")" }.joined(separator: ", ")),
        ]
        if let actual = session.actualPeriod { lines.append(("actual", "\(TimeArgument.describe(actual)) · \(actual.minutes) min")) }
        for (name, value) in lines { Printer.line("\(name.padding(toLength: 22, withPad: " ", startingAt: 0))\(value)") }
        for event in session.events {
            Printer.line("  \(Printer.date(event.occurredAt))  \(event.from?.rawValue ?? "·") → \(event.to.rawValue)  \(event.actor)\(event.reason.map { "  «\($0)»" } ?? "")")
        }
    }
}

extension SessionStatus: ExpressibleByArgument {}
