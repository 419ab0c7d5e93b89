import Foundation

/// Rules of the support quota over loaded values: what a confirmation would use, and when the
/// quota runs out.
enum QuotaRules {
    /// What confirming a session does to the minutes left: before, after, and the minutes it
    /// takes beyond the quota. A confirmed session is already committed: it does not count twice.
    static func confirming(_ target: SupportSession, remaining before: Int) -> (before: Int, after: Int, over: Int) {
        using(target.status == .requested ? target.period.minutes : 0, remaining: before)
    }

    /// What committing `minutes` more does to what remains: before, after, and how far it goes
    /// beyond the quota that was not beyond it already.
    static func using(_ minutes: Int, remaining before: Int) -> (before: Int, after: Int, over: Int) {
        let after = before - minutes
        return (before, after, max(0, -after) - max(0, -before))
    }

    /// The forecast of a year still running (`nil` for a past year): already used up; else used up
    /// by the confirmed sessions ahead (the day one of them crosses the quota); else at the
    /// consumption rate of the last 90 days after those sessions; else not this year.
    static func forecast(_ balance: QuotaBalance, today: CalendarDate, consumedInLast90Days recent: Int, confirmed: [Period]) -> QuotaForecast? {
        guard balance.year >= today.year, let yearEnd = CalendarDate(year: balance.year, month: 12, day: 31) else { return nil }
        let rate = Double(recent) / 90
        if balance.remainingMinutes <= 0 {
            return QuotaForecast(method: .exhausted, runsOutOn: nil, recentRateMinutesPerDay: rate, explanation: "the quota is already used up")
        }
        var cumulative = balance.consumedMinutes
        var lastDay = today
        for period in confirmed {
            cumulative += period.minutes
            lastDay = max(lastDay, ParisClock.date(of: period.start))
            if cumulative >= balance.quotaMinutes {
                return QuotaForecast(
                    method: .committed, runsOutOn: ParisClock.date(of: period.start), recentRateMinutesPerDay: rate,
                    explanation: "the confirmed sessions reach the quota on that day")
            }
        }
        guard rate > 0 else {
            return QuotaForecast(
                method: .notThisYear, runsOutOn: nil, recentRateMinutesPerDay: 0,
                explanation: "no consumption in the last 90 days, and the confirmed sessions leave \(balance.quotaMinutes - cumulative) min")
        }
        let days = Int((Double(balance.quotaMinutes - cumulative) / rate).rounded(.up))
        let day = lastDay.adding(days: days)
        guard day <= yearEnd else {
            return QuotaForecast(
                method: .notThisYear, runsOutOn: nil, recentRateMinutesPerDay: rate,
                explanation: "at \(Int(rate.rounded())) min a day after the confirmed sessions, the quota lasts beyond the year")
        }
        return QuotaForecast(
            method: .recentRate, runsOutOn: day, recentRateMinutesPerDay: rate,
            explanation: "after the confirmed sessions, at the rate of the last 90 days (\(Int(rate.rounded())) min a day)")
    }
}
