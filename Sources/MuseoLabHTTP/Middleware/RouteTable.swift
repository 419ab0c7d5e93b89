@_spi(Internal) import Hummingbird
import Synchronization
import Yams

/// The routes the router serves, to tell "no such resource" (404) from "not with this method"
/// (405, with `Allow`): the router answers both alike. Built from the router's own list of
/// routes into a trie of Hummingbird's, so a path resolves exactly as the router resolves it
/// (a literal segment before a parameter: `/v1/invoices/drafts` is not `/v1/invoices/{invoiceId}`).
final class RouteTable: Sendable {
    private let trie = Mutex<RouterTrie<[String]>?>(nil)

    init() {}

    /// Takes the router's routes, once they are all registered (middleware comes first in Hummingbird).
    func load<Context: RequestContext>(_ routes: [Router<Context>.RouteDescription]) {
        let builder = RouterPathTrieBuilder<[String]>()
        for (path, methods) in Dictionary(grouping: routes, by: { $0.path.description }) {
            builder.addEntry(RouterPath(path), value: Array(Set(methods.map(\.method.rawValue))).sorted())
        }
        let built = builder.build()
        trie.withLock { $0 = built }
    }

    /// The methods allowed on `path`, or `nil` when no route has that shape.
    func methods(for path: String) -> [String]? {
        trie.withLock { $0?.resolve(path)?.value }
    }
}

/// Each operation's required query parameters, in the order the generated code reads them: it
/// reports one missing in a non-empty query without its name, so the name is found here. Read
/// once from the OpenAPI document with a YAML parser.
struct RequiredQueryParameters: Sendable {
    let byOperation: [String: [String]]

    init(openAPI yaml: String) throws {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any] else {
            byOperation = [:]
            return
        }
        let shared = ((document["components"] as? [String: Any])?["parameters"] as? [String: Any]) ?? [:]
        func resolve(_ parameter: Any) -> [String: Any]? {
            guard let parameter = parameter as? [String: Any] else { return nil }
            if let reference = parameter["$ref"] as? String {
                return shared[String(reference.split(separator: "/").last ?? "")] as? [String: Any]
            }
            return parameter
        }
        var byOperation: [String: [String]] = [:]
        for case let item as [String: Any] in ((document["paths"] as? [String: Any]) ?? [:]).values {
            let common = (item["parameters"] as? [Any]) ?? []
            for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
                guard let operation = item[method] as? [String: Any], let id = operation["operationId"] as? String else { continue }
                let parameters = (common + ((operation["parameters"] as? [Any]) ?? [])).compactMap(resolve)
                let required = parameters.filter { $0["in"] as? String == "query" && $0["required"] as? Bool == true }.compactMap { $0["name"] as? String }
                if !required.isEmpty { byOperation[id] = required }
            }
        }
        self.byOperation = byOperation
    }

    subscript(operation: String) -> [String]? { byOperation[operation] }
}
