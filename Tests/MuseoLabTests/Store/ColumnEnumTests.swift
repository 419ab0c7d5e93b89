import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Every text column the domain reads into an enum is held by a CHECK to exactly that enum's
/// cases, so reading a row can never meet a value without a case (`UnknownColumnValue`), and the
/// database refuses what the domain could not read back.
@Suite struct ColumnEnumTests {
    struct Column: CustomTestStringConvertible, Sendable {
        var table: String
        var column: String
        var cases: Set<String>
        var testDescription: String { "\(table).\(column)" }

        init<E: CaseIterable & RawRepresentable>(_ table: String, _ column: String, _: E.Type) where E.RawValue == String {
            (self.table, self.column, cases) = (table, column, Set(E.allCases.map(\.rawValue)))
        }
    }

    static let columns: [Column] = [
        Column("users", "role", Role.self),
        Column("machines", "status", MachineStatus.self),
        Column("organisation_components", "kind", OrganisationComponent.Kind.self),
        Column("support_sessions", "status", SessionStatus.self),
        Column("session_events", "from_status", SessionStatus.self),
        Column("session_events", "to_status", SessionStatus.self),
        Column("quota_ledger", "kind", QuotaLedgerEntry.Kind.self),
        Column("quota_alerts", "kind", QuotaAlert.Kind.self),
        Column("alert_recipients", "channel", AlertRecipient.Channel.self),
        Column("outbox_messages", "channel", AlertRecipient.Channel.self),
        Column("overage_items", "status", OverageItem.Status.self),
        Column("room_bookings", "status", RoomBooking.Status.self),
        Column("room_bookings", "charge", RoomBooking.Charge.self),
        Column("room_booking_events", "from_status", RoomBooking.Status.self),
        Column("room_booking_events", "to_status", RoomBooking.Status.self),
        Column("billable_items", "kind", BillableItem.Kind.self),
        Column("billable_items", "status", BillableItem.Status.self),
        Column("tariff_items", "unit", TariffItem.Unit.self),
        Column("tariff_items", "applies_to", TariffItem.Scope.self),
        Column("invoice_lines", "unit", TariffItem.Unit.self),
        Column("invoices", "kind", Invoice.Kind.self),
        Column("invoices", "status", Invoice.Status.self),
    ]

    /// The values each single-column `IN (…)` CHECK allows, by "table.column".
    static func checks(_ t: TestLab) async throws -> [String: Set<String>] {
        try await t.lab.database.read { session in
            var found: [String: Set<String>] = [:]
            for row in try await session.rows(
                """
                SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS column_name, pg_get_constraintdef(c.oid) AS definition
                FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'c' AND cardinality(c.conkey) = 1 AND pg_get_constraintdef(c.oid) LIKE '%ANY (ARRAY[%'
                """)
            {
                let r = row.makeRandomAccess()
                let definition: String = try r.value("definition")
                let values = definition.matches(of: /'([^']*)'::text/).map { String($0.1) }
                found["\(try r.value("table_name", as: String.self)).\(try r.value("column_name", as: String.self))"] = Set(values)
            }
            return found
        }
    }

    @Test func everyEnumColumnIsCheckedToItsCases() async throws {
        try await TestLab.with { t in
            let checks = try await Self.checks(t)
            for column in Self.columns {
                guard let allowed = checks["\(column.table).\(column.column)"] else {
                    Issue.record("\(column.testDescription) has no CHECK of its values")
                    continue
                }
                #expect(allowed == column.cases, "\(column.testDescription): the CHECK allows \(allowed.sorted()), the domain has \(column.cases.sorted())")
            }
        }
    }

    @Test func aValueWithoutACaseIsAnErrorNamingTheColumn() throws {
        #expect(try RoomBooking.Status.reading("accepted", column: "status") == .accepted)
        let error = try #require(throws: UnknownColumnValue.self) { try RoomBooking.Status.reading("maybe", column: "room_bookings.status") }
        #expect(error.description == "column room_bookings.status holds \"maybe\", which Status has no case for")
        #expect(throws: UnknownColumnValue.self) { try CalendarDate.reading("2026-02-30", column: "service_date") }
    }
}
