/// Splits a SQL file into statements, since PostgresNIO's extended protocol runs one
/// statement per query. Semicolons inside quotes, quoted identifiers, comments and
/// dollar-quoted bodies (`$$ ... $$`, `$tag$ ... $tag$`) do not split.
public enum SQLScript {
    public static func statements(_ script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty, !isOnlyComments(statement) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }

        while index < chars.count {
            let c = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil

            if c == "-", next == "-" {  // line comment
                while index < chars.count, chars[index] != "\n" {
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if c == "/", next == "*" {  // block comment, which may nest
                var depth = 0
                repeat {
                    if chars[index] == "/", index + 1 < chars.count, chars[index + 1] == "*" {
                        depth += 1
                        current.append(contentsOf: [chars[index], chars[index + 1]])
                        index += 2
                    } else if chars[index] == "*", index + 1 < chars.count, chars[index + 1] == "/" {
                        depth -= 1
                        current.append(contentsOf: [chars[index], chars[index + 1]])
                        index += 2
                    } else {
                        current.append(chars[index])
                        index += 1
                    }
                } while depth > 0 && index < chars.count
                continue
            }
            if c == "'" || c == "\"" {  // string or quoted identifier; a doubled quote escapes
                let backslashEscapes = c == "'" && index > 0 && (chars[index - 1] == "E" || chars[index - 1] == "e")
                current.append(c)
                index += 1
                while index < chars.count {
                    let d = chars[index]
                    current.append(d)
                    index += 1
                    if backslashEscapes, d == "\\", index < chars.count {
                        current.append(chars[index])
                        index += 1
                    } else if d == c {
                        if index < chars.count, chars[index] == c {
                            current.append(chars[index])
                            index += 1
                        } else {
                            break
                        }
                    }
                }
                continue
            }
            if c == "$", let tag = dollarTag(chars, at: index) {  // dollar-quoted body
                current.append(contentsOf: tag)
                index += tag.count
                while index < chars.count {
                    if chars[index] == "$", Array(chars[index..<min(index + tag.count, chars.count)]) == tag {
                        current.append(contentsOf: tag)
                        index += tag.count
                        break
                    }
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if c == ";" {
                flush()
                index += 1
                continue
            }
            current.append(c)
            index += 1
        }
        flush()
        return statements
    }

    /// `$$` or `$tag$` starting at `index` (a tag is an identifier, not a `$1` parameter).
    private static func dollarTag(_ chars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < chars.count, chars[end] != "$" {
            let scalar = chars[end]
            let isIdentifier = scalar == "_" || scalar.properties.isAlphabetic || (end > index + 1 && ("0"..."9").contains(scalar))
            guard isIdentifier else { return nil }
            end += 1
        }
        guard end < chars.count else { return nil }
        return Array(chars[index...end])
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return line.isEmpty || line.hasPrefix("--")
        }
    }
}
