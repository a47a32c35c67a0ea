public import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultPolicy
import Crypto
public import Foundation

/// The pipeline stage that polices IM use: after redaction and before the archive, each
/// message is evaluated against the vault's rules, walls, contact lists and sampling,
/// and the alerts go into the archive with the batch. A rule with action `redact` masks
/// its matched words (same length, so earlier redaction positions stay valid).
///
/// The policy's state (personal-use counts, walls and contacts already alerted, sampling
/// draws) lives in the archive (``PolicyStateStore``): ``store(_:alerts:in:context:finishing:)``
/// reads what a batch needs, evaluates, and appends the batch with its state changes in
/// one transaction, so an import, an ingest request, a capture batch and a gateway
/// decision raise the same alerts as one import of everything. One batch of a stage is
/// evaluated and stored at a time; a writer elsewhere (another process) is caught by the
/// store's generation check, and the batch is evaluated again on the new state.
public final class PolicyStage: @unchecked Sendable {
    /// A message after evaluation.
    public struct Evaluated: Sendable {
        /// The message as it will be stored (masked where a `redact` rule matched).
        public var message: IncomingMessage
        /// The alerts it raised; none for a message already archived.
        public var alerts: [Alert]
        /// Whether the archive already holds it, so storing it adds nothing: it counted
        /// nothing and raised nothing.
        public var isArchived: Bool
    }

    /// A stored batch: the archive's receipt and each message as evaluated, in batch order.
    public struct Stored: Sendable {
        public var receipt: AppendReceipt
        public var messages: [Evaluated]
    }

    private var evaluator: PolicyEvaluator
    /// The state generation the evaluator's memory is current for; `nil` when it holds nothing trusted.
    private var generation: Int64?
    private let lock = NSLock()
    private let gate = SerialGate()
    /// How many times a batch is evaluated again after another writer changed the state.
    static let maxAttempts = 20
    /// Above this many conversations and days in memory, the stage forgets them (they are
    /// read back from the archive when needed).
    static let maxRemembered = 100_000

    public init(evaluator: PolicyEvaluator) {
        self.evaluator = evaluator
        self.evaluator.recordChanges()
    }

    /// The policy's version (SHA-256 of the file).
    public var version: String { evaluator.policy.version }

    /// The vault's stage, or `nil` when its policy file has no IM-use rules.
    public static func forVault(_ vault: Vault) throws -> PolicyStage? {
        guard let text = try vault.policyText() else { return nil }
        let policy = try UsePolicy.load(yaml: text, source: vault.policyURL.path)
        guard policy.hasRules else { return nil }
        let directory = try loadDirectory(of: vault)
        return PolicyStage(evaluator: try PolicyEvaluator(policy: policy, directory: directory, seed: try samplingSeed(of: vault)))
    }

    /// Where `chatvault directory import` keeps the people of a vault.
    public static func directoryURL(of vault: Vault) -> URL { vault.directory.appendingPathComponent("directory.json") }

    public static func loadDirectory(of vault: Vault) throws -> Directory {
        let url = directoryURL(of: vault)
        guard let data = FileManager.default.contents(atPath: url.path) else { return Directory() }
        return Directory(people: try JSONDecoder().decode([DirectoryPerson].self, from: data))
    }

    /// A seed derived from the vault's secret: the same vault always draws the same conversations.
    public static func samplingSeed(of vault: Vault) throws -> UInt64 {
        let digest = Array(SHA256.hash(data: Array("chatvault.sampling".utf8) + (try vault.redactionSecret())))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Whether the stage has not seen the message's conversation in this run yet.
    public func needsHistory(of message: Message) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !evaluator.knows(platform: message.platform, conversation: message.conversation)
    }

    /// Adds the participants the archive already holds for the message's conversation.
    public func remember(_ message: Message, participants: [Handle]) {
        lock.lock()
        defer { lock.unlock() }
        evaluator.remember(platform: message.platform, conversation: message.conversation, participants: participants)
    }

    /// Evaluates one (already redacted) message on the stage's memory only; masks what
    /// `redact` rules matched. The state it changes is not stored: use
    /// ``store(_:alerts:in:context:finishing:)`` to archive a batch.
    public func apply(to incoming: inout IncomingMessage) -> [Alert] {
        lock.lock()
        defer { lock.unlock() }
        var alerts = evaluator.evaluate(incoming.message, conversationKind: incoming.conversationKind)
        _ = evaluator.takeChanges()
        // Memory now holds a change the archive does not: the next stored batch reads afresh.
        generation = nil
        Self.mask(&incoming, alerts: &alerts)
        return alerts
    }

    /// Evaluates a batch on the archive's policy state and appends it with its alerts
    /// (`extra` ones too) and state changes in one transaction.
    ///
    /// A message the archive already holds (a retried import or request) is evaluated for
    /// its stored form only: it raises nothing and counts nothing. `finishing` may change
    /// the evaluated messages before they are stored (the gateway marks a blocked one); it
    /// runs again if the batch is evaluated again.
    public func store(
        _ batch: [IncomingMessage], alerts extra: [Alert] = [], in archive: any Archive, context: AppendContext,
        finishing: @Sendable (inout [Evaluated]) throws -> Void = { _ in }
    ) async throws -> Stored {
        guard let store = archive as? any PolicyStateStore else {
            return try await storeInMemory(batch, alerts: extra, in: archive, context: context, finishing: finishing)
        }
        return try await gate.run {
            var lastConflict: PolicyStateConflict?
            for _ in 0..<Self.maxAttempts {
                let snapshot = try await self.snapshot(for: batch, from: store)
                var evaluated = self.evaluate(batch, on: snapshot)
                do {
                    try finishing(&evaluated.messages)
                    let receipt = try await store.append(
                        evaluated.messages.map(\.message), alerts: extra + evaluated.messages.flatMap(\.alerts),
                        policyState: PolicyStateDelta(basis: snapshot.generation, changes: evaluated.changes), context: context)
                    self.stored(on: snapshot.generation, changed: receipt.stored > 0 || !evaluated.changes.isEmpty)
                    return Stored(receipt: receipt, messages: evaluated.messages)
                } catch let conflict as PolicyStateConflict {
                    self.distrustMemory()
                    lastConflict = conflict
                } catch {
                    self.distrustMemory()
                    throw error
                }
            }
            throw lastConflict ?? PolicyStateConflict(expected: 0, found: 0)
        }
    }

