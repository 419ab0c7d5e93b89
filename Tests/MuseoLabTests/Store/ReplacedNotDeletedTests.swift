import Foundation
import PostgresNIO
import Testing
@testable import MuseoLab

/// Configuration replaced as a whole (opening hours, a staff member's weekly pattern, the items
/// of a tariff version not yet locked) keeps its old rows, marked replaced: nothing is deleted,
/// and the database refuses a deletion even to the tables' owner.
@Suite struct ReplacedNotDeletedTests {
    @Test func replacedOpeningHoursAndWeeklyPatternsStayMarked() async throws {
        try await TestLab.with { t in
            let manager = t.people.manager.actor
            let seeded = try await t.count("SELECT count(*) FROM opening_hours")
            #expect(seeded == 5)
            let monday = [WeeklyInterval(weekday: Weekday(rawValue: 1)!, start: LocalTime("10:00")!, end: LocalTime("17:00")!)]
            #expect(try await t.lab.calendar.setOpeningHours(monday, by: manager) == monday)
            // The same hours twice: the overlap constraint holds among the hours in force only.
            #expect(try await t.lab.calendar.setOpeningHours(monday, by: manager) == monday)
            #expect(try await t.lab.calendar.openingHours() == monday)
            #expect(try await t.count("SELECT count(*) FROM opening_hours") == seeded + 2)
            #expect(try await t.count("SELECT count(*) FROM opening_hours WHERE replaced_at IS NULL") == 1)

            try await t.managerAvailableOnWeekdays()
            try await t.managerAvailableOnWeekdays()
            let staff = t.people.manager.user.id.uuidString
            #expect(try await t.lab.staffAvailability.weekly(t.people.manager.user.id).count == 5)
            #expect(try await t.count("SELECT count(*) FROM staff_weekly_availability WHERE staff_user_id = '\(unescaped: staff)'") == 10)
        }
    }

    @Test func aReloadedTariffVersionWithdrawsItsItemsAndKeepsThem() async throws {
        try await TestLab.with { t in
            let accountant = t.people.accountant.actor
            func grid(_ price: String) -> String {
                """
                code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tfounder_member\tpartner
                catalogue\tCatalogue d'exposition\tunit\tconsumable\t\t\t5,5%\t\(price)\t\(price)
                """
            }
            let first = try await t.lab.tariffs.load(grid("15,00"), effectiveFrom: CalendarDate("2027-01-01")!, label: nil, by: accountant)
            let second = try await t.lab.tariffs.load(grid("16,00"), effectiveFrom: CalendarDate("2027-01-01")!, label: nil, by: accountant)
            #expect(second.id == first.id, "an unlocked version is replaced in place")
            #expect(second.items.map(\.code) == ["catalogue"])
            #expect(second.items.first?.prices.values.sorted() == [1600, 1600])
            let version = first.id.uuidString
            #expect(try await t.count("SELECT count(*) FROM tariff_items WHERE version_id = '\(unescaped: version)'") == 2)
            #expect(try await t.count("SELECT count(*) FROM tariff_items WHERE version_id = '\(unescaped: version)' AND withdrawn_at IS NOT NULL") == 1)
        }
    }

    @Test func theDatabaseRefusesToDeleteOrReviveReplacedRows() async throws {
        try await TestLab.with { t in
            _ = try await t.lab.calendar.setOpeningHours([], by: t.people.manager.actor)
            // The service's role holds no right to delete.
            for table in ["opening_hours", "staff_weekly_availability", "tariff_items", "tariff_prices"] {
                let refusal = await #expect(throws: PSQLError.self, "\(table)") {
                    try await t.lab.database.write(as: t.people.admin.actor, action: "tests") {
                        try await $0.execute(PostgresQueryLiteral("DELETE FROM \(table)").query)
                    }
                }
                #expect(refusal?.serverInfo?[.sqlState] == "42501", "\(table)")
            }
            // Nor, by trigger, does the owner; a replaced row is not brought back nor changed.
            for statement in [
                "DELETE FROM opening_hours",
                "DELETE FROM tariff_prices",
                "UPDATE opening_hours SET replaced_at = NULL",
                "UPDATE opening_hours SET closes_at = '23:00'",
                "UPDATE tariff_items SET label = 'autre'",
            ] {
                let refusal = await #expect(throws: Problem.self, "\(statement)") { try await t.rawSQL(statement) }
                #expect(refusal?.detail.contains("never deleted") == true || refusal?.detail.contains("only change by being marked") == true,
                        "\(statement): \(String(describing: refusal))")
            }
            #expect(try await t.count("SELECT count(*) FROM opening_hours") == 5)
        }
    }
}
