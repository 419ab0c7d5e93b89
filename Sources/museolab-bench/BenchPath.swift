import Foundation

/// One path the limit benchmark drives: the inputs each request needs (fresh for every request
/// and every replayed transaction), and the request made of one of them.
struct BenchPath: Sendable {
    enum Kind: Sendable { case write, read }

    var name: String
    var kind: Kind
    /// The inputs' columns and their SQL types (the replay reads them from a table).
    var columns: [Column]
    /// One row per request: values as text those types read (RFC 3339 instants, uuids).
    var inputs: [[String]]
    /// The request's method, target, credentials and body for one row of inputs.
    var request: @Sendable (_ input: [String]) -> HTTPRequestText

    struct Column: Sendable {
        var name: String
        var type: String
    }

    /// The same request for every row: a read.
    static func read(_ name: String, rows: Int, _ request: HTTPRequestText) -> BenchPath {
        BenchPath(name: name, kind: .read, columns: [Column(name: "k", type: "int")], inputs: Array(repeating: ["0"], count: rows)) { _ in request }
    }
}

/// A request before its Host header: the load generator and the capture add it.
struct HTTPRequestText: Sendable {
    var method = "GET"
    var target: String
    /// `Authorization: Bearer …` or `Cookie: …`.
    var credentials: String
    var body: String? = nil

    func bytes(port: Int) -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(credentials)\r\n"
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else if method == "POST" {
            text += "Content-Length: 0\r\n\r\n"
        } else {
            text += "\r\n"
        }
        return Array(text.utf8)
    }
}
