public import ChatVaultCore
public import Crypto

/// The message store: the boundary between the pipeline and storage.
///
/// Everything above it (importers, the CLI, the server) speaks only these Swift
/// values; the embedded SQLite store implements it today and a PostgreSQL store can
/// implement it without changing a caller. It holds messages, their alerts, the audit
/// trail and the integrity log; review, retention and holds, reports and notices are
/// the smaller stores next to it, and ``ArchiveBackend`` is all of them. Implementations
/// promise:
///
/// - ``append(_:context:)`` returns only after the batch is durable, adds nothing for a
///   message already stored (same platform, conversation and source id), makes every
///   new record a leaf of the integrity log, and ends with a signed checkpoint;
/// - every read that a person asks for is recorded with ``recordAudit(action:actor:detail:)``
///   by the caller, and audit events are leaves like messages.
public protocol Archive: Sendable {
    /// Stores a batch and the policy alerts raised on it, atomically and durably. Each
    /// alert is stored only when its message is stored by this batch (a re-imported
    /// message adds no alert), and is a leaf of the integrity log like the message.
    func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext) async throws -> AppendReceipt

    /// Stored alerts, newest first: those in `state` (any when `nil`) raised by `rule` (any when `nil`).
    func alerts(state: Alert.State?, rule: String?, limit: Int) async throws -> [StoredAlert]

    /// Adds an event to the audit trail (and the integrity log), with a checkpoint.
    @discardableResult
    func recordAudit(action: String, actor: String, detail: JSONValue) async throws -> AuditEvent

    /// One page of messages matching `request` (see ``SearchRequest``).
    func search(_ request: SearchRequest) async throws -> SearchPage

    /// How many messages match `request`, counting at most `cap` (a result list shows "10,000+").
    func count(_ request: SearchRequest, cap: Int) async throws -> Int

    /// Conversations a person may mean by `reference`: `platform:id`, a platform id, or a name.
    func conversations(matching reference: String) async throws -> [ConversationRecord]

    /// All conversations, most recently active first.
    func conversations(limit: Int) async throws -> [ConversationRecord]

    /// The conversation with archive id `id`, with its participants.
    func conversation(id: Int64) async throws -> ConversationRecord?

    /// The distinct platforms in the archive, in byte order.
    func platforms() async throws -> [String]

    /// Messages of a conversation in sent order: the first `limit`, or `limit` centred on `around`.
    func transcript(conversationID: Int64, around messageID: Int64?, limit: Int) async throws -> [ArchivedMessage]

    /// The message with archive id `id`.
    func message(id: Int64) async throws -> ArchivedMessage?

    /// The archive ids of messages the platform knows as `sourceID`, optionally only in one
    /// conversation (its platform id) of one platform: what an investigator has in hand.
    /// A message stored under a derived id (an id the platform reused) is found too.
    func messageIDs(platform: String?, conversation: String?, sourceID: String) async throws -> [Int64]

    /// Which of `sourceIDs` the conversation `platform`/`conversation` already holds.
    func storedSourceIDs(platform: String, conversation: String, among sourceIDs: [String]) async throws -> Set<String>

    /// The stored content of an attachment, by its SHA-256; `nil` if the archive has none.
    func attachment(sha256: String) async throws -> [UInt8]?

    /// Audit events, newest first.
    func auditTrail(limit: Int) async throws -> [AuditEvent]

    /// Audit events, newest first, by `actor` and/or an action prefix (`hold.`), older than
    /// the event `beforeID` (for paging).
    func auditTrail(actor: String?, actionPrefix: String?, beforeID: Int64?, limit: Int) async throws -> [AuditEvent]

    /// Recomputes every leaf and checks every checkpoint against `trust`.
    func verify(_ trust: VerificationTrust) async throws -> VerificationReport

    /// An inclusion proof of a message against the latest checkpoint.
    func inclusionProof(messageID: Int64) async throws -> InclusionProof

    /// How many messages, conversations and audit events, and the latest checkpoint.
    func statistics() async throws -> ArchiveStatistics
}

extension Archive {
    /// Stores a batch atomically and durably, with no alerts.
    public func append(_ batch: [IncomingMessage], context: AppendContext) async throws -> AppendReceipt {
        try await append(batch, alerts: [], context: context)
    }

    /// How many messages match `request`, counting at most 10,000.
    public func count(_ request: SearchRequest) async throws -> Int {
        try await count(request, cap: 10_000)
    }

    /// Verifies with the vault's own key and no outside checkpoints.
    public func verify() async throws -> VerificationReport {
        try await verify(VerificationTrust())
    }
}

/// What a verification trusts from outside the vault.
///
/// A vault checked only against itself cannot notice a rewrite by someone holding its
/// private key, nor the removal of its newest records with their checkpoints. A public
/// key kept elsewhere and checkpoints saved elsewhere (`chatvault checkpoint`) close
/// both gaps: every checkpoint must carry a valid signature by `publicKey`, and the log
/// must still produce each witnessed root at its size.
public struct VerificationTrust: Sendable {
    /// The raw Ed25519 public key to check signatures with; `nil` uses the vault's own.
    public var publicKey: [UInt8]?
    /// Checkpoints saved earlier, outside the vault.
    public var witnesses: [Checkpoint]

    public init(publicKey: Curve25519.Signing.PublicKey? = nil, witnesses: [Checkpoint] = []) {
        self.publicKey = publicKey.map { Array($0.rawRepresentation) }
        self.witnesses = witnesses
    }
}
