/// What an export is written as.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// `messages.jsonl`: each line is the archive's canonical record of a message, the
    /// very bytes its inclusion proof covers.
    case jsonl
    /// One self-contained HTML transcript per conversation.
    case html
    /// One RFC 5322 message per conversation and day, text and HTML, attachments attached.
    case eml
}
