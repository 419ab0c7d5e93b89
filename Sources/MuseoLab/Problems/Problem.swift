/// A request the service refuses, said so that a person can fix it.
///
/// A kind, the field concerned and the facts (the detail, when to retry): each front end says it
/// its own way. The HTTP one renders it as RFC 9457 `application/problem+json`, with the status
/// and title it gives each kind; the CLI prints it as an error line.
public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: Kind
    /// What is wrong, in a sentence.
    public var detail: String
    /// The offending field (a JSON name, `body.machine.status` style paths for nested ones).
    public var field: String?
    /// Further offending fields, when several are wrong at once.
    public var errors: [FieldError]
    /// Seconds to wait before retrying, for `tooManyRequests` and `unavailable`.
    public var retryAfter: Int?
    /// The refusal as facts, where a front end says more than `detail` in its own words.
    public var fault: Fault?

    /// Refusals told as facts (a line, a value, what was expected), one case per kind of input.
    public enum Fault: Sendable, Equatable {
        case tariffTable(TariffTableFault)
    }

    public struct FieldError: Sendable, Equatable, Codable {
        public var field: String
        public var detail: String
        public init(field: String, detail: String) {
            self.field = field
            self.detail = detail
        }
    }

    public init(_ kind: Kind, _ detail: String, field: String? = nil, errors: [FieldError] = [], retryAfter: Int? = nil) {
        self.kind = kind
        self.detail = detail
        self.field = field
        self.errors = errors
        self.retryAfter = retryAfter
        self.fault = nil
    }

    public var description: String {
        field.map { "\(detail) (\($0))" } ?? detail
    }

    /// The kinds of refusal; each has a stable slug (the `type` URI ends with it).
    public enum Kind: String, Sendable, CaseIterable {
        case malformedRequest = "malformed-request"
        case invalidField = "invalid-field"
        case unknownField = "unknown-field"
        case authenticationRequired = "authentication-required"
        case forbidden = "forbidden"
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case conflict = "conflict"
        case duplicate = "duplicate"
        case payloadTooLarge = "payload-too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case tooManyRequests = "too-many-requests"
        case unavailable = "service-unavailable"
        case internalError = "internal-error"
        // Scheduling rules: each says which rule a booking breaks.
        case endNotAfterStart = "end-not-after-start"
        case startInPast = "start-in-the-past"
        case tooLong = "longer-than-maximum"
        case beyondHorizon = "beyond-booking-horizon"
        case outsideOpeningHours = "outside-opening-hours"
        case closureDay = "closure-day"
        case staffUnavailable = "staff-unavailable"
        case machineUnavailable = "machine-unavailable"
        case authorisationRequired = "authorisation-required"
        case bookingConflict = "booking-conflict"
        case invalidTransition = "invalid-transition"

        /// A refusal of this kind tells of a conflict with the state of things (another booking,
        /// the document's status, something that already exists), rather than of bad input.
        public var isConflict: Bool {
            [.conflict, .duplicate, .bookingConflict, .invalidTransition].contains(self)
        }
    }
}

extension Problem {
    public static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(.invalidField, detail, field: field)
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, "\(what) not found")
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, detail)
    }

    public static func conflict(_ detail: String, field: String? = nil) -> Problem {
        Problem(.conflict, detail, field: field)
    }
}
