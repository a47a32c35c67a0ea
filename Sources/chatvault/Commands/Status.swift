import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Counts and the latest signed checkpoint.")

    @OptionGroup var options: VaultOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            try await archive.recordAudit(action: "archive.status", actor: options.actorName, detail: .object([]))
            let stats = try await archive.statistics()
            let checkpoint = stats.latestCheckpoint
            if json {
                Terminal.json(
                    .object([
                        ("messages", .int(stats.messages)), ("conversations", .int(stats.conversations)), ("audit_events", .int(stats.auditEvents)),
                        ("tree_size", .int(stats.treeSize)), ("root", .optional(checkpoint?.root.hexString)),
                        ("checkpoint_time", .optional(checkpoint?.time.iso8601)),
                    ]))
            } else {
                Terminal.out("vault          \(options.directory.path)")
                Terminal.out("messages       \(stats.messages) in \(stats.conversations) conversations")
                Terminal.out("audit events   \(stats.auditEvents)")
                Terminal.out("log            \(stats.treeSize) leaves, root \(checkpoint?.root.hexString ?? "-")")
                Terminal.out("checkpoint     \(checkpoint?.time.iso8601 ?? "-")")
            }
        }
    }
}

struct Conversations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List conversations, most recently active first.")

    @OptionGroup var options: VaultOptions

    @Option(help: "At most this many.")
    var limit = 100

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            let records = try await archive.conversations(limit: max(1, limit))
            try await archive.recordAudit(
                action: "archive.conversations", actor: options.actorName, detail: .object([("listed", .int(records.count))]))
            if json {
                Terminal.json(.array(records.map(MessageJSON.conversation)))
                return
            }
            for record in records {
                let c = record.conversation
                Terminal.out(
                    "\(Terminal.safe(c.key))  \(Terminal.safe(c.name ?? "-"))  \(c.kind.rawValue)\(c.isExternal ? " external" : "")  \(record.messageCount) messages, last \(record.lastMessageAt.map(Terminal.time) ?? "-")"
                )
            }
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the audit trail, newest first.")

    @OptionGroup var options: VaultOptions

    @Option(help: "At most this many events.")
    var limit = 50

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            let events = try await archive.auditTrail(limit: max(1, limit))
            try await archive.recordAudit(action: "archive.audit.read", actor: options.actorName, detail: .object([("listed", .int(events.count))]))
            if json {
                Terminal.json(
                    .array(
                        events.map { e in
                            .object([
                                ("id", .int(e.id)), ("leaf", .int(e.leafIndex)), ("at", .string(e.time.iso8601)), ("actor", .string(e.actor)),
                                ("action", .string(e.action)), ("detail", e.detail),
                            ])
                        }))
                return
            }
            for e in events {
                Terminal.out("\(Terminal.time(e.time))  \(Terminal.safe(e.actor))  \(e.action)  \(Terminal.safe(e.detail.compactText))")
            }
        }
    }
}
