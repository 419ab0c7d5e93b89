import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MuseoLab

/// Delivers outbox messages as JSON POSTs. `Idempotency-Key` carries the outbox
/// message's id, so a receiver can ignore a retry it already processed.
public struct WebhookTransport: MessageTransport {
    public var timeout: TimeInterval

    public init(timeout: TimeInterval = 10) {
        self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 4
        return URLSession(configuration: configuration)
    }()

    public func send(_ message: OutboxMessage) async throws {
        guard let url = URL(string: message.recipient) else { throw Failure(description: "not a URL: \(message.recipient)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(message.payload.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("MuseoLab", forHTTPHeaderField: "User-Agent")
        request.setValue("outbox-\(message.id)", forHTTPHeaderField: "Idempotency-Key")
        request.setValue(message.topic, forHTTPHeaderField: "X-MuseoLab-Topic")
        let (_, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw Failure(description: "webhook \(message.recipient) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
    }
}
