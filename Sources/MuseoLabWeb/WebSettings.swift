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

    public init(
        publicURL: String? = nil, secureCookies: Bool = false, signIn: SignInPolicy = SignInPolicy(),
        showLinksOnStandardError: Bool = false, trustedProxies: Set<String> = []
    ) {
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.secureCookies = secureCookies
        self.signIn = signIn
        self.showLinksOnStandardError = showLinksOnStandardError
        self.trustedProxies = trustedProxies
    }
}
