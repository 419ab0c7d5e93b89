import Foundation

/// Reminders, queued in the outbox: the requester of a confirmed session is reminded
/// `hoursBefore` its start, with the session as an iCalendar event (RFC 5545) to add to their
/// calendar; each staff member gets, from `digestHour` (Paris time), a digest of their day.
/// Exactly once: a reminder's topic names the session and its revision (a session changed is
/// reminded again, a cancelled one is not reminded at all), a digest's the staff member and the
/// day, and the outbox queues a topic once per recipient, whichever server process asks first.
/// An authorisation ending within a month is announced to its holder, once.
public struct SessionReminders: Sendable {
    let database: Database
    let now: @Sendable () -> Date
    public var hoursBefore: Int
    public var digestHour: Int

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init, hoursBefore: Int = 24, digestHour: Int = 7) {
        self.database = database
        self.now = now
        self.hoursBefore = hoursBefore
        self.digestHour = digestHour
    }

    /// Queues the reminders and the digests due now; answers how many were queued.
    @discardableResult
    public func queueDue() async throws -> (reminders: Int, digests: Int, expiries: Int) {
        let now = now()
        let today = ParisClock.date(of: now)
        let digestsOpen = ParisClock.time(of: now) >= LocalTime(hour: digestHour, minute: 0)!
        return try await database.write(as: .system("reminders"), action: "reminders.queue") { session in
            let due = try await session.run(ReminderStore.DueReminders(now: now, until: now.addingTimeInterval(Double(hoursBefore) * 3600)))
            for reminder in due {
                let (subject, body) = Self.reminder(reminder)
                let event = ICalendar(name: "MuséoLab", events: [Self.event(reminder)]).render(stamp: now)
                try await Outbox.enqueue(
                    topic: ReminderStore.topic(session: reminder.id, revision: reminder.revision), channel: .email, recipient: reminder.email,
                    subject: subject, body: body, payload: Self.payload(["event": "session.reminder", "sessionId": reminder.id.uuidString.lowercased()]),
                    attachment: OutboxMessage.Attachment(name: "\(Self.reference(reminder.number)).ics", mediaType: "text/calendar", text: event),
                    session)
            }
            let expiring = try await session.run(ReminderStore.ExpiringSoon(today: today))
            for authorisation in expiring {
                let (subject, body) = Self.expiryNotice(subject: authorisation.subject, expiresOn: authorisation.expiresOn)
                try await Outbox.enqueue(
                    topic: "authorisation-expiry:\(authorisation.id.uuidString.lowercased())", channel: .email, recipient: authorisation.email,
                    subject: subject, body: body,
                    payload: Self.payload(["event": "authorisation.expiring", "authorisationId": authorisation.id.uuidString.lowercased()]), session)
            }
            guard digestsOpen else { return (due.count, 0, expiring.count) }
            let day = Period(start: try ParisClock.instant(today, LocalTime(hour: 0, minute: 0)!),
                             end: try ParisClock.instant(today.adding(days: 1), LocalTime(hour: 0, minute: 0)!))
            let digests = try await session.run(ReminderStore.DigestsDue(day: day, date: today))
            for digest in digests {
                let (subject, body) = Self.digest(digest, on: today)
                try await Outbox.enqueue(
                    topic: "digest:\(digest.staffId.uuidString.lowercased()):\(today)", channel: .email, recipient: digest.email,
                    subject: subject, body: body, payload: Self.payload(["event": "staff.digest", "day": today.description]), session)
            }
            return (due.count, digests.count, expiring.count)
        }
    }

    static func reference(_ number: Int64) -> String { "S-" + zeroPadded(number, width: 6) }

    static func reminder(_ due: ReminderStore.Due) -> (subject: String, body: String) {
        let with = [due.staff.map { "avec \($0)" }, due.machines.map { "machines : \($0)" }].compactMap { $0 }.joined(separator: " ; ")
        return ("Rappel : séance \(reference(due.number)) le \(FrenchWording.slot(due.period))",
                "Votre séance au MuséoLab a lieu le \(FrenchWording.slot(due.period))\(with.isEmpty ? "" : " (\(with))") : \(due.purpose).\n"
                    + "L'événement est joint pour votre agenda. Un empêchement ? Annulez-la depuis « Mes réservations ».")
    }

    /// A month before an authorisation ends, its holder is told how to keep it.
    static func expiryNotice(subject: String, expiresOn: CalendarDate) -> (subject: String, body: String) {
        ("Votre habilitation prend fin le \(FrenchWording.day(expiresOn))",
         "Votre habilitation pour \(subject) prend fin le \(FrenchWording.day(expiresOn)). "
            + "Pour la prolonger, demandez une nouvelle formation depuis votre compte ou à l'équipe du MuséoLab.")
    }

    static func event(_ due: ReminderStore.Due) -> ICalendar.Event {
        ICalendar.Event(
            uid: "\(due.id.uuidString.lowercased())@museolab", sequence: due.revision, status: .confirmed, period: due.period,
            summary: "MuséoLab : \(due.purpose)", description: [reference(due.number), due.staff.map { "avec \($0)" }, due.machines]
                .compactMap { $0 }.joined(separator: " · "),
            lastModified: due.updatedAt)
    }

    static func digest(_ digest: ReminderStore.DayOfStaff, on day: CalendarDate) -> (subject: String, body: String) {
        let lines = digest.sessions.map { line in
            "– \(FrenchWording.time(line.start)) à \(FrenchWording.time(line.end)) \(reference(line.number))"
                + "\(line.status == SessionStatus.requested.rawValue ? " (à confirmer)" : "") : \(line.requester), \(line.purpose)"
        }
        return ("Vos séances du \(FrenchWording.day(day)) : \(digest.sessions.count)", "Au programme du \(FrenchWording.day(day)) :\n" + lines.joined(separator: "\n"))
    }

    static func payload(_ fields: [String: String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }
}
