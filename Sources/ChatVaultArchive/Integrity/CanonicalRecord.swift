package import ChatVaultCore

/// A message's stored columns, from Swift values or straight from a result row.
package protocol CanonicalMessageFields {
    var id: Int64 { get }
    var sentAt: Int64 { get }
    var deleted: Bool { get }
    /// Writes a text column as a JSON string, or `null`.
    func write(_ field: MessageTextField, to writer: inout JSONWriter)
    /// Writes a JSON column (recipients, edited_from, reactions, attachments) as stored.
    func write(_ field: MessageJSONField, to writer: inout JSONWriter)
    /// Writes `,"delivered_by":"…"` when the message records who delivered it, and
    /// nothing otherwise, so a record stored before the field existed hashes as it did.
    func writeDeliveredBy(to writer: inout JSONWriter)
}

package enum MessageTextField { case sourceID, kind, target, sender, senderName, text, replyTo, thread }
package enum MessageJSONField { case recipients, editedFrom, reactions, attachments, redactions }

/// The canonical bytes of each record kind in the integrity log (version 1), whose
/// SHA-256 leaf hashes (``MerkleTree/leafHash(_:)``) the log holds. Field order is fixed;
/// JSON columns are embedded as stored (``ColumnJSON``). A message's `delivered_by` comes
/// last and only when recorded, so records stored before it existed keep their hashes.
/// Computed from the stored columns, so changing any column of a stored record changes
/// its leaf hash. Plain Swift with no storage engine in it: every backend writes the same
/// bytes for the same records, and so the same Merkle root.
package enum CanonicalRecord {
    package static func message(_ m: some CanonicalMessageFields, platform: String, conversationSourceID: String) -> [UInt8] {
        message(m, conversationFields: conversationFields(platform: platform, sourceID: conversationSourceID))
    }

    /// `"platform":…,"conversation":…`, the part of a message record that depends on its
    /// conversation; `verify` computes it once per conversation.
    package static func conversationFields(platform: String, sourceID: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("\"platform\":")
        w.writeString(platform)
        w.raw(",\"conversation\":")
        w.writeString(sourceID)
        return w.bytes
    }

    package static func message(_ m: some CanonicalMessageFields, conversationFields: [UInt8]) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 512)
        w.raw("{\"v\":1,\"type\":\"message\",\"id\":")
        w.integer(m.id)
        w.raw(",")
        conversationFields.withUnsafeBufferPointer { w.raw(bytes: $0) }
        w.raw(",\"source_id\":")
        m.write(.sourceID, to: &w)
        w.raw(",\"kind\":")
        m.write(.kind, to: &w)
        w.raw(",\"target\":")
        m.write(.target, to: &w)
        w.raw(",\"sender\":")
        m.write(.sender, to: &w)
        w.raw(",\"sender_name\":")
        m.write(.senderName, to: &w)
        w.raw(",\"recipients\":")
        m.write(.recipients, to: &w)
        w.raw(",\"sent_at\":")
        w.timestamp(Timestamp(microseconds: m.sentAt))
        w.raw(",\"text\":")
        m.write(.text, to: &w)
        w.raw(",\"reply_to\":")
        m.write(.replyTo, to: &w)
        w.raw(",\"thread\":")
        m.write(.thread, to: &w)
        w.raw(",\"edited_from\":")
        m.write(.editedFrom, to: &w)
        w.raw(m.deleted ? ",\"deleted\":true,\"reactions\":" : ",\"deleted\":false,\"reactions\":")
        m.write(.reactions, to: &w)
        w.raw(",\"attachments\":")
        m.write(.attachments, to: &w)
        w.raw(",\"redactions\":")
        m.write(.redactions, to: &w)
        m.writeDeliveredBy(to: &w)
        w.raw("}")
        return w.bytes
    }

    package static func conversation(id: Int64, platform: String, sourceID: String, name: String?, kind: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"conversation\",\"id\":\(id),\"platform\":")
        w.writeString(platform)
        w.raw(",\"source_id\":")
        w.writeString(sourceID)
        w.raw(",\"name\":")
        w.writeOptional(name)
        w.raw(",\"kind\":")
        w.writeString(kind)
        w.raw("}")
        return w.bytes
    }

    package static func blob(id: Int64, sha256: String, size: Int) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"attachment\",\"id\":")
        w.integer(id)
        w.raw(",\"sha256\":")
        w.writeString(sha256)
        w.raw(",\"size\":")
        w.integer(Int64(size))
        w.raw("}")
        return w.bytes
    }

    package static func tombstone(messageID: Int64, messageLeaf: Int, at: Int64, rule: String, disposition: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"tombstone\",\"message\":")
        w.integer(messageID)
        w.raw(",\"message_leaf\":")
        w.integer(Int64(messageLeaf))
        w.raw(",\"at\":")
        w.timestamp(Timestamp(microseconds: at))
        w.raw(",\"rule\":")
        w.writeString(rule)
        w.raw(",\"disposition\":")
        w.integer(disposition)
        w.raw("}")
        return w.bytes
    }

    /// The stored `detail` of an alert (description, participants, matches), the same on
    /// every backend: it is part of the alert's canonical record.
    package static func alertDetail(_ alert: Alert) -> String {
        JSONValue.object([
            ("description", .string(alert.description)),
            ("participants", .array(alert.participants.map(JSONValue.string))),
            (
                "matches",
                .array(
                    alert.matches.map {
                        .object([("start", .number(String($0.start))), ("end", .number(String($0.end))), ("text", .string($0.text))])
                    })
            ),
        ]).compactText
    }

    /// An alert: every column but `state`, which the review workflow changes through audit
    /// events. `detail` is the stored JSON text (description, participants, matches).
    package static func alert(
        id: Int64, messageID: Int64, rule: String, severity: String, action: String, policyVersion: String, raisedAt: Int64, detail: String
    ) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"alert\",\"id\":")
        w.integer(id)
        w.raw(",\"message_id\":")
        w.integer(messageID)
        w.raw(",\"rule\":")
        w.writeString(rule)
        w.raw(",\"severity\":")
        w.writeString(severity)
        w.raw(",\"action\":")
        w.writeString(action)
        w.raw(",\"policy_version\":")
        w.writeString(policyVersion)
        w.raw(",\"raised_at\":")
        w.timestamp(Timestamp(microseconds: raisedAt))
        w.raw(",\"detail\":")
        w.raw(detail)
        w.raw("}")
        return w.bytes
    }

    package static func audit(id: Int64, at: Int64, actor: String, action: String, detail: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"audit\",\"id\":\(id),\"at\":\"\(Timestamp(microseconds: at).iso8601)\",\"actor\":")
        w.writeString(actor)
        w.raw(",\"action\":")
        w.writeString(action)
        w.raw(",\"detail\":")
        w.raw(detail)
        w.raw("}")
        return w.bytes
    }
}

extension JSONWriter {
    package mutating func writeOptional(_ text: String?) {
        if let text { writeString(text) } else { raw("null") }
    }
}
