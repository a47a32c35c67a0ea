import ArgumentParser
import ChatVaultArchive
import ChatVaultCore

/// The filters `search` and `export` share: who sent it, where, and when.
struct MessageFilters: ParsableArguments {
    @Option(help: "Only messages sent by this handle or display name.")
    var from: String?

    @Option(help: "Only this conversation (platform:id, id or name).")
    var conversation: String?

    @Option(help: "Only messages sent at or after this date/time (ISO 8601).")
    var after: String?

    @Option(help: "Only messages sent before this date/time (ISO 8601).")
    var before: String?

    func validate() throws {
        for (name, value) in [("--after", after), ("--before", before)] {
            if let value, Timestamp(iso8601: value) == nil {
                throw ValidationError("\(name) \(value): expected an ISO 8601 date like 2024-03-01 or 2024-03-01T09:00:00Z")
            }
        }
    }

    /// A request for `query` with these filters.
    func request(query: String) -> SearchRequest {
        SearchRequest(
            query: SearchQuery.parse(query), sender: from, conversation: conversation, after: after.flatMap(Timestamp.init(iso8601:)),
            before: before.flatMap(Timestamp.init(iso8601:)))
    }

    /// The filters that were given, by name, for the audit trail and manifests.
    var described: [(key: String, value: String)] {
        [("from", from), ("conversation", conversation), ("after", after), ("before", before)].compactMap { key, value in value.map { (key, $0) } }
    }
}
