public import ChatVaultCore

/// A format ChatVault can import: ChatVault JSONL, a Slack export, a WhatsApp chat…
///
/// Each format lives in its own file under `Formats/` and turns an export into
/// ``IncomingMessage``s through a ``MessageSource``. Everything after that — redaction,
/// batching, durability, deduplication, the audit trail — is the same for every format.
public protocol ImportFormat: Sendable {
    /// The name used with `--format`, e.g. `jsonl`, `slack`.
    var name: String { get }

    /// Opens an export for reading; throws an ``InputError`` naming the path if it cannot.
    func open(_ path: String) throws -> any MessageSource

    /// Whether `path` looks like an export of this format, for `--format auto`.
    func recognizes(_ path: String) -> Bool
}

/// The messages of one export, read one at a time in a stable order (so a re-run
/// meets them in the same order and a resumed import is idempotent).
public protocol MessageSource: AnyObject {
    /// The next message, or why one entry of the export could not be read; `nil` at the end.
    func next() throws -> SourceItem?
}

/// One entry of an export: a message, or the reason it was rejected.
public struct SourceItem: Sendable {
    public var result: Result<IncomingMessage, InputError>
    /// The entry's position for progress reports: a line number in line-based files, a
    /// running count of entries otherwise.
    public var position: Int

    public init(_ result: Result<IncomingMessage, InputError>, position: Int) {
        self.result = result
        self.position = position
    }
}
