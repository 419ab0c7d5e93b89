import Foundation
import Logging
import MuseoLab
#if canImport(Glibc)
import Glibc
#endif

/// One JSON object per line on standard error: time, level, message, label and
/// metadata (the request id among them), for log collectors.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            fields[key == "hb.request.id" ? "request_id" : key] = "\(value)"
        }
        fields["time"] = Self.timestamp(Date())
        fields["level"] = event.level.rawValue
        fields["message"] = "\(event.message)"
        fields["logger"] = label
        var line = Self.line(fields)
        line.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let count = Glibc.write(2, bytes.baseAddress! + written, bytes.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                written += count
            }
        }
    }

    /// The fields as one JSON object on a line, keys in order: written by hand, since the server
    /// writes one such line per request (`JSONSerialization` bridged every value).
    static func line(_ fields: [String: String]) -> String {
        var line = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            line += quoted(key) + ":" + quoted(fields[key]!)
        }
        return line + "}\n"
    }

    /// A JSON string: quotes, backslashes and control characters escaped (slashes are not).
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                output += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// `2026-12-07T22:13:45.123Z`, in UTC, to the millisecond.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Int((Double(milliseconds) / 1000).rounded(.down))
        let t = CalendarDate.civil(seconds: seconds)
        return "\(zeroPadded(t.year, width: 4))-\(zeroPadded(t.month, width: 2))-\(zeroPadded(t.day, width: 2))"
            + "T\(zeroPadded(t.hour, width: 2)):\(zeroPadded(t.minute, width: 2)):\(zeroPadded(t.second, width: 2))"
            + ".\(zeroPadded(milliseconds - seconds * 1000, width: 3))Z"
    }
}

/// Any log handler, with secrets taken out of every message and metadata value first
/// (`SecretRedaction`): tokens, cookies, sign-in links, tickets and feed secrets never reach a log.
public struct RedactingLogHandler<Upstream: LogHandler>: LogHandler {
    var upstream: Upstream

    public init(_ upstream: Upstream) {
        self.upstream = upstream
    }

    public var logLevel: Logger.Level {
        get { upstream.logLevel }
        set { upstream.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { upstream.metadata }
        set { upstream.metadata = newValue.mapValues(Self.redact) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { upstream[metadataKey: key] }
        set { upstream[metadataKey: key] = newValue.map(Self.redact) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(SecretRedaction.redact(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.redact)
        if let error = event.error {
            event.metadata = (event.metadata ?? [:]).merging(["error": .string(SecretRedaction.redact(String(reflecting: error)))]) { old, _ in old }
            event.error = nil
        }
        upstream.log(event: event)
    }

    static func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(SecretRedaction.redact(text))
        case .stringConvertible(let convertible): .string(SecretRedaction.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}
