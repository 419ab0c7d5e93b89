import Foundation
import Testing
@testable import MuseoLab
@testable import MuseoLabWeb

/// What the console's pages compute from loaded values, without a database: the quota's chart
/// from ledger lines, a block's place on the planner's timeline, a week's ranges, an upload.
@Suite struct ConsoleRulesTests {
    static func entry(_ id: Int64, _ day: String, committed: Int, consumed: Int) -> QuotaLedgerEntry {
        QuotaLedgerEntry(
            id: id, agreementId: TestLab.agreement, year: 2026, kind: .adjustment, sessionId: nil, sessionReference: nil,
            committedMinutes: committed, consumedMinutes: consumed, reason: nil, actor: "tests", recordedAt: Days.at(CalendarDate(day)!, "12:00"))
    }

    @Test func theBurnDownSumsTheLedgerDayByDay() {
        let burnDown = QuotaBurnDown.of([
            Self.entry(3, "2026-03-02", committed: -120, consumed: 150),
            Self.entry(1, "2026-03-01", committed: 120, consumed: 0),
            Self.entry(2, "2026-03-01", committed: 60, consumed: 0),
        ], year: 2026, quotaMinutes: 24_000)
        #expect(burnDown.steps == [
            .init(date: CalendarDate("2026-03-01")!, consumedMinutes: 0, projectedMinutes: 180),
            .init(date: CalendarDate("2026-03-02")!, consumedMinutes: 150, projectedMinutes: 210),
        ])
    }

    @Test func theChartDrawsWhatTheFiguresSay() {
        let burnDown = QuotaBurnDown.of([Self.entry(1, "2026-06-30", committed: 0, consumed: 12_000)], year: 2026, quotaMinutes: 24_000)
        let chart = BurnDownChart(burnDown, thresholds: [75, 90], today: CalendarDate("2026-12-02")!, forecast: CalendarDate("2027-02-01")!)
        let last = chart.consumedPoints.split(separator: " ").last!.split(separator: ",").map { Int($0)! }
        let quota = chart.thresholds.first { $0.strong }!
        // Half the quota is drawn half as high as the quota's line.
        let drawn = Double(BurnDownChart.bottom - last[1]) / Double(BurnDownChart.bottom - quota.y)
        #expect(abs(drawn - 0.5) < 0.01)
        #expect(chart.thresholds.map(\.label) == ["75 % (300\u{00A0}h)", "90 % (360\u{00A0}h)", "100 % (400\u{00A0}h)"])
        // The line runs to today, not to the year's end; today is marked; a forecast of next year is not.
        #expect(last[0] == chart.todayMarker?.x)
        #expect(chart.forecastMarker == nil)
        #expect(chart.summary.contains("200\u{00A0}h consommées"))
    }

    @Test func aBlockSitsOnItsQuarterHours() {
        let day = CalendarDate("2027-01-12")!
        #expect(PlannerPage.placement(Days.period(day, "10:00", "12:00")) == "at-13 span-8")
        #expect(PlannerPage.placement(Days.period(day, "06:00", "07:30")) == "at-1 span-2", "before 07:00, from the start of the timeline")
        #expect(PlannerPage.placement(Days.period(day, "20:00", "23:00")) == "at-53 span-4", "after 21:00, to its end")
    }

    @Test func aWeekdaysRangesAreReadOrRefusedByName() throws {
        let ranges = try WeeklyInterval.ranges("09:00-12:30, 13:30-18:00", on: .tuesday, field: "horaires-2")
        #expect(ranges == [
            WeeklyInterval(weekday: .tuesday, start: LocalTime("09:00")!, end: LocalTime("12:30")!),
            WeeklyInterval(weekday: .tuesday, start: LocalTime("13:30")!, end: LocalTime("18:00")!),
        ])
        #expect(try WeeklyInterval.ranges("", on: .sunday, field: "horaires-7").isEmpty, "nothing: closed")
        #expect { try WeeklyInterval.ranges("9h-12h", on: .monday, field: "horaires-1") } throws: { ($0 as? Problem)?.field == "horaires-1" }
    }

    @Test func anUploadIsReadFieldByField() throws {
        let body = "--b\r\nContent-Disposition: form-data; name=\"annee\"\r\n\r\n2027\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"annexe\"; filename=\"annexe.tsv\"\r\nContent-Type: text/plain\r\n\r\nN°\tNature\r\n1\tFraiseuse\r\n"
            + "--b--\r\n"
        let form = try #require(MultipartForm.parse(Data(body.utf8), boundary: "b"))
        #expect(form.fields == ["annee": "2027"])
        #expect(form.files["annexe"]?.filename == "annexe.tsv")
        #expect(form.files["annexe"].map { String(decoding: $0.data, as: UTF8.self) } == "N°\tNature\r\n1\tFraiseuse")
        #expect(MultipartForm.parse(Data("no boundary here".utf8), boundary: "b") == nil)
    }
}
