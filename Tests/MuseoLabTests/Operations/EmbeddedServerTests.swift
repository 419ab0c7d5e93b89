import EmbeddedPostgres
import Foundation
import Testing

/// The run command's promise, with the real server binary: without DATABASE_URL it
/// creates a private cluster, migrates and seeds it, prints an admin token once,
/// serves, stops the cluster when it stops, and reuses everything next time.
@Suite struct EmbeddedServerTests {
    @Test func firstRunCreatesSeedsAndStopsTheCluster() async throws {
        let folder = URL(fileURLWithPath: "/tmp/museolab-e2e-\(UUID().uuidString.prefix(8))")
        let cluster = EmbeddedCluster(root: folder, installation: try PostgresInstallation.locate())
        defer {
            cluster.destroy()
            try? FileManager.default.removeItem(atPath: folder.path + ".out")
            try? FileManager.default.removeItem(atPath: folder.path + ".err")
        }

        // First run: creates the cluster, prints the administrator's token once.
        let first = try ServerProcess(dataFolder: folder)
        let port = try await first.port()
        let http = HTTPClient(base: "http://127.0.0.1:\(port)")
        #expect(try await http.get("/health").status == 200)
        let token = try #require(first.printed.firstMatch(of: /mlab_[A-Za-z0-9_-]{43}/).map { String($0.output) })
        let machines = try await http.get("/v1/machines", token: token)
        #expect(machines.status == 200)
        #expect(machines.items.count == 27)
        #expect(first.logged.contains("\"request_id\""), "structured logs carry the request id")
        // Background work waits for the migrations: a first start logs no failure.
        #expect(!first.logged.contains("\"level\":\"warning\"") && !first.logged.contains("\"level\":\"error\""), "\(first.logged)")
        #expect(try cluster.isRunning())
        #expect(try await first.stop(SIGTERM) == 0)
        #expect(try !cluster.isRunning(), "the embedded cluster stops with the service")

        // Second run: the same cluster and data, no new token.
        let second = try ServerProcess(dataFolder: folder)
        let again = HTTPClient(base: "http://127.0.0.1:\(try await second.port())")
        #expect(try await again.get("/v1/machines", token: token).items.count == 27)
        #expect(second.printed.firstMatch(of: /mlab_/) == nil, "the token is printed once only")
        #expect(try await second.stop(SIGINT) == 0)
        #expect(try !cluster.isRunning())
    }
}
