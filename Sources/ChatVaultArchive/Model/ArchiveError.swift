/// Why an archive operation failed, told apart by ``code``, said for a person by ``message``.
///
/// Every backend throws this one type, so a caller decides what to do from the code and
/// never from the wording: the console maps each code to one HTTP status, the CLI prints
/// the message. The message is shown as it is and must never carry stored content.
///
/// ```swift
/// do { try await archive.releaseHold(id: 7, actor: "officer-a") }
/// catch let error as ArchiveError where error.code == .notFound { … }
/// ```
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, independent of the backend and of the wording.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The request is malformed or refused by a rule of the input (a query without
        /// a word, a retention period under a day, attachment bytes that do not match).
        case invalid
        /// The thing named does not exist (a hold, a disposition, an alert, a message).
        case notFound
        /// The thing exists but its state forbids the step (already released, already
        /// completed, a review transition that is not allowed, the two-person rule).
        case conflict
        /// Well formed but too expensive to answer: the search stopped at its time limit.
        case tooExpensive
        /// The store could not do it now (a file or device error, no attachment store).
        case unavailable
        /// The archive's own records are damaged; `chatvault verify` tells more.
        case corrupt
    }

    public var code: Code
    /// The sentence shown to the person, exactly as tests and documentation quote it.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The archive's own records are damaged.
    public static func corrupt(_ reason: String) -> ArchiveError { ArchiveError(.corrupt, "archive damaged: \(reason)") }
    /// `what` does not exist (the message reads "`what` not found").
    public static func notFound(_ what: String) -> ArchiveError { ArchiveError(.notFound, "\(what) not found") }
    /// The input is refused.
    public static func invalid(_ message: String) -> ArchiveError { ArchiveError(.invalid, message) }
    /// The state of the thing forbids the step.
    public static func conflict(_ message: String) -> ArchiveError { ArchiveError(.conflict, message) }

    /// The error for a search stopped after `limit`.
    public static func searchTimedOut(after limit: Duration) -> ArchiveError {
        let milliseconds = limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000
        let shown = milliseconds >= 1000 && milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
        return ArchiveError(
            .tooExpensive,
            "the search was stopped after its time limit of \(shown): use longer words, fewer prefixes or OR terms, or a date range")
    }
}
