/// The usage report as a CSV for French spreadsheets: `;` separator, decimal comma,
/// UTF-8 with a byte-order mark, hours with two decimals.
public enum UsageCSV {
    public static func render(_ lines: [UsageLine], grouping: UsageGrouping) -> String {
        let header = [grouping.rawValue, "libellé", "heures consommées", "heures engagées", "séances"]
        let rows = lines.map { line in
            [line.key, line.label, hours(line.consumedMinutes), hours(line.committedMinutes), String(line.sessions)]
        }
        return "\u{FEFF}" + ([header] + rows).map { $0.map(field).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Exact hours from minutes, two decimals, decimal comma: 90 → "1,50".
    public static func hours(_ minutes: Int) -> String {
        let sign = minutes < 0 ? "-" : ""
        let hundredths = (abs(minutes) * 100 + 30) / 60
        return "\(sign)\(hundredths / 100),\(String(format: "%02d", hundredths % 100))"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
