import Foundation

/// The routes the OpenAPI document declares, to tell "no such resource" (404) from
/// "not with this method" (405, with `Allow`), which the router does not distinguish.
struct RouteTable: Sendable {
    /// Path templates split in segments (`{id}` matches any segment), with their methods.
    let routes: [(segments: [String], methods: [String])]

    /// Reads `paths:` from the document: path keys at two spaces, methods at four.
    init(openAPI yaml: String) {
        var routes: [(segments: [String], methods: [String])] = []
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, !first.isWhitespace { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                let path = line.dropFirst(2).dropLast()
                routes.append((path.split(separator: "/").map(String.init), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), !routes.isEmpty {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) {
                    routes[routes.count - 1].methods.append(method)
                }
            }
        }
        self.routes = routes
    }

    /// The methods allowed on `path`, or `nil` when no route has that shape.
    func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "/").map(String.init)
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        guard !matching.isEmpty else { return nil }
        return Array(Set(matching.flatMap(\.methods))).sorted()
    }
}
