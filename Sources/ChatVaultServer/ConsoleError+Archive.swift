public import ChatVaultArchive
public import HTTPTypes

extension ArchiveError.Code {
    /// The one place an archive error code becomes an HTTP status.
    ///
    /// | code | status |
    /// |---|---|
    /// | `invalid` | 400 Bad Request |
    /// | `notFound` | 404 Not Found |
    /// | `conflict` | 409 Conflict |
    /// | `tooExpensive` | 422 Unprocessable Content |
    /// | `unavailable` | 503 Service Unavailable |
    /// | `corrupt` | 500 Internal Server Error |
    public var httpStatus: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooExpensive: .unprocessableContent
        case .unavailable: .serviceUnavailable
        case .corrupt: .internalServerError
        }
    }

    /// Whether the message speaks of the request (shown as it is) rather than of the
    /// server's own state (logged, and answered with a general sentence).
    public var isAboutTheRequest: Bool {
        switch self {
        case .invalid, .notFound, .conflict, .tooExpensive: true
        case .unavailable, .corrupt: false
        }
    }
}

extension ConsoleError {
    /// The answer to an archive error: its code's status, and its message when the
    /// message is about the request.
    public init(_ error: ArchiveError) {
        self.init(
            error.code.httpStatus,
            error.code.isAboutTheRequest ? error.message : "the server could not complete the request")
    }
}
