import Foundation

/// Instants inside aggregated rows (`json_agg`), which carry no type: written as PostgreSQL
/// counts them, microseconds since 2000-01-01 UTC, and read back to the very `Date` PostgresNIO
/// decodes from a `timestamptz` column.
enum PostgresMicroseconds {
    /// 2000-01-01T00:00:00Z, from which PostgreSQL counts its microseconds.
    static let epoch = Date(timeIntervalSince1970: 946_684_800)

    /// The SQL that writes a `timestamptz` expression as that count.
    static func sql(_ expression: String) -> String {
        "(extract(epoch FROM \(expression) - timestamptz '2000-01-01 00:00:00+00') * 1000000)::bigint"
    }

    /// The instant of such a count.
    static func instant(_ microseconds: Int64) -> Date {
        Date(timeInterval: Double(microseconds) / 1_000_000, since: epoch)
    }
}
