/// Money is integer cents; rates are basis points. These format and parse them the French way.
public enum Money {
    /// `1234567` → `12 345,67` (two decimals, decimal comma, thin grouping left out for CSVs).
    public static func decimal(_ cents: Int, places: Int = 2) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        var divisor = 1
        for _ in 0..<places { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        return "\(sign)\(magnitude / divisor),\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }

    /// `12,5` or `12.50` → 1250; `12` → 1200. More than two decimals is refused.
    public static func parseCents(_ text: String) -> Int? {
        let cleaned = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: ",", with: ".")
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let units = Int(parts[0]), parts[0].allSatisfy({ $0.isNumber || $0 == "-" }) else { return nil }
        var cents = abs(units) * 100
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isNumber), let value = Int(fraction) else { return nil }
            cents += fraction.count == 1 ? value * 10 : value
        }
        return parts[0].hasPrefix("-") ? -cents : cents
    }

    /// `amount × numerator / denominator`, rounded half away from zero, in integers.
    public static func multiply(_ amount: Int, by numerator: Int, over denominator: Int) -> Int {
        let product = amount * numerator
        let quotient = product / denominator, remainder = product % denominator
        if abs(remainder) * 2 >= denominator { return quotient + (product >= 0 ? 1 : -1) }
        return quotient
    }

    /// `1500` thousandths → `1,5`; `1000` → `1`.
    public static func quantity(_ milli: Int) -> String {
        let text = decimal(milli, places: 3)
        var trimmed = text
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(",") { trimmed.removeLast() }
        return trimmed
    }

    /// A rate in basis points as a French percentage without useless zeros: 2000 → `20`, 550 → `5,5`, 1215 → `12,15`.
    public static func percent(_ basisPoints: Int) -> String {
        var text = decimal(basisPoints)
        while text.hasSuffix("0"), text.contains(",") { text.removeLast() }
        if text.hasSuffix(",") { text.removeLast() }
        return text
    }
}
