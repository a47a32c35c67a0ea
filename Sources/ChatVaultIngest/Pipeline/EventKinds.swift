import ChatVaultArchive
public import ChatVaultCore

/// Counts of what an import stored, by kind of event, for the summary a compliance
/// officer reads: did the edits, deletions and reactions arrive, or only the messages?
///
/// Events carried inside a message count too: earlier versions in ``Message/editedFrom``
/// are edits, a message flagged ``Message/deleted`` is a delete, each person's reaction
/// is a reaction, and each attachment is a file.
public enum EventKinds {
    public static let names = ["messages", "edits", "deletes", "reactions", "joins", "leaves", "system", "files"]
    public static let empty = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })

    /// Adds what `message` contributes to `counts`.
    public static func add(_ message: Message, to counts: inout [String: Int]) {
        switch message.kind {
        case .message: counts["messages", default: 0] += 1
        case .edit: counts["edits", default: 0] += 1
        case .delete: counts["deletes", default: 0] += 1
        case .reaction: counts["reactions", default: 0] += 1
        case .join: counts["joins", default: 0] += 1
        case .leave: counts["leaves", default: 0] += 1
        case .system: counts["system", default: 0] += 1
        case .blocked, .notice: break  // written only by the gateway, never imported
        }
        counts["edits", default: 0] += message.editedFrom.count
        if message.deleted && message.kind != .delete { counts["deletes", default: 0] += 1 }
        counts["reactions", default: 0] += message.reactions.reduce(0) { $0 + max($1.by.count, 1) }
        counts["files", default: 0] += message.attachments.count
    }

    /// Counts the messages of `batch` that the archive stored. When the batch was part new
    /// and part duplicate (a resumed import), the stored ones are read back by id.
    static func count(stored receipt: AppendReceipt, of batch: [IncomingMessage], in archive: any Archive, into counts: inout [String: Int])
        async throws
    {
        if receipt.duplicates == 0 {
            for incoming in batch { add(incoming.message, to: &counts) }
        } else if receipt.stored > 0 {
            for id in receipt.storedIDs {
                if let archived = try await archive.message(id: id) { add(archived.message, to: &counts) }
            }
        }
    }
}
