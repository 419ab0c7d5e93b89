import AsyncAlgorithms
import Foundation
import MuseoLab
import OpenAPIRuntime

/// Turns a domain export that writes text piece by piece into a response body that is sent
/// as it is produced. Chunks of about 64 KiB go through a channel that makes the export wait
/// until the client took the previous one, so an export of any size holds a chunk or two in
/// memory. The export's own checks (permissions, dates) run before the first byte: a refusal
/// there is still an ordinary problem answer, not a broken 200.
public enum StreamedText {
    static let chunkSize = 64 * 1024

    static func body(_ export: @escaping @Sendable (_ write: @escaping @Sendable (String) async throws -> Void) async throws -> Void) async throws -> HTTPBody {
        HTTPBody(try await chunks(export), length: .unknown, iterationBehavior: .single)
    }

    /// The export's chunks, once its checks passed (its first write, or its end): a refusal
    /// before that is thrown here, before any answer starts. The web pages' downloads use it too.
    public static func chunks(
        _ export: @escaping @Sendable (_ write: @escaping @Sendable (String) async throws -> Void) async throws -> Void
    ) async throws -> AsyncThrowingChannel<ArraySlice<UInt8>, any Error> {
        let pump = Pump()
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            pump.started = started
            Task {
                do {
                    try await export { text in try await pump.write(text) }
                    await pump.finish()
                } catch {
                    pump.fail(error)
                }
            }
        }
        return pump.channel
    }

    /// The export's side of the channel. The export writes from one task, one call at a time,
    /// so the buffer is never touched concurrently.
    final class Pump: @unchecked Sendable {
        let channel = AsyncThrowingChannel<ArraySlice<UInt8>, any Error>()
        var started: CheckedContinuation<Void, any Error>?
        private var buffer: [UInt8] = []

        func write(_ text: String) async throws {
            buffer.append(contentsOf: text.utf8)
            if let started {
                // The checks passed and the export began: the response can start.
                self.started = nil
                started.resume()
            }
            if buffer.count >= StreamedText.chunkSize { await flush() }
            try Task.checkCancellation()
        }

        func finish() async {
            if let started {
                self.started = nil
                started.resume()
            }
            await flush()
            channel.finish()
        }

        func fail(_ error: any Error) {
            if let started {
                self.started = nil
                started.resume(throwing: error)
            } else {
                channel.fail(error)
            }
        }

        private func flush() async {
            guard !buffer.isEmpty else { return }
            let chunk = ArraySlice(buffer)
            buffer.removeAll(keepingCapacity: true)
            await channel.send(chunk)
        }
    }
}
