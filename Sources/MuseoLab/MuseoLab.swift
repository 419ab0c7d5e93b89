import Foundation
import Logging
import PostgresNIO

/// The MuséoLab domain: every business rule, over one PostgreSQL store.
/// The HTTP server and the admin CLI are thin front ends over this.
public struct MuseoLab: Sendable {
    public let database: Database
    /// The clock the booking rules read ("not in the past", "late cancellation").
    public let now: @Sendable () -> Date
    /// Prints the PDF of each document issued (none: documents cannot be issued).
    public let printer: (any InvoicePrinter)?
    /// Issues wait their turn here rather than holding a database connection (`IssuingTurns`).
    let issuingTurns = IssuingTurns()

    /// - Parameter connectionWait: how long a read or write waits for a database connection
    ///   before it is refused as `unavailable`.
    public init(
        client: PostgresClient, logger: Logger, connectionWait: Duration = Database.defaultConnectionWait,
        now: @escaping @Sendable () -> Date = Date.init, printer: (any InvoicePrinter)? = nil
    ) {
        self.database = Database(client: client, logger: logger, connectionWait: connectionWait)
        self.now = now
        self.printer = printer
    }

    public var inventory: Inventory { Inventory(database: database, now: now) }
    public var annexImporter: AnnexImporter { AnnexImporter(database: database) }
    public var organisations: Organisations { Organisations(database: database) }
    public var users: Users { Users(database: database) }
    public var tokens: AccessTokens { AccessTokens(database: database, now: now) }
    public var signIn: WebSignIn { WebSignIn(database: database, now: now) }
    public var audit: AuditTrail { AuditTrail(database: database) }
    public var calendar: FablabCalendar { FablabCalendar(database: database) }
    public var staffAvailability: StaffAvailability { StaffAvailability(database: database) }
    /// What follows each event of the domain (the quota ledger, billing, notifications).
    var events: DomainEvents { .standard(now: now) }
    public var sessions: Sessions { Sessions(database: database, now: now, events: events) }
    public var maintenance: MaintenanceWindows { MaintenanceWindows(database: database, events: events) }
    public var machineAvailability: MachineAvailability { MachineAvailability(database: database) }
    public var bookingSlots: BookingSlots { BookingSlots(database: database, now: now) }
    public var authorisations: MachineAuthorisations { MachineAuthorisations(database: database, now: now) }
    public var waitingList: WaitingList { WaitingList(database: database, now: now) }
    public var trainings: Trainings { Trainings(sessions: sessions, database: database, now: now) }
    public var sessionSeries: SessionSeries { SessionSeries(sessions: sessions, database: database, now: now) }
    public func reminders(hoursBefore: Int = 24, digestHour: Int = 7) -> SessionReminders {
        SessionReminders(database: database, now: now, hoursBefore: hoursBefore, digestHour: digestHour)
    }
    public var notifications: Notifications { Notifications(database: database) }
    public var calendarFeeds: CalendarFeeds { CalendarFeeds(database: database, now: now) }
    public var agreements: Agreements { Agreements(database: database, now: now) }
    public var quota: Quota { Quota(database: database, now: now) }
    public var alerts: QuotaAlerts { QuotaAlerts(database: database) }
    public var overage: Overage { Overage(database: database) }
    public var rooms: Rooms { Rooms(database: database) }
    public var roomBookings: RoomBookings { RoomBookings(database: database, now: now, events: events) }
    public var billableItems: BillableItems { BillableItems(database: database) }
    public var tariffs: TariffGrid { TariffGrid(database: database) }
    public var invoices: Invoices { Invoices(database: database, now: now, events: events, printer: printer, turns: issuingTurns) }
    public var accountingExport: AccountingExport { AccountingExport(database: database) }
    public var billingSettings: BillingSettings.Store { BillingSettings.Store(database: database) }

    /// Applies the migrations of `sql/migrations`.
    @discardableResult
    public func migrate(sqlFolder: URL) async throws -> Migrator.Report {
        let migrator = try Migrator(folder: sqlFolder.appendingPathComponent("migrations"), logger: database.logger)
        return try await migrator.migrate(database.client)
    }

    /// Loads the reference data and the shipped annexes (`sql/seed`).
    public func seeder(sqlFolder: URL) -> Seeder {
        Seeder(database: database, folder: sqlFolder.appendingPathComponent("seed"), now: now)
    }
}
