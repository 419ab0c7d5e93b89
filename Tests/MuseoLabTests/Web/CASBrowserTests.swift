import Foundation
import MuseoLab
import MuseoLabWeb
import Testing

/// Signing in with CAS 3.0 against a real CAS server (django-cas-server, Tests/browser/
/// cas_test_server.py) in a real browser: the first sign-in creates a member of the university,
/// the ticket is validated server to server and serves once.
@Suite struct CASBrowserTests {
    @Test func aFirstCASSignInCreatesTheMemberAndATicketServesOnce() async throws {
        try await TestLab.with { t in
            let port = try Self.freePort()
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-cas-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: data) }
            let cas = try BrowserRun.start([
                ProjectFolders.root.appendingPathComponent("Tests/browser/cas_test_server.py").path,
                String(port), data.path, "cdubois", "mot-de-passe", "camille.dubois@univ-artois.fr", "Camille Dubois",
            ])
            defer { cas.stop() }
            try await Self.waitUntilServing(port: port, seconds: 60, cas)

            let web = WebSettings(cas: .init(server: "http://127.0.0.1:\(port)/cas", createMembersOf: TestLab.university))
            let (status, output) = try await TestServer.with(t.lab, web: web) { server in
                let browser = try BrowserRun.start([
                    ProjectFolders.root.appendingPathComponent("Tests/browser/cas_flows.py").path,
                    server.base, "cdubois", "mot-de-passe", "Camille Dubois", BrowserTests.screenshots.path,
                ])
                return try await browser.result()
            }
            #expect(status == 0, "\(output)")
            #expect(output.hasSuffix("ok\n"), "\(output)")
            let created = try await t.lab.users.list(by: t.people.admin.actor).filter { $0.email == "camille.dubois@univ-artois.fr" }
            #expect(created.count == 1)
            #expect(created.first?.role == .member && created.first?.organisationId == TestLab.university)
        }
    }

    /// Waits until something accepts connections on the port.
    static func waitUntilServing(port: Int, seconds: Double, _ process: BrowserRun) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !process.finished {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(descriptor)
            if connected { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BrowserRun.Failure(description: "the CAS server did not start: \(process.printed)")
    }

    /// A loopback port nothing listens on now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
