import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP answer, with its JSON body parsed when it has one.
struct HTTPAnswer: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String { header("Content-Type") ?? "" }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object (empty if it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// `items` of a list answer.
    var items: [[String: Any]] {
        json["items"] as? [[String: Any]] ?? []
    }

    /// Whether this is RFC 9457 problem+json with this status.
    func isProblem(_ status: Int, type slug: String? = nil) -> Bool {
        let json = self.json
        guard self.status == status, contentType.hasPrefix("application/problem+json"),
            json["status"] as? Int == status, json["title"] is String, json["detail"] is String,
            let type = json["type"] as? String
        else { return false }
        return slug.map { type == "/problems/\($0)" } ?? true
    }
}

/// Talks to a test server with URLSession.
struct HTTPClient: Sendable {
    let base: String

    init(_ server: TestServer) {
        base = server.base
    }

    init(base: String) {
        self.base = base
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    func send(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:], timeout: TimeInterval? = nil
    ) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let timeout { request.timeoutInterval = timeout }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields["\(name)"] = "\(value)"
        }
        return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
    }

    func get(_ path: String, token: String? = nil) async throws -> HTTPAnswer {
        try await send("GET", path, token: token)
    }
}

/// Raw bytes over a TCP socket, for what URLSession will not send (chunked bodies, broken requests).
enum RawHTTP {
    static func exchange(port: Int, _ request: String) async throws -> String {
        try await Blocking.run {
            let connection = try RawConnection(port: port)
            connection.send(request)
            return connection.receive()
        }
    }
}

/// One TCP connection to a local port, written and read by hand (a request sent in pieces).
final class RawConnection: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { break }  // the server may answer and close before reading everything
            sent += written
        }
    }

    /// Reads one response, on a thread of its own (the server may be in this process).
    func receive() async throws -> String {
        try await Blocking.run { self.receive() }
    }

    /// Reads one response: up to the end of its body (Content-Length), or until the server closes.
    func receive() -> String {
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
            if let text = String(bytes: response, encoding: .utf8), text.contains("\r\n\r\n"),
                let length = text.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") })
                    .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
                let headerEnd = text.range(of: "\r\n\r\n"),
                text.utf8.distance(from: headerEnd.upperBound, to: text.endIndex) >= length
            {
                break
            }
        }
        return String(decoding: response, as: UTF8.self)
    }
}
