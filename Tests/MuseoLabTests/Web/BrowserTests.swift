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
                    return try await browser.result(delivering: t.lab.database, to: sink, into: mails)
                }
            }
            #expect(status == 0, "\(output)")
            #expect(output.hasSuffix("ok\n"), "\(output)")
            // Seen in the browser, not in any log: each e-mail delivered once.
            #expect(sink.messages.count == 3)
        }
    }
}

