import Foundation
import MuseoLab
import PostgresNIO

/// The people, machines and times the limit benchmark's paths share: members of the university
/// (under the agreement), a partner customer's users (unsupervised bookings), ten staff members,
/// a manager and an accountant, each with their API token; bench machines; half-hour slots.
struct BenchWorld: Sendable {
    static let university = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000001")!
    static let llv = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000002")!
    static let agreement = UUID(uuidString: "6f0b8d2e-0003-4000-8000-000000000001")!
    static let system = Actor.system("bench")

    var members: [(id: UUID, token: String, actor: Actor)] = []
    var partners: [String] = []
    var staff: [(id: UUID, actor: Actor)] = []
    var manager = ""
    var managerCookie = ""
    var memberCookie = ""
    var accountant = ""
    /// A company invoiced for consumables (with the legal data an invoice needs).
    var customer = UUID()
    var machines: [String] = []
    /// Half-hour slots of working days, from three days ahead.
    var slots: [(start: Date, end: Date)] = []
    /// Half-hour slots of this year's past working days (sessions to complete).
    var pastSlots: [(start: Date, end: Date)] = []

    static func make(_ lab: MuseoLab, clients: Int, machines: Int) async throws -> BenchWorld {
        var world = BenchWorld()
        // Bookings far ahead, completions recorded long after.
        _ = try await lab.calendar.updateRules(
            cancellationNoticeMinutes: 0, maximumDurationMinutes: nil, bookingHorizonDays: 1000, recordingWindowDays: 366, by: system)
        let fixture = try await BookingFixture.load(lab, machines: machines, users: clients)
        world.partners = fixture.tokens
        world.machines = fixture.machineIds

        func person(_ email: String, _ organisation: UUID, _ role: Role) async throws -> (id: UUID, token: String, actor: Actor) {
            let user = try await lab.users.add(NewUser(email: email, displayName: email, organisationId: organisation, role: role), by: system)
            let token = try await lab.tokens.create(for: user.id, label: "bench", expiresAt: nil, by: system).secret
            return (user.id, token, Actor(userId: user.id, organisationId: organisation, role: role, label: "user:\(email)"))
        }
        for index in 1...clients { world.members.append(try await person("membre\(index)@univ-artois.fr", university, .member)) }
        for index in 1...10 {
            let member = try await person("equipe\(index)@museolab.test", llv, .manager)
            world.staff.append((member.id, member.actor))
        }
        world.manager = try await person("gestion@museolab.test", llv, .manager).token
        world.accountant = try await person("compta@museolab.test", llv, .accountant).token
        world.customer = try await lab.organisations.create(
            NewOrganisation(
                name: "Atelier Banc d'Essai", legalForm: "SARL", siren: "732829320", siret: "73282932000074", tariffCategory: "partner",
                contactEmail: "compta@atelier-banc.test", address: "12 rue de la Paix, 62300 Lens"),
            by: system
        ).id
        world.memberCookie = try await cookie(lab, world.members[0].actor)
        world.managerCookie = try await cookie(lab, world.staff[0].actor)

        let hours = try await lab.calendar.openingHours()
        func slots(from first: CalendarDate, days: Int) throws -> [(start: Date, end: Date)] {
            var found: [(start: Date, end: Date)] = []
            var day = first
            for _ in 0..<days {
                for interval in hours where interval.weekday == day.weekday && FrenchPublicHolidays.name(of: day) == nil {
                    var start = try ParisClock.instant(day, interval.start)
                    let end = try ParisClock.instant(day, interval.end)
                    while start.addingTimeInterval(1800) <= end {
                        found.append((start, start.addingTimeInterval(1800)))
                        start = start.addingTimeInterval(1800)
                    }
                }
                day = day.adding(days: 1)
            }
            return found
        }
        let today = ParisClock.date(of: Date())
        world.slots = try slots(from: today.adding(days: 3), days: 990)
        world.pastSlots = try slots(from: CalendarDate(year: today.year, month: 1, day: 5)!, days: 400).filter { $0.end < Date().addingTimeInterval(-3600) }
        return world
    }

    /// Gives `count` staff members (the first ones) the fablab's weekdays.
    func makeAvailable(_ count: Int, _ lab: MuseoLab) async throws {
        let weekdays = (1...5).map { WeeklyInterval(weekday: Weekday(rawValue: $0)!, start: LocalTime("08:00")!, end: LocalTime("20:00")!) }
        for member in staff.prefix(count) { _ = try await lab.staffAvailability.setWeekly(member.id, weekdays, by: Self.system) }
    }

    /// The customer's consumables, one a day for `days` days from `first`: one recorded (and
    /// priced) by the domain, the others copied from it in one statement. The days, in order.
    func consumables(days: Int, from first: CalendarDate, _ lab: MuseoLab) async throws -> [CalendarDate] {
        let item = try await lab.billableItems.addConsumable(
            customerId: customer, tariffCode: "filament-pla", quantity: 2, serviceDate: first, description: nil, by: Self.system)
        try await lab.database.write(as: Self.system, action: "bench.consumables") { session in
            var bindings = PostgresBindings()
            bindings.append(item.id)
            bindings.append(days - 1)
            try await session.execute(PostgresQuery(
                unsafeSQL: """
                    INSERT INTO billable_items (kind, customer_organisation_id, service_date, description, quantity, tariff_item_code,
                                                tariff_version_id, net_cents, priced_lines)
                    SELECT kind, customer_organisation_id, service_date + n, description, quantity, tariff_item_code, tariff_version_id, net_cents, priced_lines
                    FROM billable_items, generate_series(1, $2::int) n WHERE id = $1::uuid
                    """, binds: bindings))
        }
        return (0..<days).map { first.adding(days: $0) }
    }

    /// A signed-in web session's cookies.
    static func cookie(_ lab: MuseoLab, _ actor: Actor) async throws -> String {
        let signIn = WebSignIn(database: lab.database)
        let email = String(actor.label.dropFirst("user:".count))
        guard let link = try await signIn.requestLink(email: email, from: "bench", link: { $0 }) else {
            throw BenchFailure("no sign-in link for \(email)")
        }
        return "museolab_session=\(try await signIn.redeem(link.secret).secret); museolab_csrf=mlcsrf_benchbenchbenchbenchbenchbench"
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Date {
    var rfc3339: String { formatted(.iso8601) }
}
