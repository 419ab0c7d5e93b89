import Foundation
import Synchronization

/// Request counts and latencies per route, kept in memory and written in the Prometheus
/// text format (`GET /metrics`), with whatever gauges the caller adds at scrape time.
public final class MetricsRegistry: Sendable {
    /// Latency buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    struct Histogram {
        var counts = [Int](repeating: 0, count: MetricsRegistry.buckets.count)
        var sum = 0.0
        var total = 0
    }

    struct State {
        var requests: [RouteKey: [Int: Int]] = [:]
        var latency: [RouteKey: Histogram] = [:]
    }

    private let state = Mutex(State())
    let started = Date()

    public init() {}

    func record(method: String, route: String, status: Int, seconds: Double) {
        let key = RouteKey(method: method, route: route)
        state.withLock { state in
            state.requests[key, default: [:]][status, default: 0] += 1
            var histogram = state.latency[key] ?? Histogram()
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.total += 1
            state.latency[key] = histogram
        }
    }

    /// One gauge with its labelled values.
    public struct Gauge: Sendable {
        public var name: String
        public var help: String
        public var values: [(labels: [(String, String)], value: Double)]

        public init(name: String, help: String, values: [(labels: [(String, String)], value: Double)]) {
            self.name = name
            self.help = help
            self.values = values
        }
    }

    /// The exposition text: the request metrics, then the gauges given.
    func render(gauges: [Gauge]) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines += ["# HELP museolab_http_requests_total HTTP requests answered, by route template, method and status.",
                  "# TYPE museolab_http_requests_total counter"]
        for key in snapshot.requests.keys.sorted(by: { ($0.route, $0.method) < ($1.route, $1.method) }) {
            for (status, count) in snapshot.requests[key]!.sorted(by: { $0.key < $1.key }) {
                let labels = Self.labels([("method", key.method), ("route", key.route), ("status", String(status))])
                lines.append("museolab_http_requests_total{\(labels)} \(count)")
            }
        }
        lines += ["# HELP museolab_http_request_duration_seconds Time to answer, by route template and method.",
                  "# TYPE museolab_http_request_duration_seconds histogram"]
        for key in snapshot.latency.keys.sorted(by: { ($0.route, $0.method) < ($1.route, $1.method) }) {
            let histogram = snapshot.latency[key]!
            let base = [("method", key.method), ("route", key.route)]
            for (index, bound) in Self.buckets.enumerated() {
                let labels = Self.labels(base + [("le", Self.number(bound))])
                lines.append("museolab_http_request_duration_seconds_bucket{\(labels)} \(histogram.counts[index])")
            }
            let all = Self.labels(base + [("le", "+Inf")])
            lines.append("museolab_http_request_duration_seconds_bucket{\(all)} \(histogram.total)")
            lines.append("museolab_http_request_duration_seconds_sum{\(Self.labels(base))} \(Self.number(histogram.sum))")
            lines.append("museolab_http_request_duration_seconds_count{\(Self.labels(base))} \(histogram.total)")
        }
        for gauge in gauges {
            lines += ["# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge"]
            for value in gauge.values {
                let labels = value.labels.isEmpty ? "" : "{\(Self.labels(value.labels))}"
                lines.append("\(gauge.name)\(labels) \(Self.number(value.value))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func labels(_ pairs: [(String, String)]) -> String {
        pairs.map { name, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(name)=\"\(escaped)\""
        }.joined(separator: ",")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
