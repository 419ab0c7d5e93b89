import Foundation
import MuseoLab

/// The quota's year drawn as SVG by the server: hours consumed, and consumed plus committed,
/// step by step from the ledger, against the quota and its alert thresholds, with today and the
/// forecast date. Coordinates are whole SVG units of a 720 × 320 drawing.
struct BurnDownChart: Sendable {
    var width = 720
    var height = 320
    var consumedPoints: String
    var projectedPoints: String
    var thresholds: [Line]
    var months: [Tick]
    var levels: [Tick]
    /// Named apart from the page's own `today`/`forecast`: Mustache would read those when these are absent.
    var todayMarker: Marker?
    var forecastMarker: Marker?
    /// The chart said in words (its `<desc>`).
    var summary: String
    /// The plot's frame.
    var left = Self.left
    var right = Self.right
    var top = Self.top
    var bottom = Self.bottom

    struct Line: Sendable {
        var y: Int
        var label: String
        var labelY: Int
        var strong: Bool
    }

    struct Tick: Sendable {
        var position: Int
        var label: String
    }

    struct Marker: Sendable {
        var x: Int
        var label: String
        var labelX: Int
        /// `end` when the label sits left of its line (near the year's end).
        var anchor: String
    }

    static let left = 64, right = 700, top = 16, bottom = 280

    init(_ burnDown: QuotaBurnDown, thresholds: [Int], today: CalendarDate, forecast: CalendarDate?) {
        let year = burnDown.year
        let first = CalendarDate(year: year, month: 1, day: 1)!
        let days = first.days(until: CalendarDate(year: year + 1, month: 1, day: 1)!)
        let quota = max(burnDown.quotaMinutes, 1)
        let highest = max(quota * 11 / 10, (burnDown.steps.map(\.projectedMinutes).max() ?? 0) * 21 / 20)
        func x(_ date: CalendarDate) -> Int {
            let offset = min(max(first.days(until: date), 0), days)
            return Self.left + (Self.right - Self.left) * offset / days
        }
        func y(_ minutes: Int) -> Int {
            Self.bottom - (Self.bottom - Self.top) * min(max(minutes, 0), highest) / highest
        }
        // Steps: flat until the day something moved, then up (or down) to the new sum.
        let end = today.year == year ? today : (today.year > year ? CalendarDate(year: year, month: 12, day: 31)! : first)
        func points(_ value: (QuotaBurnDown.Step) -> Int) -> String {
            var points = [(x(first), y(0))]
            var last = 0
            for step in burnDown.steps {
                points.append((x(step.date), y(last)))
                last = value(step)
                points.append((x(step.date), y(last)))
            }
            points.append((x(max(end, burnDown.steps.last?.date ?? first)), y(last)))
            return points.map { "\($0.0),\($0.1)" }.joined(separator: " ")
        }
        consumedPoints = points(\.consumedMinutes)
        projectedPoints = points(\.projectedMinutes)
        self.thresholds = (Set(thresholds + [100])).sorted().map { percent in
            let level = y(quota * percent / 100)
            return Line(
                y: level, label: "\(percent) % (\(French.hours(minutes: quota * percent / 100)))", labelY: level - 4, strong: percent == 100)
        }
        months = (1...12).map { month in
            Tick(position: x(CalendarDate(year: year, month: month, day: 1)!) + 4, label: French.shortMonths[month - 1])
        }
        let stepHours = max(50, (highest / 60 / 5 + 49) / 50 * 50)
        levels = stride(from: 0, through: highest / 60, by: stepHours).map { hours in Tick(position: y(hours * 60) + 4, label: "\(hours) h") }
        func marker(_ date: CalendarDate, _ label: String) -> Marker {
            let position = x(date)
            let left = position > Self.right - 120
            return Marker(x: position, label: label, labelX: left ? position - 4 : position + 4, anchor: left ? "end" : "start")
        }
        todayMarker = today.year == year ? marker(today, "Aujourd'hui") : nil
        forecastMarker = forecast.flatMap { date in date.year == year ? marker(date, "Épuisé le \(date.day)/\(date.month)") : nil }
        let last = burnDown.steps.last
        summary = "Année \(year) : \(French.hours(minutes: last?.consumedMinutes ?? 0)) consommées, "
            + "\(French.hours(minutes: last?.projectedMinutes ?? 0)) avec les séances confirmées à venir, "
            + "sur un quota de \(French.hours(minutes: burnDown.quotaMinutes))"
            + (forecast.map { ", épuisement prévu le \(French.day($0))" } ?? "") + "."
    }
}
