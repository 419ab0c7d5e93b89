import Foundation
@testable import MuseoLab
@testable import MuseoLabWeb

/// The pages as a browser without JavaScript uses them: signed in by a link, forms posted with
/// their CSRF token and origin, answers read raw (status, headers and page).
struct PageClient: Sendable {
    let port: Int
    let cookie: String
    let csrf: String

    static func signIn(_ t: TestLab, _ server: TestServer, as person: TestLab.Person) async throws -> PageClient {
        let signIn = WebSignIn(database: t.lab.database, now: t.lab.now, linksPerAddress: 1_000, linksPerEmail: 1_000)
        guard let link = try await signIn.requestLink(email: person.user.email, from: "page-tests", link: { $0 }) else {
            throw Problem.notFound("sign-in link")
        }
        let csrf = FormGuard.newToken()
        return PageClient(port: server.port, cookie: "museolab_session=\(try await signIn.redeem(link.secret).secret); museolab_csrf=\(csrf)", csrf: csrf)
    }

    func send(_ method: String, _ path: String, _ form: [String: String]? = nil) async throws -> (status: Int, text: String) {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nCookie: \(cookie)\r\n"
        if let form {
            let body = form.merging(["csrf": csrf]) { $1 }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            request += "Origin: http://127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            request += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            request += "\r\n"
        }
        let response = try await RawHTTP.exchange(port: port, request)
        return (Int(response.split(separator: " ").dropFirst().first ?? "") ?? 0, response)
    }
}
