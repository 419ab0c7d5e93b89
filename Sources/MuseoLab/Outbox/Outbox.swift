import Foundation
import PostgresNIO

/// A message waiting in the outbox, or delivered.
public struct OutboxMessage: Sendable, Equatable, Codable {
    public var id: Int64
    public var channel: AlertRecipient.Channel
    public var recipient: String
    public var subject: String
    public var body: String
    /// JSON: what a webhook receives.
    public var payload: String
    public var topic: String
    public var attempts: Int
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    public var lastError: String?
    /// A file sent with an e-mail (a reminder's iCalendar event).
    public var attachment: Attachment? = nil

    public struct Attachment: Sendable, Equatable, Codable {
        public var name: String
        public var mediaType: String
        public var text: String
    }
}

/// Sends one message by one channel (an SMTP relay, a webhook POST).
public protocol MessageTransport: Sendable {
    func send(_ message: OutboxMessage) async throws
}

/// The durable outbox: messages are written in the transaction that decided them and
/// delivered afterwards. A message is claimed with `FOR UPDATE SKIP LOCKED` and
/// marked delivered in the same transaction as its sending, so two dispatchers never
/// send it twice; a failure is retried with exponential backoff, never dropped.
public struct Outbox: Sendable {
    let database: Database
    /// The first retry waits this long, then twice as long each time, up to `maximumDelay`.
    public var baseDelay: Duration
    public var maximumDelay: Duration

    public init(database: Database, baseDelay: Duration = .seconds(30), maximumDelay: Duration = .seconds(3600)) {
        self.database = database
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// What the outbox shows in place of a body that opens an account (a sign-in link's).
    static let withheld = "(withheld: it holds a sign-in link)"

    /// Queues a message, once per topic, channel and recipient.
    static func enqueue(
        topic: String, channel: AlertRecipient.Channel, recipient: String, subject: String, body: String, payload: String,
        attachment: OutboxMessage.Attachment? = nil, _ session: SQLSession
    ) async throws {
        _ = try await session.run(OutboxStore.Enqueue(
            channel: channel, recipient: recipient, subject: subject, body: body, payload: payload, topic: topic, attachment: attachment))
    }

    /// Delivers the messages that are due, at most `limit`, through the transports.
    /// - Returns: how many were delivered and how many failed (to be retried).
    @discardableResult
    public func deliverDue(limit: Int = 20, transports: [AlertRecipient.Channel: any MessageTransport]) async throws -> (delivered: Int, failed: Int) {
        var delivered = 0, failed = 0
        // One pass: a message that fails is not tried again before the next call.
        var tried: [Int64] = []
        for _ in 0..<limit {
            // One message per transaction: the row stays locked while it is being sent.
            let outcome: Bool? = try await database.write(as: .system("outbox"), action: "outbox.deliver") { session in
                guard let message = try await session.run(OutboxStore.NextDue(tried: tried)).first else { return nil }
                tried.append(message.id)
                do {
                    guard let transport = transports[message.channel] else {
                        throw DeliveryError(description: "no \(message.channel.rawValue) transport is configured")
                    }
                    try await transport.send(message)
                    _ = try await session.run(OutboxStore.Delivered(id: message.id))
                    return true
                } catch {
                    let delay = min(baseDelay * (1 << min(message.attempts, 20)), maximumDelay)
                    let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                    _ = try await session.run(OutboxStore.Failed(
                        id: message.id, error: String(describing: error).prefix(1000).description, delaySeconds: seconds))
                    return false
                }
            }
            guard let outcome else { break }
            if outcome { delivered += 1 } else { failed += 1 }
        }
        return (delivered, failed)
    }

    /// The messages about a topic (an alert), or all recent ones.
    public func messages(topic: String? = nil, by actor: Actor) async throws -> [OutboxMessage] {
        try actor.require(.viewQuota, "see the outbox")
        return try await database.read { session in
            try await session.run(OutboxStore.Messages(topic: topic))
        }
    }

    struct DeliveryError: Error, CustomStringConvertible {
        var description: String
    }
}
