import ArgumentParser
import ChatVaultArchive
import ChatVaultCore

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a conversation as a readable transcript.")

    @OptionGroup var options: VaultOptions

    @Argument(help: "The conversation: platform:id, its id, or its name.")
    var conversation: String

    @Option(help: "Centre the transcript on this message id (from search results).")
    var around: Int64?

    @Option(help: "At most this many messages.")
    var limit = 500

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            let matches = try await archive.conversations(matching: conversation)
            guard let record = matches.first else { throw CLIError("no conversation matches \"\(conversation)\" (see `chatvault conversations`)") }
            if matches.count > 1 {
                throw CLIError(
                    "\"\(conversation)\" matches \(matches.count) conversations: \(matches.map(\.conversation.key).joined(separator: ", ")); name one as platform:id"
                )
            }
            let messages = try await archive.transcript(conversationID: record.id, around: around, limit: max(1, limit))
            try await archive.recordAudit(
                action: "archive.show", actor: options.actorName,
                detail: .object([
                    ("conversation", .string(record.conversation.key)), ("around", around.map { .int($0) } ?? .null),
                    ("messages", .int(messages.count)),
                ]))
            if json {
                Terminal.json(
                    .object([("conversation", MessageJSON.conversation(record)), ("messages", .array(messages.map { MessageJSON.message($0) }))]))
                return
            }
            Transcript(record: record, messages: messages, highlight: around).lines.forEach(Terminal.out)
        }
    }
}

/// A conversation laid out as people saw it: who said what when, replies, edits with
/// earlier text, deletions, reactions and files.
struct Transcript {
    var record: ConversationRecord
    var messages: [ArchivedMessage]
    var highlight: Int64?

    var lines: [String] {
        let c = record.conversation
        var out: [String] = []
        var title = "\(c.key)"
        if let name = c.name { title += "  \(Terminal.safe(name))" }
        out.append(
            Terminal.bold(Terminal.safe(title))
                + "  (\(c.kind.rawValue)\(c.isExternal ? ", external" : ", internal"), \(record.messageCount) messages)")
        out.append("participants: " + c.participants.map { Terminal.safe($0.description) }.joined(separator: ", "))
        out.append("")
        for archived in messages {
            let m = archived.message
            let marker = archived.id == highlight ? ">> " : "   "
            let who = Terminal.safe(m.sender.displayName ?? m.sender.id)
            let when = Terminal.time(m.sentAt)
            switch m.kind {
            case .message, .system:
                var head = "\(marker)\(when)  \(who): "
                if let replyTo = m.replyTo { head += Terminal.dim("(reply to \(Terminal.safe(replyTo))) ") }
                let body = m.deleted && m.text.isEmpty ? Terminal.dim("[message deleted]") : Terminal.safe(m.text, allowNewlines: true)
                out.append(head + body.replacing("\n", with: "\n" + String(repeating: " ", count: 25)))
                for earlier in m.editedFrom {
                    out.append("      " + Terminal.dim("earlier version: \(Terminal.safe(earlier))"))
                }
                if m.deleted && !m.text.isEmpty { out.append("      " + Terminal.dim("[deleted by the sender; text kept in the archive]")) }
                for reaction in m.reactions {
                    out.append("      " + "\(Terminal.safe(reaction.emoji)) " + reaction.by.map { Terminal.safe($0) }.joined(separator: ", "))
                }
                for redaction in m.redactions {
                    out.append(
                        "      "
                            + Terminal.dim(
                                "redacted \(redaction.type) by \(Terminal.safe(redaction.rule)) (\(redaction.operation.rawValue)) in \(redaction.field)"
                            ))
                }
                for file in m.attachments {
                    var line = "      📎 \(Terminal.safe(file.name))"
                    if let size = file.size { line += " (\(size) bytes)" }
                    if let hash = file.sha256 { line += Terminal.dim(" sha256:\(hash)") }
                    if file.redacted { line += Terminal.dim(" (stored redacted)") }
                    out.append(line)
                }
            case .edit:
                out.append("\(marker)\(when)  \(who) edited \(Terminal.safe(m.target ?? "?")): \(Terminal.safe(m.text))")
            case .delete:
                out.append("\(marker)\(when)  \(who) deleted \(Terminal.safe(m.target ?? "?"))")
            case .reaction:
                out.append("\(marker)\(when)  \(who) reacted \(Terminal.safe(m.text)) to \(Terminal.safe(m.target ?? "?"))")
            case .join:
                out.append("\(marker)\(when)  \(who) joined")
            case .leave:
                out.append("\(marker)\(when)  \(who) left")
            case .blocked:
                out.append(
                    "\(marker)\(when)  \(who): " + Terminal.dim("[blocked by gateway, not delivered] ") + Terminal.safe(m.text, allowNewlines: true))
            case .notice:
                // The archive is the sender of a notice record; the person told is its recipient.
                let told = m.recipients.map { Terminal.safe($0.displayName ?? $0.id) }.joined(separator: ", ")
                out.append("\(marker)\(when)  " + Terminal.dim("archive notice shown to ") + (told.isEmpty ? who : told))
            }
            if let deliveredBy = archived.deliveredBy { out.append("      " + Terminal.dim("delivered by \(Terminal.safe(deliveredBy))")) }
        }
        if messages.count < record.messageCount {
            out.append("")
            out.append("(\(messages.count) of \(record.messageCount) messages shown; use --around ID or --limit N)")
        }
        return out
    }
}
