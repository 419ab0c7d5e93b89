import Foundation
import Hummingbird

/// Counts every answer and its latency by route template, method and status, as the
/// client sees it (outside the problem middleware, so refusals count with their status).
/// The template is the router's own (`/v1/sessions/{sessionId}`), never the raw path.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: MetricsRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            record(request, route, Int(response.status.code), since: started)
            return response
        } catch {
            record(request, route, 500, since: started)
            throw error
        }
    }

    func record(_ request: Request, _ route: String, _ status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(method: request.method.rawValue, route: route, status: status, seconds: seconds)
    }
}
