import Hummingbird
import NIOCore

/// The request context: Hummingbird's core, plus the peer's address (for the
/// authentication throttle and the logs).
public struct MuseoLabRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Who is calling, as an address: the peer, or, when the peer is a trusted reverse proxy,
/// the last address it appended to `X-Forwarded-For` that is not itself a trusted proxy.
public struct ClientAddress {
    public static func of(_ request: Request, peer: SocketAddress?, trustedProxies: Set<String>) -> String {
        let peerAddress = peer?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peerAddress), let forwarded = request.headers[.init("X-Forwarded-For")!] else { return peerAddress }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peerAddress
    }
}
