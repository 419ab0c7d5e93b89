import ArgumentParser
import Foundation
import MuseoLab
import PostgresNIO

/// How many statements (each a round trip to PostgreSQL) the main operations of the domain
/// send, counted by the domain's own store: a fixed number each, whatever the data.
struct RoundTripBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roundtrips", abstract: "Count the statements each main operation sends to PostgreSQL (listing 1,000 invoices, a session's life, a room booking, an invoice).")

    @Option(help: "Issued invoices to list.") var invoices = 1_000

    func run() async throws {
        let invoices = self.invoices
        try await BenchDatabase.with { lab, _ in
            try await ExportBenchmark.load(lab, invoices: invoices, perInvoice: 3)
            let system = Actor.system("bench")
            let university = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000001")!, llv = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000002")!
            let manager = try await lab.users.add(
                NewUser(email: "manager@bench.museolab", displayName: "Manager", organisationId: llv, role: .manager), by: system)
            let member = try await lab.users.add(
                NewUser(email: "member@univ-artois.fr", displayName: "Member", organisationId: university, role: .member), by: system)
            let weekdays = (1...5).map { WeeklyInterval(weekday: Weekday(rawValue: $0)!, start: LocalTime("09:00")!, end: LocalTime("18:00")!) }
            _ = try await lab.staffAvailability.setWeekly(manager.id, weekdays, by: system)
            let token = try await lab.tokens.create(for: member.id, label: "bench", expiresAt: nil, by: system)
            let managerActor = Actor(userId: manager.id, organisationId: llv, role: .manager, label: "user:\(manager.email)")
            let memberActor = Actor(userId: member.id, organisationId: university, role: .member, label: "user:\(member.email)")
            let printer = try await lab.inventory.find("12548", by: system)

            // A working day two weeks ahead, not a public holiday.
            var day = ParisClock.date(of: Date()).adding(days: 14)
            while day.weekday.rawValue > 5 || FrenchPublicHolidays.name(of: day) != nil { day = day.adding(days: 1) }
            func period(_ start: String, _ end: String) throws -> Period {
                Period(start: try ParisClock.instant(day, LocalTime(start)!), end: try ParisClock.instant(day, LocalTime(end)!))
            }
            // The staff member's clock once the day is over, for completions.
            let evening = try ParisClock.instant(day, LocalTime("20:00")!)
            let later = MuseoLab(client: lab.database.client, logger: lab.database.logger, now: { evening }, printer: lab.printer)

            var figures: [(String, Int)] = []
            func count(_ name: String, on domain: MuseoLab = lab, _ body: () async throws -> Void) async throws {
                let before = domain.database.usage.statementsSent
                try await body()
                figures.append((name, domain.database.usage.statementsSent - before))
            }
            // Warm the last use of the token (written once a minute) so that it does not count below.
            _ = try await lab.tokens.authenticate(token.secret, from: "127.0.0.1", throttle: AuthenticationThrottle(database: lab.database))
            try await count("authenticate a bearer token (every API request)") {
                _ = try await lab.tokens.authenticate(token.secret, from: "127.0.0.1", throttle: AuthenticationThrottle(database: lab.database))
            }
            var listed = 0
            try await count("list \(invoices) invoices") { listed = try await lab.invoices.list(customerId: nil, status: nil, kind: nil, by: system).count }
            var requested: SupportSession?
            try await count("request a supervised session, staff chosen") {
                requested = try await lab.sessions.request(
                    SessionRequest(purpose: "bench", period: try period("10:00", "12:00"), machineIds: [printer.id]), by: memberActor)
            }
            try await count("confirm it (ledger, alerts)") { _ = try await lab.sessions.confirm(requested!.id, by: managerActor) }
            try await count("complete it (ledger, alerts, overage)", on: later) {
                _ = try await later.sessions.complete(requested!.id, actual: try period("10:00", "12:30"), by: managerActor)
            }
            let other = try await lab.sessions.request(SessionRequest(purpose: "bench", period: try period("14:00", "15:00")), by: memberActor)
            _ = try await lab.sessions.confirm(other.id, by: managerActor)
            try await count("cancel a confirmed session (release)") { _ = try await lab.sessions.cancel(other.id, reason: "bench", by: memberActor) }
            var booking: RoomBooking?
            try await count("request a room") {
                booking = try await lab.roomBookings.request(
                    RoomBookingRequest(room: "atrium", layout: "standard", period: try period("09:00", "12:00"), attendees: 40, purpose: "bench"),
                    by: memberActor)
            }
            try await count("accept it (allowance, billable items, outbox)") { _ = try await lab.roomBookings.accept(booking!.id, by: managerActor) }
            let accountant = Actor.system("bench-accountant")
            _ = try await lab.organisations.update(university, OrganisationChanges(siret: "19624401600008"), by: system)
            var draft: Invoice?
            try await count("draft the customer's invoice (its items priced)") {
                draft = try await lab.invoices.draft(
                    customerId: university, from: day, to: day, serviceCode: nil, commitmentNumber: nil, by: accountant)
            }
            try await count("issue it (number, chain, items, tariff versions)") { _ = try await lab.invoices.issue(draft!.id, by: accountant) }
            try await count("quota status") {
                _ = try await lab.quota.status(UUID(uuidString: "6f0b8d2e-0003-4000-8000-000000000001")!, year: day.year, by: managerActor)
            }
            // Lists that were read one by one (three statements per version, per agreement; one per staff member).
            var sizes: [String] = []
            try await count("list the tariff versions") { sizes.append("\(try await lab.tariffs.versions().count) tariff versions") }
            try await count("list the agreements") { sizes.append("\(try await lab.agreements.list(by: managerActor).count) agreements") }
            try await count("list the staff, with their weekly patterns") { sizes.append("\(try await lab.staffAvailability.staff().count) staff") }
            try await count("list the organisations, with their components") {
                sizes.append("\(try await lab.organisations.list(by: managerActor).count) organisations")
            }

            print("Round trips: statements sent to PostgreSQL by the domain (a transaction's BEGIN, actor and COMMIT included)")
            for (name, statements) in figures { print("  \(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(statements)") }
            print("  (\(listed) invoices, \(sizes.joined(separator: ", ")) listed; an API request adds its token's authentication)")
        }
    }
}
