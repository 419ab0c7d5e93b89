import ArgumentParser
import Foundation
import MuseoLab
import MuseoLabRuntime

/// Options naming the agreement (by default the only one, or the university's current one).
struct AgreementOption: ParsableArguments {
    @Option(help: "The agreement's id or reference (default: the one agreement in force).")
    var agreement: String?

    func resolve(_ lab: MuseoLab) async throws -> Agreement {
        try await lab.agreements.find(agreement, by: CommandRunner.actor)
    }
}

struct QuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota",
        abstract: "The yearly support quota of the agreement (400 h in 2026): status, ledger, reports, adjustments.",
        subcommands: [Status.self, Ledger.self, Report.self, Adjust.self]
    )

    static func hours(_ minutes: Int) -> String { UsageCSV.hours(minutes) + " h" }
}

extension QuotaCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Consumed, committed, remaining, with a progress bar and the forecast.")
        @Option var year: Int = ParisClock.date(of: Date()).year
        @OptionGroup var which: AgreementOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                let status = try await lab.quota.status(agreement.id, year: year, by: CommandRunner.actor)
                if output.json { return try Printer.json(status) }
                let b = status.balance
                let width = 40
                let consumed = b.quotaMinutes > 0 ? min(width, b.consumedMinutes * width / b.quotaMinutes) : 0
                let committed = b.quotaMinutes > 0 ? min(width - consumed, b.committedMinutes * width / b.quotaMinutes) : 0
                Printer.line("\(agreement.reference) · \(year)")
                Printer.line("[\(String(repeating: "█", count: consumed))\(String(repeating: "▒", count: committed))\(String(repeating: "░", count: width - consumed - committed))] \(String(format: "%.1f", b.percentConsumed)) % consumed, \(String(format: "%.1f", b.percentProjected)) % with commitments")
                Printer.line("quota       \(QuotaCommand.hours(b.quotaMinutes))")
                Printer.line("consumed    \(QuotaCommand.hours(b.consumedMinutes))")
                Printer.line("committed   \(QuotaCommand.hours(b.committedMinutes))")
                Printer.line("remaining   \(QuotaCommand.hours(b.remainingMinutes)) (\(QuotaCommand.hours(b.projectedRemainingMinutes)) after commitments)")
                if b.projectedOverQuotaMinutes > b.overQuotaMinutes {
                    Printer.line("projected over quota \(QuotaCommand.hours(b.projectedOverQuotaMinutes)) (consumed and committed)")
                }
                if b.overQuotaMinutes > 0 { Printer.line("over quota  \(QuotaCommand.hours(b.overQuotaMinutes)) (pending decision: \(QuotaCommand.hours(status.pendingOverageMinutes)))") }
                if let forecast = status.forecast {
                    Printer.line("forecast    \(forecast.runsOutOn.map { "runs out on \($0)" } ?? forecast.method.rawValue.replacingOccurrences(of: "_", with: " ")): \(forecast.explanation)")
                }
                for alert in status.alerts {
                    Printer.line("alert       \(alert.kind == .threshold ? "\(alert.threshold) % reached" : "projected to exceed") on \(Printer.date(alert.firedAt))\(alert.acknowledgedAt == nil ? "" : " (acknowledged)")")
                }
            }
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The ledger, line by line: the status is its sum.")
        @Option var year: Int = ParisClock.date(of: Date()).year
        @OptionGroup var which: AgreementOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                let entries = try await lab.quota.ledger(agreement.id, year: year, by: CommandRunner.actor)
                if output.json { return try Printer.json(entries) }
                var committed = 0, consumed = 0
                Printer.table(["#", "WHEN", "KIND", "SESSION", "COMMITTED", "CONSUMED", "BALANCE", "WHY / WHO"], entries.map { entry in
                    committed += entry.committedMinutes
                    consumed += entry.consumedMinutes
                    return ["\(entry.id)", Printer.date(entry.recordedAt), entry.kind.rawValue, entry.sessionReference ?? "-",
                            "\(entry.committedMinutes) min", "\(entry.consumedMinutes) min", "\(QuotaCommand.hours(consumed)) + \(QuotaCommand.hours(committed))",
                            [entry.reason, entry.actor].compactMap { $0 }.joined(separator: " · ")]
                })
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Usage by month, component (UFR, laboratory), machine or user.")
        @Option var year: Int = ParisClock.date(of: Date()).year
        @Option var by: UsageGrouping = .month
        @Flag(help: "CSV for spreadsheets (;, decimal comma, UTF-8 with BOM).") var csv = false
        @OptionGroup var which: AgreementOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                let lines = try await lab.quota.report(agreement.id, year: year, by: by, actor: CommandRunner.actor)
                if csv { return FileHandle.standardOutput.write(Data(UsageCSV.render(lines, grouping: by).utf8)) }
                if output.json { return try Printer.json(lines) }
                Printer.table([by.rawValue.uppercased(), "CONSUMED", "COMMITTED", "SESSIONS"], lines.map {
                    [$0.label, QuotaCommand.hours($0.consumedMinutes), QuotaCommand.hours($0.committedMinutes), "\($0.sessions)"]
                })
            }
        }
    }

    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Correct the consumed hours (negative to remove), with a reason.")
        @Option var year: Int = ParisClock.date(of: Date()).year
        @Option(help: "Hours, e.g. 1.5 or -2.") var hours: Double
        @Option var reason: String
        @OptionGroup var which: AgreementOption

        func run() async throws {
            let minutes = Int((hours * 60).rounded())
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                let balance = try await lab.quota.adjust(agreement.id, year: year, minutes: minutes, reason: reason, by: CommandRunner.actor)
                Printer.line("Adjusted: consumed \(QuotaCommand.hours(balance.consumedMinutes)) of \(QuotaCommand.hours(balance.quotaMinutes)).")
            }
        }
    }
}

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Quota alerts: list (the default) and acknowledge.", subcommands: [List.self, Acknowledge.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List alerts, newest first, with their delivery.")
        @Option var year: Int?
        @Flag var unacknowledged = false
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let alerts = try await lab.alerts.list(agreementId: nil, year: year, unacknowledgedOnly: unacknowledged, by: CommandRunner.actor)
                if output.json { return try Printer.json(alerts) }
                Printer.table(["FIRED", "YEAR", "ALERT", "CONSUMED", "DELIVERED", "ACK.", "ID"], alerts.map {
                    [Printer.date($0.firedAt), "\($0.year)", $0.kind == .threshold ? "\($0.threshold) % reached" : "projected to exceed",
                     "\(QuotaCommand.hours($0.consumedMinutes)) / \(QuotaCommand.hours($0.quotaMinutes))", "\($0.deliveriesDone)/\($0.deliveriesQueued)",
                     $0.acknowledgedAt == nil ? "no" : "yes", $0.id.uuidString.lowercased()]
                })
            }
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alert.")
        @Argument var alert: String
        func run() async throws {
            guard let id = UUID(uuidString: alert) else { throw ValidationError("\(alert) is not an alert id") }
            try await CommandRunner.run { lab, _ in
                _ = try await lab.alerts.acknowledge(id, by: CommandRunner.actor)
                Printer.line("Alert acknowledged.")
            }
        }
    }
}

