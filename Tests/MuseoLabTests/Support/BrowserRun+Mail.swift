import Foundation
import MuseoLab
import MuseoLabRuntime

extension BrowserRun {
    /// Waits for its end (as `result()`) while the outbox's dispatcher runs as the server runs it:
    /// what is due is delivered to the SMTP sink, and each e-mail kept as `N.txt` in `mails`,
    /// where the script reads its sign-in links.
    func result(delivering database: Database, to sink: SMTPSink, into mails: URL) async throws -> (Int32, String) {
        let outbox = Outbox(database: database, baseDelay: .seconds(1))
        let transports: [AlertRecipient.Channel: any MessageTransport] = [
            .email: SMTPTransport(host: "127.0.0.1", port: sink.port, from: "museolab@test"),
        ]
        var written = 0
        let deadline = ContinuousClock.now + Self.longest
        while !finished, ContinuousClock.now < deadline {
            _ = try await outbox.deliverDue(transports: transports)
            for message in sink.messages.dropFirst(written) {
                try Data(message.body.utf8).write(to: mails.appendingPathComponent("\(written).txt"))
                written += 1
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await result()
    }
}
