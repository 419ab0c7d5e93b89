import Foundation
import MuseoLab

/// How the web pages are set up.
public struct WebSettings: Sendable {
    /// The address people reach the service at (`https://museolab.example.org`), which sign-in
    /// links point to. Unset, links point to the address a request came to only when that is a
    /// loopback address (the embedded run): a forged `Host` must never send a link elsewhere.
    public var publicURL: String?
    /// Cookies marked `Secure` (behind TLS).
    public var secureCookies: Bool
    /// How long links and sessions last.
    public var signIn: SignInPolicy
    /// Without an e-mail relay, sign-in links are written to the server's standard error, so
    /// that whoever runs it can sign in (the embedded run).
    public var showLinksOnStandardError: Bool
    /// Reverse proxies whose `X-Forwarded-For` names the client (as for the API).
    public var trustedProxies: Set<String>
    /// Signing in through the university's CAS server; off when `nil`.
    public var cas: CASSettings?

    public struct CASSettings: Sendable {
        /// The CAS server's base address, such as `https://cas.univ-artois.fr/cas`.
        public var server: String
        /// On a first sign-in with an address no account has, a member of this organisation is
        /// created; `nil`: only existing accounts sign in.
        public var createMembersOf: UUID?

        public init(server: String, createMembersOf: UUID? = nil) {
            self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
            self.createMembersOf = createMembersOf
        }
    }

    public init(
        publicURL: String? = nil, secureCookies: Bool = false, signIn: SignInPolicy = SignInPolicy(),
        showLinksOnStandardError: Bool = false, trustedProxies: Set<String> = [], cas: CASSettings? = nil
    ) {
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.secureCookies = secureCookies
        self.signIn = signIn
        self.showLinksOnStandardError = showLinksOnStandardError
        self.trustedProxies = trustedProxies
        self.cas = cas
    }
}
