import ChatVaultCore

/// `rsmf_manifest.json` of one RSMF file, built event by event.
///
/// Every exported record is one event whose `id` is its archive record id, so events
/// map one to one onto `proofs.jsonl`. A message's in-place history (`edited_from`)
/// becomes its `edits`; an edit, delete or reaction record also updates its target's
/// `edits`, `deleted` or `reactions` when the target is in the same file, and stays an
/// event of its own that says what happened. Values ChatVault has and RSMF has no
/// field for go to `custom`.
struct RSMFManifest {
    struct Event {
        var id: String
        var type: String
        var participant: String
        var timestamp: String
        var body: String
        var parent: String?
        var deleted = false
        var edits: [(participant: String, timestamp: String, previous: String, new: String)] = []
        var reactions: [(value: String, participants: [String])] = []
        var attachments: [(id: String, display: String, size: Int)] = []
        var custom: [(name: String, value: String)] = []
    }

    var conversation: (id: String, display: String, platform: String, type: String)
    private(set) var participants: [(id: String, display: String)] = []
    private var participantIDs = Set<String>()
    private(set) var events: [Event] = []
    /// Event index by the platform's message id, for edits, deletions, reactions and replies.
    private var bySourceID: [String: Int] = [:]

    init(id: String, display: String, platform: String, type: String) {
        conversation = (id, display, platform, type)
    }

    var attachmentCount: Int { events.reduce(0) { $0 + $1.attachments.count } }

    /// Adds a record; `files` are its attachments stored in the zip (id, display, size).
    mutating func add(_ r: ExportRecord, files: [(id: String, display: String, size: Int)]) {
        addParticipant(r.sender, display: r.who)
        var event = Event(id: String(r.id), type: "message", participant: r.sender, timestamp: r.sentAt.iso8601, body: r.text)
        event.custom = [("ChatVault-Record", String(r.id)), ("ChatVault-SourceID", r.sourceID), ("ChatVault-Kind", r.kind)]
        if let deliveredBy = r.deliveredBy { event.custom.append(("ChatVault-DeliveredBy", deliveredBy)) }
        if let replyTo = r.replyTo {
            if let index = bySourceID[replyTo] { event.parent = events[index].id } else { event.custom.append(("ChatVault-ReplyTo", replyTo)) }
        }
        let target = r.target.flatMap { bySourceID[$0] }
        if let value = r.target { event.custom.append(("ChatVault-Target", value)) }
        switch r.kind {
        case "join", "leave":
            event.type = r.kind
        case "message":
            event.deleted = r.deleted
            let versions = r.editedFrom + [r.text]
            // The archive keeps earlier versions, not when each edit was made: the
            // message's own time stands in.
            for (previous, new) in zip(versions, versions.dropFirst()) {
                event.edits.append((r.sender, event.timestamp, previous, new))
            }
            for reaction in r.reactions {
                for who in reaction.by { addParticipant(who, display: who) }
                event.reactions.append((reaction.emoji, reaction.by))
            }
            event.attachments = files
        case "edit":
            event.body = EMLDocument.plainLine(r)
            if let target {
                let previous = events[target].edits.last?.new ?? events[target].body
                events[target].edits.append((r.sender, event.timestamp, previous, r.text))
            }
        case "delete":
            event.body = EMLDocument.plainLine(r)
            if let target { events[target].deleted = true }
        case "reaction":
            event.body = EMLDocument.plainLine(r)
            if let target {
                if let index = events[target].reactions.firstIndex(where: { $0.value == r.text }) {
                    events[target].reactions[index].participants.append(r.sender)
                } else {
                    events[target].reactions.append((r.text, [r.sender]))
                }
            }
        default:
            event.body = EMLDocument.plainLine(r)
        }
        for redaction in r.redactions { event.custom.append(("ChatVault-Redaction", "\(redaction.type) (\(redaction.rule))")) }
        if !r.sourceID.isEmpty, r.kind == "message" { bySourceID[r.sourceID] = events.count }
        events.append(event)
    }

    private mutating func addParticipant(_ id: String, display: String) {
        guard participantIDs.insert(id).inserted else { return }
        participants.append((id, display))
    }

    var json: JSONValue {
        .object([
            ("version", .string("2.0.0")),
            ("participants", .array(participants.map(Self.participantJSON))),
            (
                "conversations",
                .array([
                    .object([
                        ("id", .string(conversation.id)), ("display", .string(conversation.display)), ("platform", .string(conversation.platform)),
                        ("type", .string(conversation.type)), ("participants", .array(participants.map { .string($0.id) })),
                    ])
                ])
            ),
            ("events", .array(events.map { Self.eventJSON($0, conversation: conversation.id) })),
        ])
    }

    static func participantJSON(_ p: (id: String, display: String)) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(p.id)), ("display", .string(p.display))]
        if isEmailAddress(p.id) { members.append(("email", .string(p.id))) }
        members.append(("account_id", .string(p.id)))
        return .object(members)
    }

    static func eventJSON(_ e: Event, conversation: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(e.id)), ("type", .string(e.type)), ("conversation", .string(conversation)), ("participant", .string(e.participant)),
            ("timestamp", .string(e.timestamp)), ("body", .string(e.body)), ("deleted", .bool(e.deleted)),
        ]
        if let parent = e.parent { members.append(("parent", .string(parent))) }
        if !e.edits.isEmpty {
            members.append(
                (
                    "edits",
                    .array(
                        e.edits.map {
                            .object([
                                ("participant", .string($0.participant)), ("timestamp", .string($0.timestamp)), ("previous", .string($0.previous)),
                                ("new", .string($0.new)),
                            ])
                        })
                ))
        }
        if !e.reactions.isEmpty {
            members.append(
                (
                    "reactions",
                    .array(
                        e.reactions.map {
                            .object([
                                ("value", .string($0.value)), ("count", .number(String($0.participants.count))),
                                ("participants", .array($0.participants.map(JSONValue.string))),
                            ])
                        })
                ))
        }
        if !e.attachments.isEmpty {
            members.append(
                (
                    "attachments",
                    .array(
                        e.attachments.map {
                            .object([("id", .string($0.id)), ("display", .string($0.display)), ("size", .number(String($0.size)))])
                        })
                ))
        }
        if !e.custom.isEmpty {
            members.append(("custom", .array(e.custom.map { .object([("name", .string($0.name)), ("value", .string($0.value))]) })))
        }
        return .object(members)
    }

    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
    }
}
