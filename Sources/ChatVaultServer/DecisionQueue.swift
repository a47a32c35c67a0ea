import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest

/// Gathers the gateway decisions that arrive while a batch is being stored and stores
/// them as the next batch (a group commit): under load one durable append answers many
/// waiting senders, while a lone request is stored at once.
///
/// Each batch goes through ``Ingestor/decide(_:source:deliveredBy:finishing:)``, so the
/// redaction and policy stages are the archive's own; a message a `block` rule fired on
/// is stored as a ``Message/Kind-swift.enum/blocked`` record.
actor DecisionQueue {
    /// One message as stored (or found stored), with the alerts it raised.
    struct Settled: Sendable {
        var message: Message
        var alerts: [Alert]
        /// `nil` when the archive already held it: the caller reads the stored record.
        var record: Int64?
    }

    private struct Waiting {
        var message: IncomingMessage
        var continuation: CheckedContinuation<Settled, any Error>
    }

    private let ingestor: Ingestor
    /// Pending decisions per delivering token (`gateway:TOKEN`): one batch has one source.
    private var pending: [String: [Waiting]] = [:]
    private var running: Set<String> = []
    /// The most messages stored in one batch.
    let maxBatch: Int

    init(ingestor: Ingestor, maxBatch: Int = 256) {
        self.ingestor = ingestor
        self.maxBatch = maxBatch
    }

    /// Stores `message` for the gateway token `deliveredBy` and returns it as stored.
    func settle(_ message: IncomingMessage, deliveredBy: String) async throws -> Settled {
        try await withCheckedThrowingContinuation { continuation in
            pending[deliveredBy, default: []].append(Waiting(message: message, continuation: continuation))
            if !running.contains(deliveredBy) {
                running.insert(deliveredBy)
                Task { await self.drain(deliveredBy) }
            }
        }
    }

    private func drain(_ key: String) async {
        while let queued = pending[key], !queued.isEmpty {
            let batch = Array(queued.prefix(maxBatch))
            pending[key] = Array(queued.dropFirst(batch.count))
            do {
                try await store(batch, key: key)
            } catch  where batch.count > 1 {
                // One message must not fail the others it happened to share a batch with.
                for waiting in batch {
                    do {
                        try await store([waiting], key: key)
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
        pending[key] = nil
        running.remove(key)
    }

    /// Stores `batch` and answers each waiting request; throws before answering any.
    private func store(_ batch: [Waiting], key: String) async throws {
        let stored = try await ingestor.decide(
            batch.map(\.message), source: key, deliveredBy: key,
            finishing: { evaluated in
                for index in evaluated.indices where evaluated[index].alerts.contains(where: { $0.action == .block }) {
                    evaluated[index].message.message.kind = .blocked
                }
            })
        let duplicates = Set(stored.receipt.duplicatePositions)
        var ids = stored.receipt.storedIDs.makeIterator()
        for (index, waiting) in batch.enumerated() {
            let evaluated = stored.messages[index]
            let record = duplicates.contains(index) ? nil : ids.next()
            waiting.continuation.resume(
                returning: Settled(message: evaluated.message.message, alerts: record == nil ? [] : evaluated.alerts, record: record))
        }
    }
}
