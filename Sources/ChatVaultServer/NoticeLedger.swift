public import ChatVaultArchive
public import ChatVaultCore
import ChatVaultIngest
import Crypto
import Foundation

/// Records the archive notice as evidence: one `notice` message per participant per
/// conversation, the first time a gateway reports that participant there, so that who was
/// told, where, when and with which words is a leaf of the integrity log.
///
/// A participant is the same person under ``Identity/normalised(_:)`` (`@Alice` is
/// `@alice`); their notice's source id is a keyed hash of that form, so a retry, a second
/// join or a parallel call finds the record already there. Calls for one conversation are
/// taken one at a time (check, then append), so parallel calls record exactly one leaf.
public actor NoticeLedger {
    /// Who the notice records name as sender: the archive itself.
    public static let sender = Handle(id: "chatvault", displayName: "ChatVault archive notice")

    public let configuration: NoticeConfiguration
    let vault: Vault
    let archive: any Archive
    private let secret: [UInt8]
    private var stage: (policy: String?, stage: RedactionStage)?
    private var held: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init(vault: Vault, archive: any Archive, configuration: NoticeConfiguration) throws {
        self.vault = vault
        self.archive = archive
        self.configuration = configuration
        secret = try vault.redactionSecret()
    }

    /// The notice's source id for a participant: `notice:` and a keyed hash of the
    /// normalised handle (a handle may be a phone number; its plain hash could be guessed).
    public nonisolated func sourceID(for participant: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(("notice\u{0}" + Identity.normalised(participant)).utf8), using: SymmetricKey(data: secret))
        return ArchiveNotices.sourceIDPrefix + Array(mac).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Records `text` as shown to each of `participants` in the conversation, except to
    /// those already recorded there; returns the participants recorded by this call, as given.
    public func record(
        platform: String, conversation: String, conversationName: String?, conversationKind: Conversation.Kind?, participants: [Handle],
        text: String, token: String, at now: Timestamp
    ) async throws -> [Handle] {
        var seen = Set<String>()
        let people = participants.filter { seen.insert(Identity.normalised($0.id)).inserted }
        guard !people.isEmpty else { return [] }
        let stage = try redactionStage()
        let prepared = people.map { person -> IncomingMessage in
            // The text is the firm's own words and is stored as shown; only the handles, the
            // conversation id and its name, which come from the chat server, are redacted.
            let message = Message(
                platform: platform, conversation: conversation, sourceID: sourceID(for: person.id), kind: .notice, sender: Self.sender,
                recipients: [person], sentAt: now, text: "")
            var incoming = stage.apply(
                to: IncomingMessage(
                    message: message, conversationName: conversationName, conversationKind: conversationKind, origin: "gateway:" + token))
            incoming.message.text = text
            return incoming
        }
        let stored = prepared[0].message.conversation
        let lock = platform + "\u{1F}" + stored
        await acquire(lock)
        do {
            let existing = try await archive.storedSourceIDs(platform: platform, conversation: stored, among: prepared.map(\.message.sourceID))
            let fresh = prepared.indices.filter { !existing.contains(prepared[$0].message.sourceID) }
            var recorded: [Handle] = []
            if !fresh.isEmpty {
                let receipt = try await archive.append(
                    fresh.map { prepared[$0] }, alerts: [],
                    context: AppendContext(actor: "gateway:" + token, source: "gateway:" + token, deliveredBy: "gateway:" + token))
                let duplicates = Set(receipt.duplicatePositions)
                recorded = fresh.enumerated().filter { !duplicates.contains($0.offset) }.map { people[$0.element] }
            }
            release(lock)
            return recorded
        } catch {
            release(lock)
            throw error
        }
    }

    /// The vault's redaction stage, rebuilt when the policy file changes.
    private func redactionStage() throws -> RedactionStage {
        let policy = try vault.policyText()
        if let stage, stage.policy == policy { return stage.stage }
        let fresh = try RedactionStage.forVault(vault)
        stage = (policy, fresh)
        return fresh
    }

    private func acquire(_ lock: String) async {
        guard held.insert(lock).inserted else {
            await withCheckedContinuation { waiting[lock, default: []].append($0) }
            return
        }
    }

    /// Hands the lock to the next waiter, or frees it.
    private func release(_ lock: String) {
        guard var queue = waiting[lock], !queue.isEmpty else {
            held.remove(lock)
            return
        }
        let next = queue.removeFirst()
        waiting[lock] = queue.isEmpty ? nil : queue
        next.resume()
    }
}