struct OverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overage", abstract: "Hours beyond the quota: list, bill or waive (with a reason).", subcommands: [List.self, Bill.self, Waive.self])

    struct List: AsyncParsableCommand {
        @Option var year: Int?
        @Option var status: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let status = try status.map { text -> OverageItem.Status in
                guard let value = OverageItem.Status(rawValue: text) else { throw ValidationError("--status is pending, billed or waived") }
                return value
            }
            try await CommandRunner.run { lab, _ in
                let items = try await lab.overage.list(agreementId: nil, year: year, status: status, by: CommandRunner.actor)
                if output.json { return try Printer.json(items) }
                Printer.table(["DATE", "SESSION", "HOURS", "STATUS", "REASON", "ID"], items.map {
                    [$0.serviceDate.description, $0.sessionReference ?? "adjustment", QuotaCommand.hours($0.minutes), $0.status.rawValue,
                     $0.decisionReason ?? "-", $0.id.uuidString.lowercased()]
                })
            }
        }
    }

    struct Bill: AsyncParsableCommand {
        @Argument var item: String
        @Option var reason: String
        func run() async throws { try await OverageCommand.decide(item, bill: true, reason: reason) }
    }

    struct Waive: AsyncParsableCommand {
        @Argument var item: String
        @Option var reason: String
        func run() async throws { try await OverageCommand.decide(item, bill: false, reason: reason) }
    }

    static func decide(_ item: String, bill: Bool, reason: String) async throws {
        guard let id = UUID(uuidString: item) else { throw ValidationError("\(item) is not an overage item id") }
        try await CommandRunner.run { lab, _ in
            let decided = try await lab.overage.decide(id, bill: bill, reason: reason, by: CommandRunner.actor)
            Printer.line("\(QuotaCommand.hours(decided.minutes)) \(decided.status.rawValue).")
        }
    }
}

