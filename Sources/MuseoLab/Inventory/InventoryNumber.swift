/// The university's inventory number: the asset's identity. Leading zeros are not
/// significant (`012547` is `12547`).
public enum InventoryNumber {
    /// The normalised number, or `nil` if the text cannot be one.
    public static func normalise(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let withoutZeros = String(trimmed.drop(while: { $0 == "0" }))
        guard let first = withoutZeros.first, first.isASCII, first.isLetter || first.isNumber,
            withoutZeros.count <= 40,
            withoutZeros.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-/".contains($0)) })
        else { return nil }
        return withoutZeros
    }
}
