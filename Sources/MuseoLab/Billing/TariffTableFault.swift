/// Why a tariff table (the TSV a new grid version is loaded from) is refused, as facts: the line,
/// the cell's value, what was expected. Each front end says it in its own words; `detail` is the
/// English one the API and the CLI give.
public enum TariffTableFault: Sendable, Equatable {
    /// The header line does not start with the fixed columns, or names no customer category.
    case header(expected: [String])
    case cellCount(line: Int, found: Int, expected: Int)
    case code(line: Int, value: String)
    case duplicateCode(line: Int, code: String)
    /// The label is empty, longer than 200 characters or holds control characters.
    case label(line: Int)
    case unit(line: Int, value: String)
    case scope(line: Int, value: String)
    case price(line: Int, value: String, category: String)
    case exemptionWithoutMention(line: Int)
    case vat(line: Int, value: String)
    case noItem
    case unknownCategory(String, known: [String])

    /// The line the fault is on, counted from 1 as a spreadsheet shows it (blank and `#` lines included).
    public var line: Int? {
        switch self {
        case .cellCount(let line, _, _), .code(let line, _), .duplicateCode(let line, _), .label(let line), .unit(let line, _),
            .scope(let line, _), .price(let line, _, _), .exemptionWithoutMention(let line), .vat(let line, _):
            line
        case .header, .noItem, .unknownCategory: nil
        }
    }

    public var detail: String {
        switch self {
        case .header(let expected): "the first line must be: \(expected.joined(separator: " TAB ")) TAB <category>…"
        case .cellCount(let line, let found, let expected): "line \(line): \(found) cells, \(expected) expected"
        case .code(let line, let value): "line \(line): the code \"\(value)\" is not lower-case words joined by '-' (e.g. laser-cutter)"
        case .duplicateCode(let line, let code): "line \(line): the code \(code) appears twice"
        case .label(let line): "line \(line): the label must be 1 to 200 characters, without control characters"
        case .unit(let line, let value): "line \(line): unit \"\(value)\" is not \(TariffItem.Unit.allCases.map(\.rawValue).joined(separator: ", "))"
        case .scope(let line, let value):
            "line \(line): applies_to \"\(value)\" is not one of \(TariffItem.Scope.allCases.map(\.rawValue).joined(separator: ", "))"
        case .price(let line, let value, let category): "line \(line): \"\(value)\" is not a price for \(category)"
        case .exemptionWithoutMention(let line): "line \(line): an exemption states its legal mention"
        case .vat(let line, let value): "line \(line): VAT \"\(value)\" is neither a rate like 20% nor \"exempt: <mention>\""
        case .noItem: "the grid has no item"
        case .unknownCategory(let category, let known): "\(category) is not a customer category (known: \(known.joined(separator: ", ")))"
        }
    }
}

/// An item of a tariff table with the line it is on (counted as `TariffTableFault.line` is).
public struct TariffTableLine: Sendable {
    public var line: Int
    public var item: TariffItem
}

extension Problem {
    /// The refusal of a tariff table, at the field `table`.
    static func tariffTable(_ fault: TariffTableFault) -> Problem {
        var problem = Problem.invalid("table", fault.detail)
        problem.fault = .tariffTable(fault)
        return problem
    }
}
