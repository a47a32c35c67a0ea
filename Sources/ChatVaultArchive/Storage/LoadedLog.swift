import ChatVaultCore
import Foundation
import GRDB

/// The integrity log read into memory: every leaf hash and which record it is.
struct LoadedLog {
    private(set) var hashes: [UInt8] = []
    private(set) var owners: [UInt8] = []
    /// Leaf ranges with no block (deleted rows of `log_blocks`); filled with zero hashes.
    private(set) var gaps: [Range<Int>] = []

    init(db: Database) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT first_leaf, hashes, owners FROM log_blocks ORDER BY first_leaf")
        while let row = try cursor.next() {
            let first: Int = row[0]
            let blockHashes = row[1] as Data
            let blockOwners = row[2] as Data
            if first > count {
                gaps.append(count..<first)
                hashes.append(contentsOf: [UInt8](repeating: 0, count: (first - count) * 32))
                owners.append(contentsOf: [UInt8](repeating: 0, count: (first - count) * 9))
            }
            let leaves = min(blockHashes.count / 32, blockOwners.count / 9)
            // An overlapping block cannot be placed; verify then reports the leaves it lacks.
            guard first == count else { continue }
            hashes.append(contentsOf: blockHashes.prefix(leaves * 32))
            owners.append(contentsOf: blockOwners.prefix(leaves * 9))
        }
    }

    var count: Int { hashes.count / 32 }

    func hash(_ leaf: Int) -> [UInt8] {
        Array(hashes[leaf * 32..<leaf * 32 + 32])
    }

    func hash(_ leaf: Int, equals other: [UInt8]) -> Bool {
        hashes.withUnsafeBufferPointer { buffer in
            other.withUnsafeBufferPointer { memcmp(buffer.baseAddress! + leaf * 32, $0.baseAddress!, 32) == 0 }
        }
    }

    func owner(_ leaf: Int) -> (kind: UInt8, ref: Int64) {
        let base = leaf * 9
        var ref: Int64 = 0
        for offset in 1...8 { ref = ref << 8 | Int64(owners[base + offset]) }
        return (owners[base], ref)
    }

    func isGap(_ leaf: Int) -> Bool {
        gaps.contains { $0.contains(leaf) }
    }
}

/// A message row read straight from the statement's buffers, for `verify`: no String
/// is built for a column, the canonical bytes are written from SQLite's memory.
struct RawMessageRow: CanonicalMessageFields {
    let statement: RawStatement

    var id: Int64 { statement.int64(0) }
    var leaf: Int { Int(statement.int64(1)) }
    var conversation: Int64 { statement.int64(2) }
    var sentAt: Int64 { statement.int64(9) }
    var deleted: Bool { statement.int64(14) != 0 }

    func write(_ field: MessageTextField, to writer: inout JSONWriter) {
        let column: Int32
        switch field {
        case .sourceID: column = 3
        case .kind: column = 4
        case .target: column = 5
        case .sender: column = 6
        case .senderName: column = 7
        case .text: column = 10
        case .replyTo: column = 11
        case .thread: column = 12
        }
        if statement.isNull(column) {
            writer.raw("null")
        } else {
            writer.writeString(bytes: statement.bytes(column))
        }
    }

    func write(_ field: MessageJSONField, to writer: inout JSONWriter) {
        let column: Int32
        switch field {
        case .recipients: column = 8
        case .editedFrom: column = 13
        case .reactions: column = 15
        case .attachments: column = 16
        case .redactions: column = 17
        }
        writer.raw(bytes: statement.bytes(column))
    }

    func writeDeliveredBy(to writer: inout JSONWriter) {
        guard !statement.isNull(18) else { return }
        writer.raw(",\"delivered_by\":")
        writer.writeString(bytes: statement.bytes(18))
    }
}
