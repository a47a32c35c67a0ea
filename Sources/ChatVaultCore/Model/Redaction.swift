/// What the redactor removed from a message, kept with the message instead of the value:
/// which rule fired, what kind of data it was, where the replacement stands in the stored
/// text, and how it was replaced. The original value is never part of this record.
public struct Redaction: Sendable, Hashable, Codable {
    /// How a matched value was replaced.
    public enum Operation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Replaced by a label such as `[REDACTED:CREDIT_CARD]`.
        case replace
        /// Masked, keeping the last few characters: `•••• •••• •••• 4242`.
        case mask
        /// Replaced by a keyed hash token, the same for the same value within a vault.
        case hash
        /// The whole message was not archived.
        case drop
    }

    /// Which text of the message: `text`, `edited_from.N` for the N-th earlier version, or
    /// `attachment.N` for the text of the N-th attachment.
    public var field: String
    /// The rule that fired, e.g. `pii.credit_card` or `keyword.project-falcon`.
    public var rule: String
    /// The kind of data: `CREDIT_CARD`, `US_SSN`, `IBAN`, `EMAIL_ADDRESS`, `KEYWORD`, …
    public var type: String
    /// Start of the replacement in the stored (redacted) text, in Unicode scalars.
    public var start: Int
    /// End of the replacement in the stored text, in Unicode scalars, exclusive.
    public var end: Int
    public var operation: Operation

    public init(rule: String, type: String, start: Int, end: Int, operation: Operation, field: String = "text") {
        self.field = field
        self.rule = rule
        self.type = type
        self.start = start
        self.end = end
        self.operation = operation
    }
}
