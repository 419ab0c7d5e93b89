/// French business identifiers: SIREN (9 digits, the company) and SIRET (14 digits,
/// an establishment: SIREN + 5). Both carry a Luhn check digit, except La Poste's
/// establishments, whose digits sum to a multiple of 5. The database checks the same.
public enum BusinessIdentifier {
    /// Removes the spaces people write (`196 244 016`), then checks the SIREN.
    public static func siren(_ text: String, field: String = "siren") throws -> String {
        let digits = text.filter { !$0.isWhitespace }
        guard digits.count == 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Problem.invalid(field, "a SIREN is 9 digits, not \"\(text)\"")
        }
        guard luhn(digits) else { throw Problem.invalid(field, "\(digits) is not a valid SIREN (check digit)") }
        return digits
    }

    public static func siret(_ text: String, field: String = "siret") throws -> String {
        let digits = text.filter { !$0.isWhitespace }
        guard digits.count == 14, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Problem.invalid(field, "a SIRET is 14 digits, not \"\(text)\"")
        }
        let valid = digits.hasPrefix("356000000") ? digits.compactMap(\.wholeNumberValue).reduce(0, +) % 5 == 0 : luhn(digits)
        guard valid else { throw Problem.invalid(field, "\(digits) is not a valid SIRET (check digit)") }
        return digits
    }

    static func luhn(_ digits: String) -> Bool {
        var total = 0
        for (position, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue else { return false }
            if position % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            total += digit
        }
        return total % 10 == 0
    }
}
