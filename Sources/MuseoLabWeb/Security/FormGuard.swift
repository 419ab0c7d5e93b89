import Foundation
import Hummingbird
import MuseoLab

/// Cross-site request forgery is refused twice over: every form carries the token of the
/// browser's CSRF cookie (which another site can neither read nor set), and a form posted from
/// a page of another origin is refused by its `Origin` header.
enum FormGuard {
    static let scheme = "mlcsrf_"

    /// A new token: 32 random bytes, in the shape `SecretRedaction` recognises.
    static func newToken() -> String { TokenSecret.generate(scheme: scheme) }

    /// Whether a posted form's token is the cookie's (compared in constant time).
    static func tokenMatches(form: String?, cookie: String?) -> Bool {
        guard let form, let cookie, form.hasPrefix(scheme), form.utf8.count == cookie.utf8.count else { return false }
        return zip(form.utf8, cookie.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether the request's `Origin`, when it has one, is the host it was sent to.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host else { return false }
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(originHost)\(port)".lowercased() == host.lowercased()
    }
}
