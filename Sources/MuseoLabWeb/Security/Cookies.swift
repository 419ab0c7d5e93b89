import Foundation
import Hummingbird

/// The two cookies of the web pages: the session's secret, and the token every form repeats
/// (double submit). Both `HttpOnly` and `SameSite=Lax`; `Secure` behind TLS.
enum Cookies {
    static let session = "museolab_session"
    static let csrf = "museolab_csrf"

    static func make(_ name: String, _ value: String, maxAge: Int?, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A cookie the browser drops at once.
    static func cleared(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
