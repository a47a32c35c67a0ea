public import ChatVaultCore

/// The boundary between the pipeline and storage.
///
/// Everything above it (importers, the CLI, the server) speaks only these Swift
/// values; the embedded SQLite store implements it today and a PostgreSQL store can
/// implement it without changing a caller. Implementations promise:
///
/// - ``append(_:context:)`` returns only after the batch is durable, adds nothing for a
///   message already stored (same platform, conversation and source id), makes every
///   new record a leaf of the integrity log, and ends with a signed checkpoint;
/// - every read that a person asks for is recorded with ``recordAudit(action:actor:detail:)``
///   by the caller, and audit events are leaves like messages.
public protocol Archive: Sendable {
    /// Stores a batch atomically and durably.
    func append(_ batch: [IncomingMessage], context: AppendContext) async throws -> AppendReceipt

    /// Adds an event to the audit trail (and the integrity log), with a checkpoint.
    @discardableResult
    func recordAudit(action: String, actor: String, detail: JSONValue) async throws -> AuditEvent

    func search(_ request: SearchRequest) async throws -> SearchPage

    /// Conversations a person may mean by `reference`: `platform:id`, a platform id, or a name.
    func conversations(matching reference: String) async throws -> [ConversationRecord]

    /// All conversations, most recently active first.
    func conversations(limit: Int) async throws -> [ConversationRecord]

    /// Messages of a conversation in sent order: the first `limit`, or `limit` centred on `around`.
    func transcript(conversationID: Int64, around messageID: Int64?, limit: Int) async throws -> [ArchivedMessage]

    func message(id: Int64) async throws -> ArchivedMessage?

    /// Audit events, newest first.
    func auditTrail(limit: Int) async throws -> [AuditEvent]

    /// Recomputes every leaf and checks every checkpoint.
    func verify() async throws -> VerificationReport

    /// An inclusion proof of a message against the latest checkpoint.
    func inclusionProof(messageID: Int64) async throws -> InclusionProof

    func statistics() async throws -> ArchiveStatistics
}
