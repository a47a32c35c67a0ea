import Foundation
import GRDB

/// What verify learns about the data derived from messages while it reads them, to
/// check the parts that are not hashed themselves: the search index covers every
/// message, and each conversation's counters and participants match its messages.
/// Everything is gathered during the one pass over the messages and compared with
/// sequential scans, never a query per message.
struct DerivedData {
    private var ids: [Int64] = []
    private var counters: [Int64: (count: Int, first: Int64, last: Int64)] = [:]
    /// (conversation, sender) pairs as 64-bit digests: hashing byte arrays into a set was
    /// a third of verify's time. A collision could only hide a missing participant.
    private var senders = Set<Int>()

    private static func senderKey(conversation: Int64, handle: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(conversation)
        hasher.combine(bytes: UnsafeRawBufferPointer(handle))
        return hasher.finalize()
    }

    mutating func observe(_ row: RawMessageRow) {
        ids.append(row.id)
        let sentAt = row.sentAt
        if let c = counters[row.conversation] {
            counters[row.conversation] = (c.count + 1, min(c.first, sentAt), max(c.last, sentAt))
        } else {
            counters[row.conversation] = (1, sentAt, sentAt)
        }
        senders.insert(Self.senderKey(conversation: row.conversation, handle: row.statement.bytes(6)))
    }

    func problems(db: Database) throws -> [VerificationReport.Problem] {
        var problems: [VerificationReport.Problem] = []
        func add(_ kind: String, _ id: Int64?, _ reason: String) {
            if problems.count < 300 { problems.append(.init(recordKind: kind, recordID: id, leafIndex: nil, reason: reason)) }
        }

        // Both lists ascend (messages are read in rowid order), so one merge compares them.
        let indexed = try Int64.fetchAll(db, sql: "SELECT id FROM message_index_docsize ORDER BY id")
        let sortedIDs = ids.sorted()
        var i = 0
        var j = 0
        while i < sortedIDs.count || j < indexed.count {
            if j == indexed.count || (i < sortedIDs.count && sortedIDs[i] < indexed[j]) {
                add("message", sortedIDs[i], "missing from the search index (it would not be found)")
                i += 1
            } else if i == sortedIDs.count || indexed[j] < sortedIDs[i] {
                add("index", indexed[j], "an index entry has no message")
                j += 1
            } else {
                i += 1
                j += 1
            }
        }

        let rows = try Row.fetchCursor(db, sql: "SELECT id, message_count, first_at, last_at FROM conversations")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let stored: (Int, Int64?, Int64?) = (row[1], row[2], row[3])
            let actual = counters[id]
            if stored.0 != (actual?.count ?? 0) || stored.1 != actual?.first || stored.2 != actual?.last {
                add("conversation", id, "its message count or dates do not match its messages")
            }
        }

        var participants = Set<Int>()
        participants.reserveCapacity(senders.count)
        let listed = RawStatement(try db.makeStatement(sql: "SELECT conversation, handle FROM participants"), in: db)
        while try listed.next() {
            participants.insert(Self.senderKey(conversation: listed.int64(0), handle: listed.bytes(1)))
        }
        let missing = senders.subtracting(participants)
        if !missing.isEmpty {
            add("conversation", nil, "\(missing.count) senders are missing from their conversations' participant lists")
        }
        return problems
    }
}
