/// Takes out of a text bound for a log whatever gives access to an account.
///
/// Every secret the service issues has the shape `ml<kind>_` and 20 or more base64url
/// characters (`mlab_…` API tokens, `mlcal_…` calendar feeds; sign-in links, session cookies and
/// CSRF tokens follow the same convention), so it is recognised wherever it appears: a path, a
/// query, a header, an error's description. What others issue is recognised by where it sits:
/// after `Bearer`, in a `Cookie` or `Set-Cookie` header, as a `ticket=` (CAS) or `token=` query
/// parameter. The first characters of one of ours are kept (`mlab_…`), like a token's prefix.
///
/// The logging front ends run every message and metadata value through this; the code logs no
/// request or header in the first place. A byte scan, cheap enough for the one line per request.
public enum SecretRedaction {
    public static let mark = "…"

    public static func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if let end = ownSecret(bytes, at: index) {
                // Keep `ml<kind>_`, drop the rest.
                var prefix = index
                while bytes[prefix] != UInt8(ascii: "_") { prefix += 1 }
                output.append(contentsOf: bytes[index...prefix])
                output.append(contentsOf: Array(mark.utf8))
                index = end
                changed = true
                continue
            }
            if let (valueStart, valueEnd) = labelledSecret(bytes, at: index) {
                output.append(contentsOf: bytes[index..<valueStart])
                output.append(contentsOf: Array(mark.utf8))
                index = valueEnd
                changed = true
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// `ml` + 1 to 10 lower-case letters + `_` + at least 20 base64url characters, starting a
    /// word: the end of the secret.
    static func ownSecret(_ bytes: [UInt8], at start: Int) -> Int? {
        guard start + 4 < bytes.count, bytes[start] == UInt8(ascii: "m"), bytes[start + 1] == UInt8(ascii: "l") else { return nil }
        if start > 0, isLetterOrDigit(bytes[start - 1]) { return nil }
        var index = start + 2
        while index < bytes.count, index - start - 2 < 10, bytes[index] >= 0x61, bytes[index] <= 0x7A { index += 1 }
        guard index > start + 2, index < bytes.count, bytes[index] == UInt8(ascii: "_") else { return nil }
        let secretStart = index + 1
        index = secretStart
        while index < bytes.count, isBase64URL(bytes[index]) { index += 1 }
        return index - secretStart >= 20 ? index : nil
    }

    /// Labels after which a credential follows, and the bytes that end it.
    static let labels: [(label: [UInt8], ends: Set<UInt8>)] = {
        let token: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x2C, 0x3B, 0x26, 0x5D, 0x29, 0x5C]  // space tab LF CR " ' , ; & ] ) \
        let header: Set<UInt8> = [0x0A, 0x0D, 0x22, 0x5D, 0x5C]  // a whole header value: to the end of the line, a quote or ]
        return [
            ("bearer ", token), ("ticket=", token), ("token=", token), ("secret=", token),
            ("cookie: ", header), ("cookie=", header), ("set-cookie: ", header), ("authorization: ", header),
        ].map { (Array($0.0.utf8), $0.1) }
    }()

    /// Where the value after a label starts and ends, when a label starts here (case-insensitive).
    static func labelledSecret(_ bytes: [UInt8], at start: Int) -> (Int, Int)? {
        for (label, ends) in labels where start + label.count < bytes.count {
            var matches = true
            for (offset, expected) in label.enumerated() {
                var byte = bytes[start + offset]
                if byte >= 0x41, byte <= 0x5A { byte += 0x20 }
                if byte != expected { matches = false; break }
            }
            guard matches else { continue }
            if start > 0, isLetterOrDigit(bytes[start - 1]) { continue }
            let valueStart = start + label.count
            var valueEnd = valueStart
            while valueEnd < bytes.count, !ends.contains(bytes[valueEnd]) { valueEnd += 1 }
            if valueEnd > valueStart { return (valueStart, valueEnd) }
        }
        return nil
    }
}
