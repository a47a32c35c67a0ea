import ChatVaultCore
import Foundation
import GRDB

/// The embedded store's side of ``StoredMessage``: its columns in SQLite, read from a row
/// and bound to a statement.
extension StoredMessage {
    static let columns =
        "id, leaf, conversation, source_id, kind, target, sender, sender_name, recipients, sent_at, text, reply_to, thread, edited_from, deleted, reactions, attachments, redactions, delivered_by"
    /// How many columns ``columns`` and ``selection(table:)`` name: a query that selects
    /// more after them reads those from this index on.
    static let width = 19

    /// The columns to read a message with ``init(row:)``, each text column as a blob so
    /// that nothing is cut at an embedded U+0000; `table` prefixes them (`m.`).
    static func selection(table: String = "") -> String {
        let integers: Set<String> = ["id", "leaf", "conversation", "sent_at", "deleted"]
        return columns.split(separator: ",").map { name in
            let column = table + name.trimmingPrefix(" ")
            return integers.contains(String(name.trimmingPrefix(" "))) ? column : "CAST(\(column) AS BLOB)"
        }.joined(separator: ", ")
    }

    init(row: Row) {
        // Text is read as bytes: a C-string read would end at an embedded U+0000.
        func text(_ index: Int) -> String { (row[index] as Data?).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        func optionalText(_ index: Int) -> String? { (row[index] as Data?).map { String(decoding: $0, as: UTF8.self) } }
        id = row[0]
        leaf = row[1]
        conversation = row[2]
        sourceID = text(3)
        kind = text(4)
        target = optionalText(5)
        sender = text(6)
        senderName = optionalText(7)
        recipients = text(8)
        sentAt = row[9]
        self.text = text(10)
        replyTo = optionalText(11)
        thread = optionalText(12)
        editedFrom = text(13)
        deleted = row[14]
        reactions = text(15)
        attachments = text(16)
        redactions = text(17)
        deliveredBy = optionalText(18)
    }

    func bind(to statement: RawStatement) {
        statement.bind(1, id)
        statement.bind(2, leaf)
        statement.bind(3, conversation)
        statement.bind(4, sourceID)
        statement.bind(5, kind)
        statement.bind(6, target)
        statement.bind(7, sender)
        statement.bind(8, senderName)
        statement.bind(9, recipients)
        statement.bind(10, sentAt)
        statement.bind(11, text)
        statement.bind(12, replyTo)
        statement.bind(13, thread)
        statement.bind(14, editedFrom)
        statement.bind(15, deleted)
        statement.bind(16, reactions)
        statement.bind(17, attachments)
        statement.bind(18, redactions)
        statement.bind(19, deliveredBy)
    }
}
