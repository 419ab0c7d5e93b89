#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A closed-loop HTTP/1.1 load generator: `concurrency` keep-alive connections, each on
/// its own thread with blocking sockets (nothing shared with the server's event loops),
/// sending requests back to back, or paced to a target rate, until the deadline.
/// Latency is measured from the moment a request is written to its last response byte.
struct LoadGenerator: Sendable {
    let port: Int
    let concurrency: Int
    let duration: Duration
    /// Requests per second for all connections together; `nil`: as fast as they answer.
    var rate: Double?
    /// Requests for all connections together, after which they stop (before the deadline).
    var limit: Int?

    struct Report: Sendable {
        var latencies: [Double]  // seconds
        var statuses: [Int: Int]
        var connectionErrors: Int
        var elapsed: Double

        var requests: Int { latencies.count }
        var throughput: Double { Double(requests) / elapsed }
        var errors: Int { connectionErrors + statuses.filter { $0.key >= 400 || $0.key == 0 }.map(\.value).reduce(0, +) }

        func percentile(_ p: Double) -> Double { museolab_bench.percentile(p, of: latencies) }

        var summary: String {
            String(
                format: "%.0f req/s (%d requests in %.1f s)   p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   errors %d   statuses %@",
                throughput, requests, elapsed, percentile(0.5) * 1000, percentile(0.9) * 1000, percentile(0.99) * 1000, errors,
                statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        }
    }

    /// `request(worker, sequence)` gives the bytes of each request to send.
    func run(_ request: @escaping @Sendable (Int, Int) -> [UInt8]) async -> Report {
        let results = Collected()
        let port = self.port
        let start = ContinuousClock.now
        let deadline = start + duration
        let interval = rate.map { Double(concurrency) / $0 }
        let budget = Budget(limit ?? Int.max)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        let thread = Thread {
                            let local = Self.work(worker: worker, port: port, deadline: deadline, interval: interval, budget: budget, request: request)
                            results.report.withLock { report in
                                report.latencies += local.latencies
                                report.connectionErrors += local.connectionErrors
                                for (status, count) in local.statuses { report.statuses[status, default: 0] += count }
                            }
                            done.resume()
                        }
                        thread.stackSize = 1 << 20
                        thread.start()
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        return results.report.withLock { report in
            report.elapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return report
        }
    }

    /// The requests left to send, shared by the workers.
    final class Budget: Sendable {
        let left: Atomic<Int>
        init(_ requests: Int) { left = Atomic(requests) }
        func take() -> Bool { left.subtract(1, ordering: .relaxed).newValue >= 0 }
    }

    /// What the workers found, merged as each finishes.
    final class Collected: Sendable {
        let report = Mutex(Report(latencies: [], statuses: [:], connectionErrors: 0, elapsed: 0))
    }

    static func work(
        worker: Int, port: Int, deadline: ContinuousClock.Instant, interval: Double?, budget: Budget, request: (Int, Int) -> [UInt8]
    ) -> Report {
        var report = Report(latencies: [], statuses: [:], connectionErrors: 0, elapsed: 0)
        var connection: Int32 = -1
        var sequence = 0
        // Paced workers start spread over one interval, so the load is even.
        var next = ContinuousClock.now + .seconds((interval ?? 0) * Double(worker) / 8)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline, budget.take() {
            if let interval {
                let now = ContinuousClock.now
                if next > now { Thread.sleep(forTimeInterval: Double((next - now).components.attoseconds) / 1e18 + Double((next - now).components.seconds)) }
                next = next + .seconds(interval)
            }
            if connection < 0 { connection = connect(port) }
            guard connection >= 0 else {
                report.connectionErrors += 1
                Thread.sleep(forTimeInterval: 0.01)
                continue
            }
            let bytes = request(worker, sequence)
            sequence += 1
            let sent = ContinuousClock.now
            var status = 0
            if write(all: bytes, to: connection), let answer = readResponse(connection, &buffer) {
                status = answer.status
                if answer.close { close(connection); connection = -1 }
            } else {
                close(connection)
                connection = -1
                report.connectionErrors += 1
                continue
            }
            let latency = ContinuousClock.now - sent
            report.latencies.append(Double(latency.components.seconds) + Double(latency.components.attoseconds) / 1e18)
            report.statuses[status, default: 0] += 1
        }
        if connection >= 0 { close(connection) }
        return report
    }

    static func connect(_ port: Int) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(descriptor); return -1 }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    static func write(all bytes: [UInt8], to descriptor: Int32) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return false }
            sent += written
        }
        return true
    }

    /// Reads one response, its body sized by Content-Length or sent in chunks (streamed exports
    /// and feeds); its status, and whether the server closes.
    static func readResponse(_ descriptor: Int32, _ buffer: inout [UInt8]) -> (status: Int, close: Bool)? {
        var data = [UInt8]()
        var head: (end: Int, status: Int, close: Bool, length: Int?)?
        // Where the next chunk's size line starts, in a chunked body.
        var chunk = 0
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { return nil }
            data.append(contentsOf: buffer[0..<count])
            if head == nil, let end = find([13, 10, 13, 10], in: data) {
                let text = String(decoding: data[0..<end], as: UTF8.self)
                let fields = text.lowercased().split(separator: "\r\n")
                func field(_ name: String) -> String? {
                    fields.first { $0.hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
                }
                let chunked = field("transfer-encoding")?.contains("chunked") == true
                head = (end + 4, Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0, field("connection") == "close",
                        chunked ? nil : Int(field("content-length") ?? "0") ?? 0)
                chunk = end + 4
            }
            guard let (bodyStart, status, close, length) = head else { continue }
            if let length {
                if data.count >= bodyStart + length { return (status, close) }
                continue
            }
            // Chunks: a hexadecimal size line, that many bytes, CRLF; a size of 0 ends the body.
            while let lineEnd = find([13, 10], in: data, from: chunk) {
                let sizeText = String(decoding: data[chunk..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                if size == 0 {
                    // The last chunk, then (no trailers) an empty line.
                    if data.count >= lineEnd + 4 { return (status, close) }
                    break
                }
                guard data.count >= lineEnd + 2 + size + 2 else { break }
                chunk = lineEnd + 2 + size + 2
            }
        }
    }

    static func find(_ needle: [UInt8], in data: [UInt8], from start: Int = 0) -> Int? {
        guard data.count - start >= needle.count else { return nil }
        for index in start...(data.count - needle.count) where data[index] == needle[0] && data[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
