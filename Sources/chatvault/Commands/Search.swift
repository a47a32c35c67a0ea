import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the archive.",
        discussion: """
            Query language: words (all must match), "exact phrases", OR, NOT or -word,
            prefix* and parentheses. Case, accents, full-width forms and invisible
            characters do not matter. Punctuation is never syntax: `multi-agent` is the
            phrase "multi agent". An empty query lists messages matching the filters.
            A prefix needs at least 3 letters before the *; a query has at most 32 words and
            8 prefixes, and stops with an error after --time-limit seconds. The audit trail
            records the query as the vault's redaction policy redacts it.
            """)

    @OptionGroup var options: VaultOptions

    @Argument(help: "The query.")
    var query: String = ""

    @OptionGroup var filters: MessageFilters

    @Option(help: "Sort order: newest, oldest or relevance.")
    var sort: String = "newest"

    @Option(help: "Hits per page (1–1000).")
    var limit = 20

    @Option(help: "Hits to skip (paging).")
    var offset = 0

    @Option(name: .customLong("time-limit"), help: "Stop the search after this many seconds (default 30).")
    var timeLimit: Double = 30

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard timeLimit > 0, timeLimit <= 3600 else { throw ValidationError("--time-limit must be more than 0 and at most 3600 seconds") }
        guard SearchRequest.Order(rawValue: sort) != nil else { throw ValidationError("--sort must be newest, oldest or relevance") }
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
    }

    func run() async throws {
        try await reportingErrors {
            let vault = try options.openVault()
            let archive = try vault.openArchive()
            var request = filters.request(query: query)
            request.order = SearchRequest.Order(rawValue: sort) ?? .newest
            request.limit = limit
            request.offset = offset
            request.timeLimit = .nanoseconds(Int64(timeLimit * 1e9))
            let page = try await archive.search(request)
            try await archive.recordAudit(
                action: "archive.search", actor: options.actorName,
                detail: .object([
                    ("query", .string(try AuditRedaction.forVault(vault).redact(query))), ("from", .optional(filters.from)),
                    ("conversation", .optional(filters.conversation)),
                    ("after", .optional(filters.after)), ("before", .optional(filters.before)), ("offset", .int(offset)),
                    ("hits", .int(page.hits.count)),
                ]))
            if json {
                Terminal.json(
                    .object([
                        (
                            "hits",
                            .array(
                                page.hits.map { hit in
                                    var object = MessageJSON.message(hit.message, conversation: hit.conversation)
                                    if case .object(var members) = object {
                                        members.append(("snippet", .string(hit.snippet.marked())))
                                        object = .object(members)
                                    }
                                    return object
                                })
                        ),
                        ("has_more", .bool(page.hasMore)),
                    ]))
                return
            }
            if page.hits.isEmpty {
                Terminal.out(offset > 0 ? "No more results." : "No messages found.")
                return
            }
            for hit in page.hits {
                let m = hit.message.message
                let place = hit.conversation.name.map { "\(hit.conversation.key) (\(Terminal.safe($0)))" } ?? hit.conversation.key
                Terminal.out(
                    "\(Terminal.time(m.sentAt))  \(Terminal.safe(place))  \(Terminal.safe(m.sender.description))  \(Terminal.dim("[\(hit.message.id)]"))"
                )
                Terminal.out("    " + Terminal.render(hit.snippet))
            }
            let shown = "\(offset + 1)–\(offset + page.hits.count)"
            Terminal.out(page.hasMore ? "Results \(shown); more with --offset \(offset + page.hits.count)." : "Results \(shown).")
        }
    }
}
