import ArgumentParser
import Foundation
import MuseoLab

/// The web pages under load: the booking page (a week of free slots, the quota preview) and the
/// machines page, rendered by the real server for a signed-in member, as fast as they answer and
/// at half that load. Figures only.
struct PageBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages", abstract: "Drive GET /reserver and GET /machines for a signed-in member; requests/s and latency.")

    @Option(help: "Connections sending requests at once.") var concurrency = 16
    @Option(help: "Seconds of each measured run.") var seconds = 10

    func run() async throws {
        let (concurrency, seconds) = (self.concurrency, self.seconds)
        try await BenchDatabase.with { lab, configuration in
            let system = Actor.system("bench")
            // A member of the university (the quota preview shows), and a staff member who supervises on weekdays.
            let member = try await lab.users.add(
                NewUser(email: "membre@univ-artois.fr", displayName: "Membre", organisationId: UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000001")!,
                        role: .member), by: system)
            let staff = try await lab.users.add(
                NewUser(email: "equipe@museolab.test", displayName: "Équipe", organisationId: UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000002")!,
                        role: .manager), by: system)
            let weekdays = (1...5).map { WeeklyInterval(weekday: Weekday(rawValue: $0)!, start: LocalTime("09:00")!, end: LocalTime("18:00")!) }
            _ = try await lab.staffAvailability.setWeekly(staff.id, weekdays, by: system)
            let signIn = WebSignIn(database: lab.database)
            guard let link = try await signIn.requestLink(email: member.email, from: "bench", link: { $0 }) else {
                throw ValidationError("no sign-in link for the bench member")
            }
            let cookie = "museolab_session=\(try await signIn.redeem(link.secret).secret); museolab_csrf=mlcsrf_benchbenchbenchbenchbenchbench"

            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("museolab-server").path
            let server = try BenchServer(
                binary: binary,
                environment: serverDatabaseEnvironment(configuration).merging(["LOG_LEVEL": "warning", "DATABASE_POOL_SIZE": String(max(20, concurrency))]) { $1 })
            defer { server.stop() }
            let port = try await server.port()
            say("Page benchmark: a signed-in member, concurrency \(concurrency), \(seconds) s a run")
            for path in ["/reserver?duree=120", "/machines"] {
                let bytes = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(cookie)\r\n\r\n".utf8)
                let request: @Sendable (Int, Int) -> [UInt8] = { _, _ in bytes }
                _ = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(2)).run(request)
                let full = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(seconds)).run(request)
                say("  GET \(path), as fast as it answers: \(full.summary)")
                let half = await LoadGenerator(port: port, concurrency: concurrency, duration: .seconds(seconds), rate: full.throughput / 2).run(request)
                say("  GET \(path), at half that load: \(half.summary)")
            }
            say("  machine: \(ProcessInfo.processInfo.activeProcessorCount) cores")
        }
    }
}
