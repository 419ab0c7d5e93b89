import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A real HTTP endpoint that keeps the webhook calls it receives, and can fail the
/// first ones (500) to exercise retries.
actor WebhookReceiver {
    struct Call: Sendable {
        let body: Data
        let idempotencyKey: String?
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private(set) var calls: [Call] = []
    private(set) var refused = 0
    private var failuresLeft: Int

    init(failFirst: Int = 0) {
        failuresLeft = failFirst
    }

    func receive(_ call: Call) -> Bool {
        if failuresLeft > 0 {
            failuresLeft -= 1
            refused += 1
            return false
        }
        calls.append(call)
        return true
    }

    /// Runs the receiver on a loopback port while `body` runs; gives `body` its URL.
    static func with<Result: Sendable>(
        failFirst: Int = 0, _ body: @Sendable (WebhookReceiver, String) async throws -> Result
    ) async throws -> Result {
        let receiver = WebhookReceiver(failFirst: failFirst)
        let router = Router()
        router.post("/hook") { request, context -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let accepted = await receiver.receive(Call(body: Data(buffer: buffer), idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!]))
            return Response(status: accepted ? .ok : .internalServerError)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: TestLog.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that ends before it listens ends the wait for its port too.
                defer { continuation.finish() }
                try await app.runService(gracefulShutdownSignals: [])
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            return try await body(receiver, "http://127.0.0.1:\(port)/hook")
        }
    }
}
