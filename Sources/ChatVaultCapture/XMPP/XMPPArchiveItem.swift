public import ChatVaultCore
import Foundation

/// One message as a XEP-0313 archive returns it: the archive's id for it, the time the
/// server stored it (`<delay stamp>`) and the forwarded stanza.
public struct XMPPArchiveItem: Sendable, Hashable {
    /// The archive's id (the RSM cursor), unique within that archive.
    public var archiveID: String
    public var stamp: Timestamp?
    public var stanza: XMLElement

    public init(archiveID: String, stamp: Timestamp?, stanza: XMLElement) {
        self.archiveID = archiveID
        self.stamp = stamp
        self.stanza = stanza
    }

    /// Reads a `<message><result id><forwarded><delay/><message/></forwarded></result></message>`
    /// answer to the query `queryID`; `nil` for anything else.
    public init?(result message: XMLElement, queryID: String) {
        guard let result = message.child("result", namespace: XMPPNamespace.mam), result["queryid"] == queryID, let id = result["id"],
            let forwarded = result.child("forwarded", namespace: XMPPNamespace.forward),
            let stanza = forwarded.child("message", namespace: XMPPNamespace.client)
        else { return nil }
        let stamp = (forwarded.child("delay", namespace: XMPPNamespace.delay) ?? stanza.child("delay", namespace: XMPPNamespace.delay))
            .flatMap { $0["stamp"] }.flatMap { Timestamp(iso8601: $0) }
        self.init(archiveID: id, stamp: stamp, stanza: stanza)
    }

    /// The message for the archive, or `nil` for stanzas that carry nothing to keep (chat
    /// states, receipts, errors, headlines).
    ///
    /// The source id is `<sender>/<stanza id>` (the `id` attribute, else the XEP-0359
    /// origin-id): the same in both participants' archives, so a 1:1 message read from
    /// each is stored once, and the key a XEP-0308 correction names. Only a stanza with
    /// neither id falls back to `mam:<archive id>`. `owner` is the archive's bare JID,
    /// used when the stanza omits `from` or `to`.
    public func incomingMessage(owner: String) -> IncomingMessage? {
        let type = stanza["type"] ?? "normal"
        guard type == "chat" || type == "normal" || type == "groupchat" else { return nil }
        let body = stanza.child("body", namespace: XMPPNamespace.client)?.text
        let replaces = stanza.child("replace", namespace: XMPPNamespace.correction)?["id"]
        let retracts = stanza.child("retract", namespace: XMPPNamespace.retraction)?["id"]
        guard body != nil || retracts != nil else { return nil }
        let from = stanza["from"] ?? owner
        let to = stanza["to"] ?? owner
        let conversation: String
        let sender: Handle
        let senderKey: String
        var recipients: [Handle] = []
        let kind: Conversation.Kind
        if type == "groupchat" {
            conversation = JID.bare(from)
            let nick = JID.resource(from)
            let realJID = stanza.child("x", namespace: XMPPNamespace.mucUser)?.child("item")?["jid"].map(JID.bare)
            sender = Handle(id: realJID ?? from, displayName: nick)
            senderKey = nick ?? from
            kind = .channel
        } else {
            let pair = [JID.bare(from), JID.bare(to)]
            conversation = Set(pair).sorted().joined(separator: ",")
            sender = Handle(id: pair[0])
            recipients = [Handle(id: pair[1])]
            senderKey = pair[0]
            kind = .direct
        }
        let stanzaID = stanza["id"].flatMap { $0.isEmpty ? nil : $0 } ?? stanza.child("origin-id", namespace: XMPPNamespace.stanzaID)?["id"]
        let sourceID = stanzaID.map { "\(senderKey)/\($0)" } ?? "mam:\(archiveID)"
        var message = Message(
            platform: "xmpp", conversation: conversation, sourceID: sourceID, sender: sender, recipients: recipients,
            sentAt: stamp ?? Timestamp(secondsSince1970: Date().timeIntervalSince1970), text: body ?? "")
        if let retracts {
            // The body of a retraction is a fallback for old clients, not what was said.
            message.kind = .delete
            message.text = ""
            message.target = "\(senderKey)/\(retracts)"
        } else if let replaces {
            message.kind = .edit
            message.target = "\(senderKey)/\(replaces)"
        }
        return IncomingMessage(message: message, conversationName: conversation, conversationKind: kind, origin: "xmpp:\(owner)#\(archiveID)")
    }
}
