public import ChatVaultCore

/// What the redactor made of one message.
public struct RedactionOutcome: Sendable, Hashable {
    /// The text to store. Empty when the message is dropped.
    public var text: String
    /// Where each replacement stands in `text`, in Unicode scalars; for a dropped message,
    /// one `drop` record at 0..<0 naming the rule that dropped it.
    public var redactions: [Redaction]
    /// Where each removed value stood in the input, in Unicode scalars, end exclusive.
    /// For `chatvault redact` and evaluation; never stored.
    public var originalSpans: [OriginalSpan]
    /// A `drop` rule fired: the message must not be archived.
    public var dropMessage: Bool

    public init(text: String, redactions: [Redaction], originalSpans: [OriginalSpan], dropMessage: Bool) {
        self.text = text
        self.redactions = redactions
        self.originalSpans = originalSpans
        self.dropMessage = dropMessage
    }
}