struct AgreementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements", abstract: "The agreement, its amendments (avenants) and policy.", subcommands: [Show.self, Amend.self, Policy.self])

    struct Show: AsyncParsableCommand {
        @OptionGroup var which: AgreementOption
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                if output.json { return try Printer.json(agreement) }
                Printer.line("\(agreement.reference) · \(agreement.title) · \(agreement.startsOn) to \(agreement.endsOn)")
                Printer.line("late cancellations count: \(agreement.lateCancellationsCount ? "yes" : "no") · no-shows count: \(agreement.noShowsCount ? "yes" : "no") · alerts at \(agreement.alertThresholds.map { "\($0) %" }.joined(separator: ", "))")
                for terms in agreement.terms {
                    Printer.line("from \(terms.effectiveFrom): \(terms.supportQuotaHours) h of support; rooms \(terms.roomAllowances.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) · \(terms.label)")
                }
            }
        }
    }

    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an amendment: new quota and/or room allowances from a date.")
        @Option(name: .customLong("effective-from")) var effectiveFrom: String
        @Option var label: String
        @Option(name: .customLong("quota-hours")) var quotaHours: Int?
        @Option(name: .customLong("room"), help: "ROOM=COUNT free bookings a year, e.g. atrium=3; repeat for several.") var rooms: [String] = []
        @OptionGroup var which: AgreementOption
        func run() async throws {
            let date = try TimeArgument.day(effectiveFrom, option: "--effective-from")
            let allowances = try Dictionary(rooms.map { room -> (String, Int) in
                let parts = room.split(separator: "=")
                guard parts.count == 2, let count = Int(parts[1]) else { throw ValidationError("--room takes ROOM=COUNT, not \(room)") }
                return (String(parts[0]), count)
            }, uniquingKeysWith: { _, last in last })
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                _ = try await lab.agreements.amend(
                    agreement.id, effectiveFrom: date, label: label, supportQuotaHours: quotaHours, roomAllowances: allowances, by: CommandRunner.actor)
                Printer.line("Amendment recorded from \(date).")
            }
        }
    }

    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether late cancellations and no-shows count, and the alert thresholds.")
        @Option(name: .customLong("late-cancellations-count")) var lateCancellationsCount: Bool?
        @Option(name: .customLong("no-shows-count")) var noShowsCount: Bool?
        @Option(name: .customLong("thresholds"), help: "Percentages, e.g. 75,90,100.") var thresholds: String?
        @OptionGroup var which: AgreementOption
        func run() async throws {
            let values = try thresholds.map { text in
                try text.split(separator: ",").map { part -> Int in
                    guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--thresholds takes numbers like 75,90,100") }
                    return value
                }
            }
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                let updated = try await lab.agreements.updatePolicy(
                    agreement.id, lateCancellationsCount: lateCancellationsCount, noShowsCount: noShowsCount, alertThresholds: values, by: CommandRunner.actor)
                Printer.line("late cancellations count: \(updated.lateCancellationsCount) · no-shows count: \(updated.noShowsCount) · thresholds \(updated.alertThresholds)")
            }
        }
    }
}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Messages waiting to be delivered (the server delivers them); deliver now.",
        subcommands: [List.self, Deliver.self, Remind.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let messages = try await Outbox(database: lab.database).messages(by: CommandRunner.actor)
                if output.json { return try Printer.json(messages) }
                Printer.table(["#", "CHANNEL", "TO", "SUBJECT", "ATTEMPTS", "STATE"], messages.map {
                    ["\($0.id)", $0.channel.rawValue, $0.recipient, $0.subject, "\($0.attempts)",
                     $0.deliveredAt.map { "delivered \(Printer.date($0))" } ?? "waiting\($0.lastError.map { ": \($0)" } ?? "")"]
                })
            }
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver what is due now, with SMTP_HOST/SMTP_PORT/SMTP_FROM from the environment.")
        func run() async throws {
            let smtp = try CommandRunner.configuration().smtp
            try await CommandRunner.run { lab, _ in
                let result = try await Outbox(database: lab.database).deliverDue(limit: 1000, transports: OutboxDispatcher.transports(smtp: smtp))
                Printer.line("\(result.delivered) delivered, \(result.failed) failed (retried later).")
            }
        }
    }

    struct Remind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the session reminders and staff digests due now, with REMINDER_HOURS/STAFF_DIGEST_HOUR (the server does it before each delivery).")
        func run() async throws {
            let service = try CommandRunner.configuration()
            try await CommandRunner.run { lab, _ in
                let queued = try await lab.reminders(hoursBefore: service.reminderHours, digestHour: service.staffDigestHour).queueDue()
                Printer.line("\(queued.reminders) reminder(s) and \(queued.digests) digest(s) queued, \(queued.expiries) authorisation(s) ending announced.")
            }
        }
    }
}

extension UsageGrouping: ExpressibleByArgument {}
