import Foundation
import Hummingbird
import Logging
import MuseoLab
import MuseoLabHTTP
import MuseoLabWeb
import NIOCore

/// The HTTP server, in process, on a free loopback port: real sockets, real HTTP.
struct TestServer: Sendable {
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Serves `lab` while `body` runs.
    static func with<Result: Sendable>(
        _ lab: MuseoLab, settings: ServerSettings = ServerSettings(host: "127.0.0.1", port: 0), web: WebSettings = WebSettings(),
        _ body: @Sendable (TestServer) async throws -> Result
    ) async throws -> Result {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let pages = try await WebFrontEnd(lab: lab, settings: web, logger: TestLog.logger)
        let app = try buildApplication(
            lab: lab, settings: settings, logger: TestLog.logger, frontEnds: { pages.register(on: $0) },
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that ends before it listens ends the wait for its port too.
                defer { continuation.finish() }
                try await app.runService(gracefulShutdownSignals: [])
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            return try await body(TestServer(port: port))
        }
    }
}

extension TestLab {
    /// A seeded database served over HTTP.
    static func withServer<Result: Sendable>(_ body: @Sendable (TestLab, TestServer) async throws -> Result) async throws -> Result {
        try await with { lab in
            try await TestServer.with(lab.lab) { server in try await body(lab, server) }
        }
    }
}
