import Foundation
import Logging
import MuseoLab
import ServiceLifecycle

/// The server's delivery loop: every interval, sends what the outbox holds that is due.
/// Stops at graceful shutdown; undelivered messages wait in the database for the next start.
public struct OutboxDispatcher: Service {
    public let outbox: Outbox
    public let transports: [AlertRecipient.Channel: any MessageTransport]
    public let interval: Duration
    let logger: Logger
    /// Returns once the database is migrated: the loop must not read the outbox before it exists.
    let ready: @Sendable () async -> Void
    /// What to queue before each pass: the reminders and digests due by then.
    let reminders: SessionReminders?

    public init(
        outbox: Outbox, transports: [AlertRecipient.Channel: any MessageTransport], interval: Duration, logger: Logger,
        reminders: SessionReminders? = nil, ready: @escaping @Sendable () async -> Void = {}
    ) {
        self.outbox = outbox
        self.transports = transports
        self.interval = interval
        self.logger = logger
        self.reminders = reminders
        self.ready = ready
    }

    /// The transports the configuration sets up: SMTP when a relay is configured, webhooks always.
    public static func transports(smtp: ServiceConfiguration.SMTPSettings?) -> [AlertRecipient.Channel: any MessageTransport] {
        var transports: [AlertRecipient.Channel: any MessageTransport] = [.webhook: WebhookTransport()]
        if let smtp { transports[.email] = SMTPTransport(host: smtp.host, port: smtp.port, from: smtp.from) }
        return transports
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await ready()
            // Reminders are looked for once a minute, not at every delivery pass.
            var remindersDue = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    if let reminders, ContinuousClock.now >= remindersDue {
                        remindersDue = ContinuousClock.now + .seconds(60)
                        let queued = try await reminders.queueDue()
                        if queued.reminders + queued.digests + queued.expiries > 0 {
                            logger.info("reminders queued", metadata: [
                                "reminders": "\(queued.reminders)", "digests": "\(queued.digests)", "expiries": "\(queued.expiries)",
                            ])
                        }
                    }
                    let (delivered, failed) = try await outbox.deliverDue(transports: transports)
                    if delivered + failed > 0 {
                        logger.info("outbox", metadata: ["delivered": "\(delivered)", "failed": "\(failed)"])
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("outbox delivery failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
