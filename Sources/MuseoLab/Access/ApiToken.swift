import Crypto
import Foundation

/// A personal API token, as listed: never the secret, which is shown once at creation.
public struct ApiToken: Sendable, Equatable, Codable {
    public var id: UUID
    public var userId: UUID
    public var label: String
    /// The first characters of the secret, to recognise a token in a list.
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?
    /// The token it was created with, when it was: it expires no later, and is revoked with it.
    public var createdByTokenId: UUID?

    public func isUsable(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}

/// A newly created token with its secret, which is not stored and cannot be shown again.
public struct IssuedToken: Sendable {
    public var token: ApiToken
    public var secret: String
}

/// The secret's format: `mlab_` and 43 base64url characters (32 random bytes).
public enum TokenSecret {
    public static let scheme = "mlab_"

    /// A new secret of `scheme` (`mlab_` API tokens, `mllink_` sign-in links, `mlsess_` web
    /// sessions): 32 random bytes in base64url, which `SecretRedaction` recognises in any text.
    public static func generate(scheme: String = scheme) -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return scheme + base64
    }

    static func isWellFormed(_ secret: String, scheme: String = scheme) -> Bool {
        secret.hasPrefix(scheme) && secret.utf8.count == scheme.utf8.count + 43
            && secret.utf8.dropFirst(scheme.utf8.count).allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            }
    }

    static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    static func prefix(_ secret: String) -> String {
        String(secret.prefix(12))
    }
}
