import Foundation

/// The routes the OpenAPI document declares, to tell "no such resource" (404) from
/// "not with this method" (405, with `Allow`), which the router does not distinguish;
/// and each operation's required query parameters, which the generated code reports
/// missing without their name.
struct RouteTable: Sendable {
    /// Path templates split in segments (`{id}` matches any segment), with their methods.
    let routes: [(segments: [String], methods: [String])]
    /// Required query parameters by operationId.
    let requiredQuery: [String: [String]]

    /// Reads `paths:` from the document: path keys at two spaces, methods at four,
    /// parameters as `- name:` / `- $ref:` items followed by their `in:` and `required:`.
    init(openAPI yaml: String) {
        var routes: [(segments: [String], methods: [String])] = []
        var inPaths = false
        var operation: String?
        var parameter: (name: String, query: Bool, required: Bool)?
        var operationParameters: [String: [(name: String, query: Bool, required: Bool)]] = [:]
        var references: [String: [String]] = [:]
        // components/parameters: `    Name:` then `      name:`, `      in:`, `      required:`.
        var shared: [String: (name: String, query: Bool, required: Bool)] = [:]
        var inSharedParameters = false
        var sharedKey: String?
        func flush() {
            if let parameter, let operation { operationParameters[operation, default: []].append(parameter) }
            parameter = nil
        }
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("  parameters:") { inSharedParameters = true; continue }
            if inSharedParameters {
                if line.hasPrefix("  "), !line.hasPrefix("   ") { inSharedParameters = false }
                else if line.hasPrefix("    "), !line.hasPrefix("     "), text.hasSuffix(":") { sharedKey = String(text.dropLast()); shared[sharedKey!] = ("", false, false) }
                else if let key = sharedKey {
                    if text.hasPrefix("name: ") { shared[key]?.name = String(text.dropFirst(6)) }
                    if text == "in: query" { shared[key]?.query = true }
                    if text == "required: true" { shared[key]?.required = true }
                }
            }
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, !first.isWhitespace { flush(); inPaths = false }
            guard inPaths else { continue }
            if text.hasPrefix("operationId: ") { flush(); operation = String(text.dropFirst(13)) }
            if text.hasPrefix("- name: ") { flush(); parameter = (String(text.dropFirst(8)), false, false) }
            else if text.hasPrefix("- $ref: \"#/components/parameters/"), let operation {
                flush()
                references[operation, default: []].append(String(text.dropFirst(33).dropLast()))
            } else if parameter != nil {
                if text == "in: query" { parameter?.query = true }
                if text == "required: true" { parameter?.required = true }
            }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                flush()
                operation = nil
                let path = line.dropFirst(2).dropLast()
                routes.append((path.split(separator: "/").map(String.init), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), !routes.isEmpty {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) {
                    routes[routes.count - 1].methods.append(method)
                }
            }
        }
        flush()
        self.routes = routes
        var required: [String: [String]] = [:]
        for (operation, parameters) in operationParameters {
            required[operation] = parameters.filter { $0.query && $0.required }.map(\.name)
        }
        for (operation, keys) in references {
            required[operation, default: []] += keys.compactMap { shared[$0] }.filter { $0.query && $0.required }.map(\.name)
        }
        self.requiredQuery = required.filter { !$0.value.isEmpty }
    }

    /// The methods allowed on `path`, or `nil` when no route has that shape. A path matching both
    /// a literal route and a templated one is the literal route's (`/v1/invoices/drafts` is not
    /// `/v1/invoices/{invoiceId}`), as the router and OpenAPI resolve it.
    func methods(for path: String) -> [String]? {
        let matching = mostLiteral(path)
        guard !matching.isEmpty else { return nil }
        return Array(Set(matching.flatMap(\.methods))).sorted()
    }

    /// The template a path matches (`/v1/sessions/{sessionId}`), preferring literal segments;
    /// `nil` when none does. Metrics are labelled by template, never by raw path.
    func template(for path: String) -> String? {
        mostLiteral(path).first.map { "/" + $0.segments.joined(separator: "/") }
    }

    /// The routes of `path`'s shape with the most literal segments.
    private func mostLiteral(_ path: String) -> [(segments: [String], methods: [String])] {
        let segments = path.split(separator: "/").map(String.init)
        let matching = routes.filter { route in
            route.segments.count == segments.count && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        func literals(_ route: (segments: [String], methods: [String])) -> Int { route.segments.filter { !$0.hasPrefix("{") }.count }
        guard let most = matching.map(literals).max() else { return [] }
        return matching.filter { literals($0) == most }
    }
}
