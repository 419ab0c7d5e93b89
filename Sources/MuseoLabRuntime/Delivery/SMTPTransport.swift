#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MuseoLab

/// Sends outbox e-mails through an SMTP relay (a local MTA or the university's relay),
/// in plain SMTP: EHLO, MAIL FROM, RCPT TO, DATA. The body is UTF-8 text in base64,
/// and the Message-ID is the outbox message's, so a relay or a reader can tell a
/// retry from a new message.
public struct SMTPTransport: MessageTransport {
    public var host: String
    public var port: Int
    public var from: String
    public var timeout: TimeInterval

    public init(host: String, port: Int = 25, from: String, timeout: TimeInterval = 30) {
        self.host = host
        self.port = port
        self.from = from
        self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func send(_ message: OutboxMessage) async throws {
        let transport = self
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // Blocking sockets, on a thread of their own rather than the cooperative pool.
            Thread.detachNewThread {
                do {
                    try transport.sendBlocking(message)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    func sendBlocking(_ message: OutboxMessage) throws {
        let connection = try LineConnection(host: host, port: port, timeout: timeout)
        defer { connection.close() }
        try connection.expect(220)
        try connection.command("EHLO museolab", expect: 250)
        try connection.command("MAIL FROM:<\(from)>", expect: 250)
        try connection.command("RCPT TO:<\(message.recipient)>", expect: 250)
        try connection.command("DATA", expect: 354)
        try connection.write(Self.format(message, from: from) + "\r\n.\r\n")
        try connection.expect(250)
        try? connection.command("QUIT", expect: 221)
    }

    /// The message, RFC 5322: headers (the subject RFC 2047-encoded), then the body in base64.
    static func format(_ message: OutboxMessage, from: String) -> String {
        let subject = "=?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="
        let date = Date().formatted(
            Date.VerbatimFormatStyle(format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) +0000", locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "UTC")!, calendar: Calendar(identifier: .gregorian)))
        func base64(_ text: String) -> String {
            Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        }
        let headers = [
            "From: MuséoLab <\(from)>".asciiHeader, "To: <\(message.recipient)>", "Subject: \(subject)", "Date: \(date)",
            "Message-ID: <outbox-\(message.id)@museolab>", "MIME-Version: 1.0",
        ]
        guard let attachment = message.attachment else {
            return (headers + ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64(message.body)])
                .joined(separator: "\r\n")
        }
        // With a file (RFC 2046 multipart/mixed): the text, then the file, each in base64.
        let boundary = "museolab-\(message.id)-part"
        return (headers + [
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "", "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64(message.body), "--\(boundary)",
            "Content-Type: \(attachment.mediaType); charset=utf-8; name=\"\(attachment.name)\"",
            "Content-Disposition: attachment; filename=\"\(attachment.name)\"", "Content-Transfer-Encoding: base64", "", base64(attachment.text),
            "--\(boundary)--",
        ]).joined(separator: "\r\n")
    }
}

extension String {
    /// Header text with non-ASCII words encoded (RFC 2047).
    var asciiHeader: String {
        guard !allSatisfy(\.isASCII) else { return self }
        return split(separator: " ").map { word in
            word.allSatisfy(\.isASCII) ? String(word) : "=?UTF-8?B?\(Data(word.utf8).base64EncodedString())?="
        }.joined(separator: " ")
    }
}

/// A TCP connection read line by line, with timeouts: enough for SMTP.
final class LineConnection {
    let descriptor: Int32
    var buffer: [UInt8] = []

    init(host: String, port: Int, timeout: TimeInterval) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw SMTPTransport.Failure(description: "cannot resolve the SMTP relay \(host)")
        }
        defer { freeaddrinfo(results) }
        var connected: Int32 = -1
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let socketDescriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socketDescriptor >= 0 {
                var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
                setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(socketDescriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                if connect(socketDescriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    connected = socketDescriptor
                    break
                }
                Glibc.close(socketDescriptor)
            }
            candidate = info.pointee.ai_next
        }
        guard connected >= 0 else { throw SMTPTransport.Failure(description: "cannot connect to the SMTP relay \(host):\(port)") }
        descriptor = connected
    }

    func close() { Glibc.close(descriptor) }

    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBufferPointer { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw SMTPTransport.Failure(description: "the SMTP relay closed the connection") }
            sent += written
        }
    }

    func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<end]
                buffer.removeFirst(end + 1)
                return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { throw SMTPTransport.Failure(description: "the SMTP relay did not answer") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Reads a (possibly multi-line) reply and checks its code.
    func expect(_ code: Int) throws {
        var line = try readLine()
        while line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { line = try readLine() }
        guard Int(line.prefix(3)) == code else { throw SMTPTransport.Failure(description: "SMTP relay: expected \(code), got \"\(line)\"") }
    }

    func command(_ text: String, expect code: Int) throws {
        try write(text + "\r\n")
        try expect(code)
    }
}
