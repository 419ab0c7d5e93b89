import Foundation
import MuseoLabRuntime
import Testing
@testable import MuseoLab

/// Reminders and the staff's morning digest: queued in the outbox once per session and revision
/// (or staff member and day), whichever of two server processes asks first; an iCalendar event
/// rides with the reminder through a real SMTP relay.
@Suite struct ReminderTests {
    @Test func aConfirmedSessionIsRemindedOnceWithItsEventAndTheStaffGetTheirDay() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            let (member, manager) = (t.people.member.actor, t.people.manager.actor)
            let printer = try await t.machine("12548")
            func book(_ from: String, _ to: String, _ purpose: String) async throws -> SupportSession {
                try await t.lab.sessions.request(
                    SessionRequest(purpose: purpose, period: Days.period(day, from, to), machineIds: [printer.id]), by: member)
            }
            let confirmed = try await t.lab.sessions.confirm(try await book("10:00", "12:00", "Socle de lampe").id, by: manager)
            let cancelled = try await t.lab.sessions.confirm(try await book("14:00", "15:00", "Gravure").id, by: manager)
            _ = try await t.lab.sessions.cancel(cancelled.id, reason: "reporté", by: member)
            let requested = try await book("16:00", "17:00", "Maquette")

            // Two days before: nothing is due yet.
            #expect(try await t.at(Days.at(day.adding(days: -2), "09:00")).reminders().queueDue() == (0, 0, 0))
            // The day before, two server processes queue at once: one reminder, for the confirmed session only.
            let dayBefore = Days.at(day.adding(days: -1), "11:00")
            let (first, second) = (t.at(dayBefore).reminders(), t.at(dayBefore).reminders())
            async let a = first.queueDue()
            async let b = second.queueDue()
            _ = try await (a, b)
            #expect(try await first.queueDue() == (0, 0, 0), "queued once")
            let queued = try await t.lab.database.read { session in
                try await session.rows("SELECT topic, recipient, subject FROM outbox_messages WHERE topic LIKE 'reminder:%'")
                    .map { try $0.decode((String, String, String).self) }
            }
            #expect(queued.map(\.0) == ["reminder:\(confirmed.id.text):\(confirmed.revision)"])
            #expect(queued.first?.1 == t.people.member.user.email)
            #expect(queued.first?.2 == "Rappel : séance \(confirmed.reference) le \(FrenchWording.slot(confirmed.period))")

            // Delivered by two dispatchers at once, through a real SMTP relay: one e-mail, with the event joined.
            let sink = try SMTPSink()
            defer { sink.stop() }
            let transports: [AlertRecipient.Channel: any MessageTransport] = [.email: SMTPTransport(host: "127.0.0.1", port: sink.port, from: "museolab@test")]
            async let c = Outbox(database: t.lab.database).deliverDue(transports: transports)
            async let d = Outbox(database: t.lab.database).deliverDue(transports: transports)
            _ = try await (c, d)
            let mails = sink.messages.filter { $0.to.contains(t.people.member.user.email) }
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.header("Content-Type")?.hasPrefix("multipart/mixed; boundary=") == true)
            let parts = mail.data.components(separatedBy: "\r\n\r\n")
            let icsPart = try #require(parts.firstIndex { $0.contains("Content-Disposition: attachment; filename=\"\(confirmed.reference).ics\"") })
            let encoded = parts[icsPart + 1].components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")
            let ics = try #require(Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) })
            #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.contains("BEGIN:VEVENT\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"), "\(ics)")
            #expect(ics.contains("UID:\(confirmed.id.text)@museolab\r\n") && ics.contains("SEQUENCE:\(confirmed.revision)\r\n"))
            #expect(ics.contains("DTSTART:\(ICalendar.utc(confirmed.period.start))\r\n") && ics.contains("DTEND:\(ICalendar.utc(confirmed.period.end))\r\n"))
            // The text part's body ends where the file's part begins.
            let text = try #require(Data(base64Encoded: parts[icsPart].components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")))
            #expect(String(decoding: text, as: UTF8.self).contains("Socle de lampe"))

            // The staff's digest: not before its hour, then once, with the day's sessions to supervise.
            #expect(try await t.at(Days.at(day, "06:30")).reminders().queueDue().digests == 0)
            #expect(try await t.at(Days.at(day, "07:05")).reminders().queueDue().digests == 1)
            #expect(try await t.at(Days.at(day, "08:00")).reminders().queueDue().digests == 0, "once a day")
            // The CLI queues what is due by the real clock, with the server's setting: a session of the coming days.
            let soon = try #require((1...5).map { ParisClock.date(of: Date()).adding(days: $0) }
                .first { $0.weekday.rawValue <= 5 && FrenchPublicHolidays.name(of: $0) == nil })
            let next = try await t.lab.sessions.request(
                SessionRequest(purpose: "Découpe", period: Days.period(soon, "10:00", "11:00"), machineIds: [printer.id]), by: member)
            _ = try await t.lab.sessions.confirm(next.id, by: manager)
            let cli = try await CommandLineTool.run(["outbox", "remind"], databaseURL: t.databaseURL, environment: ["REMINDER_HOURS": "168", "STAFF_DIGEST_HOUR": "23"])
            #expect(cli.status == 0 && cli.output.hasPrefix("1 reminder(s) and "), "\(cli.output)")
            let again = try await CommandLineTool.run(["outbox", "remind"], databaseURL: t.databaseURL, environment: ["REMINDER_HOURS": "168", "STAFF_DIGEST_HOUR": "23"])
            #expect(again.output.hasPrefix("0 reminder(s) and 0 digest(s)"), "\(again.output)")
            let digest = try await t.lab.database.read { session in
                try await session.first("SELECT recipient, body FROM outbox_messages WHERE topic = \("digest:\(t.people.manager.user.id.text):\(day)")")
                    .map { try $0.decode((String, String).self) }
            }
            #expect(digest?.0 == t.people.manager.user.email)
            let lines = digest?.1.components(separatedBy: "\n") ?? []
            #expect(lines.count == 3, "\(lines)")
            #expect(lines.dropFirst().first?.contains(confirmed.reference) == true && lines.last?.contains("\(requested.reference) (à confirmer)") == true)
            #expect(!(digest?.1.contains(cancelled.reference) ?? true), "a cancelled session is not on the day")
        }
    }
}
