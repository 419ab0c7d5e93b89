import Foundation

/// A browser signed in: kept in PostgreSQL (every server process sees it, a restart keeps it),
/// named by a random secret the browser holds in a cookie, of which only the hash is stored.
public struct WebSession: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable {
        case emailLink = "email_link"
        case cas
    }

    public var id: UUID
    public var userId: UUID
    public var method: Method
    public var startedAt: Date
    public var lastSeenAt: Date
    /// The absolute expiry: the session ends then, however active.
    public var expiresAt: Date
    public var endedAt: Date?
}

/// How long links and sessions last.
public struct SignInPolicy: Sendable, Equatable {
    /// A link sent by e-mail opens a session within this time, once.
    public var linkLifetime: TimeInterval
    /// A session unused for this long has ended.
    public var idleTimeout: TimeInterval
    /// A session ends this long after it started, however active.
    public var absoluteLifetime: TimeInterval

    public init(linkLifetime: TimeInterval = 15 * 60, idleTimeout: TimeInterval = 2 * 3600, absoluteLifetime: TimeInterval = 24 * 3600) {
        self.linkLifetime = linkLifetime
        self.idleTimeout = idleTimeout
        self.absoluteLifetime = absoluteLifetime
    }

    /// Last use is written at most this often per session, so that most pages only read.
    static let seenResolution: TimeInterval = 60
}

/// Why a sign-in link or a session was refused: facts, which each front end words.
public struct SignInRefusal: Error, Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// No such link or session (or not one of ours).
        case unknown
        /// The link has already been used.
        case linkUsed
        case linkExpired
        /// The session was signed out, or signed out everywhere.
        case sessionEnded
        /// The session has not been used for longer than the idle time.
        case sessionIdle
        /// The session has reached its absolute expiry.
        case sessionExpired
        case accountDisabled
        /// CAS said who, but gave no e-mail address to find the account by.
        case noEmail
        /// No account has the address CAS gave, and none is created on first sign-in.
        case noAccount
        /// The CAS server refused the ticket (used, expired, for another service) or could not be asked.
        case casRefused
    }

    public var reason: Reason
    public init(_ reason: Reason) { self.reason = reason }
}

/// A link just issued. Its secret leaves the domain only so that a run without an e-mail relay
/// can show it where the operator reads it; it is otherwise only in the e-mail.
public struct IssuedSignInLink: Sendable {
    public var email: String
    public var secret: String
    public var expiresAt: Date
}

/// A session just opened, with the secret its cookie carries (shown to no one else).
public struct OpenedWebSession: Sendable {
    public var secret: String
    public var session: WebSession
}
