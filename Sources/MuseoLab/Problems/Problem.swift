/// A request the service refuses, said so that a person can fix it.
///
/// The HTTP front end renders it as RFC 9457 `application/problem+json`; the CLI
/// prints it as an error line. `kind` gives the stable `type` and the status.
public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: Kind
    /// What is wrong, in a sentence.
    public var detail: String
    /// The offending field (a JSON name, `body.machine.status` style paths for nested ones).
    public var field: String?
    /// Further offending fields, when several are wrong at once.
    public var errors: [FieldError]
    /// Seconds to wait before retrying, for `tooManyRequests`.
    public var retryAfter: Int?

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
    }

    public var description: String {
        field.map { "\(detail) (\($0))" } ?? detail
    }

    /// The kinds of refusal; each has a stable slug (the `type` URI ends with it) and an HTTP status.
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

        public var status: Int {
            switch self {
            case .malformedRequest: 400
            case .invalidField, .unknownField: 422
            case .authenticationRequired: 401
            case .forbidden: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .conflict, .duplicate: 409
            case .payloadTooLarge: 413
            case .unsupportedMediaType: 415
            case .tooManyRequests: 429
            case .unavailable: 503
            case .internalError: 500
            case .endNotAfterStart, .startInPast, .tooLong, .beyondHorizon, .outsideOpeningHours, .closureDay,
                .staffUnavailable, .machineUnavailable:
                422
            case .authorisationRequired: 403
            case .bookingConflict, .invalidTransition: 409
            }
        }

        public var title: String {
            switch self {
            case .malformedRequest: "The request is malformed"
            case .invalidField: "A field is invalid"
            case .unknownField: "A field is not part of this request"
            case .authenticationRequired: "Authentication is required"
            case .forbidden: "Your role does not allow this"
            case .notFound: "Not found"
            case .methodNotAllowed: "Method not allowed"
            case .conflict: "This conflicts with the current state"
            case .duplicate: "This already exists"
            case .payloadTooLarge: "The request body is too large"
            case .unsupportedMediaType: "Unsupported media type"
            case .tooManyRequests: "Too many requests"
            case .unavailable: "The service is unavailable"
            case .internalError: "Internal error"
            case .endNotAfterStart: "The end is not after the start"
            case .startInPast: "The start is in the past"
            case .tooLong: "Longer than the longest session allowed"
            case .beyondHorizon: "Too far ahead to book"
            case .outsideOpeningHours: "Outside the opening hours"
            case .closureDay: "The MuséoLab is closed that day"
            case .staffUnavailable: "The staff member is not available"
            case .machineUnavailable: "The machine cannot be booked"
            case .authorisationRequired: "An authorisation is required for this machine"
            case .bookingConflict: "Already booked at that time"
            case .invalidTransition: "Not possible in the session's current state"
            }
        }

        /// The problem type URI (RFC 9457 §3.1.1), relative to the service; the server documents it there.
        public var typeURI: String { "/problems/\(rawValue)" }
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
