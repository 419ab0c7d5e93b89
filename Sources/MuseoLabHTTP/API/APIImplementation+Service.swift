import Foundation
import MuseoLab
import MuseoLabAPI
import OpenAPIRuntime

extension APIImplementation {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        do {
            try await lab.database.ping()
        } catch let problem as Problem where problem.kind == .unavailable {
            throw problem
        } catch {
            throw Problem(.unavailable, "the database does not answer", retryAfter: 2)
        }
        return .ok(.init(body: .json(.init(status: .ok, database: .ok))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(body: .yaml(HTTPBody(try OpenAPIDocument.yaml()))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        let year = ParisClock.date(of: lab.now()).year
        let quota = try await lab.quota.overview(year: year, by: .system("metrics"))
        func perAgreement(_ value: (QuotaBalance) -> Double) -> [(labels: [(String, String)], value: Double)] {
            quota.map { ([("agreement", $0.reference), ("year", String(year))], value($0.balance)) }
        }
        let usage = lab.database.usage
        let gauges = [
            MetricsRegistry.Gauge(
                name: "museolab_quota_consumed_percent", help: "Support quota consumed this year, in percent, per agreement.",
                values: perAgreement(\.percentConsumed)),
            MetricsRegistry.Gauge(
                name: "museolab_quota_projected_percent", help: "Consumed plus committed (confirmed sessions ahead), in percent of the quota.",
                values: perAgreement(\.percentProjected)),
            MetricsRegistry.Gauge(
                name: "museolab_quota_minutes", help: "This year's support quota, in minutes, per agreement.",
                values: perAgreement { Double($0.quotaMinutes) }),
            MetricsRegistry.Gauge(
                name: "museolab_quota_consumed_minutes", help: "Support minutes consumed this year, per agreement.",
                values: perAgreement { Double($0.consumedMinutes) }),
            MetricsRegistry.Gauge(
                name: "museolab_db_pool_connections_in_use", help: "Database connections held by requests now.",
                values: [([], Double(usage.inUse))]),
            MetricsRegistry.Gauge(
                name: "museolab_db_pool_connections_peak", help: "The most database connections held at once since the start.",
                values: [([], Double(usage.peak))]),
            MetricsRegistry.Gauge(
                name: "museolab_db_pool_connections_max", help: "The most database connections the server opens (DATABASE_POOL_SIZE).",
                values: [([], Double(databasePoolSize))]),
            MetricsRegistry.Gauge(
                name: "museolab_process_resident_memory_bytes", help: "Resident memory of the server process.",
                values: [([], ProcessMemory.residentBytes().map(Double.init) ?? 0)]),
            MetricsRegistry.Gauge(
                name: "museolab_process_start_time_seconds", help: "When the server started, in seconds since the Unix epoch.",
                values: [([], metrics.started.timeIntervalSince1970.rounded())]),
        ]
        return .ok(.init(body: .plainText(HTTPBody(metrics.render(gauges: gauges)))))
    }

    func getProblemType(_ input: Operations.GetProblemType.Input) async throws -> Operations.GetProblemType.Output {
        guard let kind = Problem.Kind(rawValue: input.path.slug) else { throw Problem.notFound("problem type") }
        return .ok(.init(body: .json(.init(_type: kind.typeURI, title: kind.title, status: kind.status))))
    }
}

/// The OpenAPI document, served verbatim: the same file the code is generated from.
enum OpenAPIDocument {
    static let cached: Data? = Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? Data(contentsOf: $0) }

    static func yaml() throws -> Data {
        guard let cached else { throw Problem(.unavailable, "the OpenAPI document is missing from this build") }
        return cached
    }
}

/// The process's resident memory, from /proc (Linux).
enum ProcessMemory {
    static func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}
