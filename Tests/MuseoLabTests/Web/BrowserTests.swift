import Foundation
import MuseoLab
import MuseoLabRuntime
import Testing

/// The member's pages in a real browser: Tests/browser/member_flows.py drives Debian's chromium
/// through Playwright against two servers on one seeded database, reading the sign-in links from
/// a real SMTP sink to which the outbox delivers. Screenshots of every page (desktop and 390 px)
/// are kept in .build/artefacts/screenshots.
@Suite struct BrowserTests {
    static let screenshots = ProjectFolders.root.appendingPathComponent(".build/artefacts/screenshots")

    @Test func aMemberSignsInByEmailLinkSeesMachinesAndBookingsAndSignsOutEverywhere() async throws {
        try await TestLab.with { t in
            try await t.managerAvailableOnWeekdays()
            let day = Days.next(.tuesday)
            _ = try await t.lab.sessions.request(
                SessionRequest(purpose: "Maquette du musée", period: Days.period(day, "10:00", "12:00"), machineIds: [try await t.machine("12548").id]),
                by: t.people.member.actor)
            let theirs = try await t.lab.sessions.request(
                SessionRequest(purpose: "Prototype", period: Days.period(day, "14:00", "16:00"), machineIds: []), by: t.people.otherMember.actor)

            let sink = try SMTPSink()
            defer { sink.stop() }
            let mails = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-mails-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: mails, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: mails) }
            try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)

            let (status, output) = try await TestServer.with(t.lab) { server in
                try await TestServer.with(t.lab) { other in
                    let browser = try BrowserRun.start([
                        ProjectFolders.root.appendingPathComponent("Tests/browser/member_flows.py").path,
                        server.base, mails.path, Self.screenshots.path, t.people.member.user.email, theirs.reference, other.base,
                    ])
                    // The outbox's dispatcher, as the server runs it: deliver what is due, keep each e-mail.
                    let outbox = Outbox(database: t.lab.database, baseDelay: .seconds(1))
                    let transports: [AlertRecipient.Channel: any MessageTransport] = [
                        .email: SMTPTransport(host: "127.0.0.1", port: sink.port, from: "museolab@test"),
                    ]
                    var written = 0
                    while !browser.finished {
                        _ = try await outbox.deliverDue(transports: transports)
                        for message in sink.messages.dropFirst(written) {
                            try Data(message.body.utf8).write(to: mails.appendingPathComponent("\(written).txt"))
                            written += 1
                        }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    return browser.result
                }
            }
            #expect(status == 0, "\(output)")
            #expect(output.hasSuffix("ok\n"), "\(output)")
            // Seen in the browser, not in any log: each e-mail delivered once.
            #expect(sink.messages.count == 3)
        }
    }
}

/// A Python process run beside the test, its output collected.
final class BrowserRun: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var collected = Data()

    static func start(_ arguments: [String]) throws -> BrowserRun {
        let run = BrowserRun()
        run.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        run.process.arguments = ["python3"] + arguments
        run.process.standardOutput = run.output
        run.process.standardError = run.output
        run.output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            run.lock.withLock { run.collected.append(data) }
        }
        try run.process.run()
        return run
    }

    var finished: Bool { !process.isRunning }

    /// Kills it (SIGKILL: a child may have inherited an ignored SIGTERM from the test process).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var result: (Int32, String) {
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        return lock.withLock {
            collected.append(rest)
            return (process.terminationStatus, String(decoding: collected, as: UTF8.self))
        }
    }
}