    /// Reads the state `batch` needs that memory does not hold; memory that another writer
    /// made stale is dropped and everything is read again.
    private func snapshot(for batch: [IncomingMessage], from store: any PolicyStateStore) async throws -> PolicyStateSnapshot {
        let messages = batch.map(\.message)
        while true {
            let (keys, trusted) = locked {
                if generation == nil { evaluator.forget() }
                return (evaluator.missingState(for: messages), generation)
            }
            let snapshot = try await store.policyState(for: keys, messages: messages.map(\.dedupKey))
            if trusted == nil || trusted == snapshot.generation { return snapshot }
            distrustMemory()
        }
    }

    /// Evaluates `batch` in order on memory brought up to `snapshot`, undoing what each
    /// message already archived (or repeated earlier in the batch) changed.
    private func evaluate(_ batch: [IncomingMessage], on snapshot: PolicyStateSnapshot) -> (messages: [Evaluated], changes: [PolicyStateChange]) {
        locked {
            evaluator.restore(snapshot.state)
            var evaluated: [Evaluated] = []
            evaluated.reserveCapacity(batch.count)
            var changes: [PolicyStateChange] = []
            var earlier: [Message.DedupKey: [PolicyStateSnapshot.ArchivedCopy]] = [:]
            for incoming in batch {
                var message = incoming
                var alerts = evaluator.evaluate(message.message, conversationKind: message.conversationKind)
                let made = evaluator.takeChanges()
                Self.mask(&message, alerts: &alerts)
                let copy = PolicyStateSnapshot.ArchivedCopy(text: message.message.text, sender: message.message.sender.id)
                let key = message.message.dedupKey
                if snapshot.isArchived(message.message) || earlier[key]?.contains(copy) == true {
                    evaluator.undo(made)
                    evaluated.append(Evaluated(message: message, alerts: [], isArchived: true))
                } else {
                    earlier[key, default: []].append(copy)
                    changes += made
                    evaluated.append(Evaluated(message: message, alerts: alerts, isArchived: false))
                }
            }
            return (evaluated, changes)
        }
    }

    /// After a batch was stored on `basis`: memory is current for the next generation.
    private func stored(on basis: Int64, changed: Bool) {
        locked {
            if evaluator.rememberedCount > Self.maxRemembered {
                evaluator.forget()
                generation = nil
            } else {
                generation = basis + (changed ? 1 : 0)
            }
        }
    }

    private func distrustMemory() {
        locked {
            evaluator.forget()
            generation = nil
        }
    }

    /// For an archive that keeps no policy state: the stage's memory of this run, seeded
    /// with the participants the archive holds.
    private func storeInMemory(
        _ batch: [IncomingMessage], alerts extra: [Alert], in archive: any Archive, context: AppendContext,
        finishing: @Sendable (inout [Evaluated]) throws -> Void
    ) async throws -> Stored {
        var evaluated: [Evaluated] = []
        for incoming in batch {
            if needsHistory(of: incoming.message) {
                let known = try await archive.conversations(matching: incoming.message.platform + ":" + incoming.message.conversation)
                remember(incoming.message, participants: known.first?.conversation.participants ?? [])
            }
            var message = incoming
            let alerts = apply(to: &message)
            evaluated.append(Evaluated(message: message, alerts: alerts, isArchived: false))
        }
        try finishing(&evaluated)
        let receipt = try await archive.append(evaluated.map(\.message), alerts: extra + evaluated.flatMap(\.alerts), context: context)
        for position in receipt.duplicatePositions where evaluated.indices.contains(position) {
            evaluated[position].isArchived = true
            evaluated[position].alerts = []
        }
        return Stored(receipt: receipt, messages: evaluated)
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Masks the words `redact` alerts matched, and records a `POLICY` redaction for each.
    static func mask(_ incoming: inout IncomingMessage, alerts: inout [Alert]) {
        guard alerts.contains(where: { $0.action == .redact && !$0.matches.isEmpty }) else { return }
        var scalars = Array(incoming.message.text.unicodeScalars)
        for index in alerts.indices where alerts[index].action == .redact {
            for (m, match) in alerts[index].matches.enumerated() {
                for offset in match.start..<min(match.end, scalars.count) where SearchTextScalar.isWord(scalars[offset]) { scalars[offset] = "•" }
                alerts[index].matches[m].text = String(String.UnicodeScalarView(scalars[match.start..<min(match.end, scalars.count)]))
                incoming.message.redactions.append(
                    Redaction(rule: "policy.\(alerts[index].rule)", type: "POLICY", start: match.start, end: match.end, operation: .mask))
            }
        }
        incoming.message.text = String(String.UnicodeScalarView(scalars))
    }
}

enum SearchTextScalar {
    static func isWord(_ scalar: Unicode.Scalar) -> Bool { SearchText.isWordScalar(scalar) }
}
