import MuseoLab

/// How HTTP says each kind of refusal: its status, its title, and its problem type (RFC 9457).
/// The domain knows none of it.
extension Problem.Kind {
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
