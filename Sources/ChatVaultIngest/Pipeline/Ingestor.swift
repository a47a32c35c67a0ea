public import ChatVaultArchive
public import ChatVaultCore

/// Stores messages that arrive one batch at a time, from a live connector or the HTTP
/// ingest API, through the same redaction and policy stages as an import.
///
/// Concurrent batches may interleave while one is redacted or waits for the archive; the
/// policy stage evaluates and stores one batch at a time on the archive's policy state, so
/// a batch of one message raises what one import of everything would. The archive commits one batch at a time, and
/// ``ingest(_:source:)`` returns only after its batch is durable, with an outcome for every
/// item in the order given: a retried batch reports its messages as duplicates and adds
/// nothing.
public actor Ingestor {
    /// What happened to one item of a batch.
    public enum Outcome: Sendable, Hashable {
        case stored(id: Int64)
        case duplicate
        case rejected(reason: String)
    }

    public struct Report: Sendable {
        public var outcomes: [Outcome]
        public var alerts: Int
        public var redactions: Int
        /// The size of the integrity log after the batch (`0` when nothing was written).
        public var treeSize: Int

        public var stored: Int { outcomes.count { if case .stored = $0 { true } else { false } } }
        public var duplicates: Int { outcomes.count { $0 == .duplicate } }
        public var rejected: Int { outcomes.count { if case .rejected = $0 { true } else { false } } }
    }

    public let archive: any Archive
    var redaction: RedactionStage?
    var policy: PolicyStage?
    let actor: String

    public init(archive: any Archive, redaction: RedactionStage?, policy: PolicyStage?, actor: String) {
        self.archive = archive
        self.redaction = redaction
        self.policy = policy
        self.actor = actor
    }

    /// An ingestor applying the vault's own policy file, as `chatvault import` does.
    public static func forVault(_ vault: Vault, archive: any Archive, actor: String) throws -> Ingestor {
        Ingestor(archive: archive, redaction: try RedactionStage.forVault(vault), policy: try PolicyStage.forVault(vault), actor: actor)
    }

    /// Picks up a changed policy file: batches after this call use it.
    public func reload(from vault: Vault) throws {
        redaction = try RedactionStage.forVault(vault)
        policy = try PolicyStage.forVault(vault)
    }

    /// Redacts, evaluates and stores `items`; `source` names where they came from in the
    /// audit trail (e.g. `xmpp:prosody:alice@localhost` or `ingest:relay`).
    /// `deliveredBy` (`ingest:TOKEN`, `capture:SOURCE`) is stored in every message's record.
    public func ingest(
        _ items: [Result<IncomingMessage, InputError>], source: String, deliveredBy: String? = nil, alerts raised: [Alert] = []
    ) async throws -> Report {
        var outcomes = [Outcome?](repeating: nil, count: items.count)
        var prepared: [IncomingMessage] = []
        var positions: [Int] = []
        let alerts: [Alert] = raised
        var redactions = 0
        for (position, item) in items.enumerated() {
            switch item {
            case .failure(let error):
                outcomes[position] = .rejected(reason: error.reason)
            case .success(let incoming):
                var message = incoming
                if let redaction {
                    try await redaction.preparePortions(for: incoming.message, archive: archive)
                    message = redaction.apply(to: incoming)
                    redactions += message.message.redactions.count
                }
                prepared.append(message)
                positions.append(position)
            }
        }
        var treeSize = 0
        var storedAlerts = 0
        if !prepared.isEmpty {
            let context = AppendContext(actor: actor, source: source, deliveredBy: deliveredBy)
            let receipt =
                if let policy {
                    try await policy.store(prepared, alerts: alerts, in: archive, context: context).receipt
                } else {
                    try await archive.append(prepared, alerts: alerts, context: context)
                }
            treeSize = receipt.checkpoint?.treeSize ?? 0
            storedAlerts = receipt.alertIDs.count
            let duplicates = Set(receipt.duplicatePositions)
            var storedIDs = receipt.storedIDs.makeIterator()
            for (index, position) in positions.enumerated() {
                if duplicates.contains(index) {
                    outcomes[position] = .duplicate
                } else if let id = storedIDs.next() {
                    outcomes[position] = .stored(id: id)
                }
            }
        }
        return Report(outcomes: outcomes.map { $0 ?? .duplicate }, alerts: storedAlerts, redactions: redactions, treeSize: treeSize)
    }

    /// Stores already-parsed messages; see ``ingest(_:source:)``.
    public func ingest(_ messages: [IncomingMessage], source: String, deliveredBy: String? = nil) async throws -> Report {
        try await ingest(messages.map { .success($0) }, source: source, deliveredBy: deliveredBy)
    }

    /// Redacts, evaluates and stores a batch of gateway decisions through the same stages
    /// as ``ingest(_:source:deliveredBy:alerts:)``; `finishing` sees each message as
    /// evaluated before it is stored (a refused one becomes a `blocked` record). Returns the
    /// receipt and the messages as stored with the alerts each raised.
    public func decide(
        _ batch: [IncomingMessage], source: String, deliveredBy: String, finishing: @Sendable (inout [PolicyStage.Evaluated]) throws -> Void
    ) async throws -> PolicyStage.Stored {
        var prepared = batch
        if let redaction {
            for index in prepared.indices {
                try await redaction.preparePortions(for: prepared[index].message, archive: archive)
                prepared[index] = redaction.apply(to: prepared[index])
            }
        }
        let context = AppendContext(actor: actor, source: source, deliveredBy: deliveredBy)
        if let policy { return try await policy.store(prepared, in: archive, context: context, finishing: finishing) }
        var evaluated = prepared.map { PolicyStage.Evaluated(message: $0, alerts: [], isArchived: false) }
        try finishing(&evaluated)
        return PolicyStage.Stored(receipt: try await archive.append(evaluated.map(\.message), alerts: [], context: context), messages: evaluated)
    }
}
