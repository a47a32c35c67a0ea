/// What an export is written as.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// `messages.jsonl`: each line is the archive's canonical record of a message, the
    /// very bytes its inclusion proof covers.
    case jsonl
    /// One self-contained HTML transcript per conversation.
    case html
    /// One RFC 5322 message per conversation and day, text and HTML, attachments attached.
    case eml
    /// Relativity Short Message Format 2.0: one `.rsmf` file per conversation and day, an
    /// RFC 5322 message carrying `rsmf.zip` (`rsmf_manifest.json` and the attachments).
    case rsmf
    /// EDRM XML 1.2 (`edrm/loadfile.xml`) with a Concordance load file (`edrm/loadfile.dat`)
    /// and one native text file per message, stored attachments as child documents.
    case edrm

    /// The formats' names, for help and error messages: `jsonl, html, eml, rsmf or edrm`.
    public static var names: String {
        let all = allCases.map(\.rawValue)
        return all.dropLast().joined(separator: ", ") + " or " + all.last!
    }
}
