import ChatVaultCore
import ChatVaultRedaction

/// Who is who and which conversations an export holds, read from its index files before
/// any message, so every message can name its sender and conversation.
struct SlackDirectory {
    struct Conversation {
        var id: String
        var name: String
        /// The folder holding the conversation's day files, relative to the export.
        var folder: String
        var kind: ChatVaultCore.Conversation.Kind
        var members: [String]
    }

    /// Display names by user id.
    var users: [String: String] = [:]
    /// Every member with all the names they go by (real name, display name, user name).
    var members = KnownPeople()
    /// Channel names by id, for `<#C…>` references.
    var channelNames: [String: String] = [:]
    /// In reading order: channels, private groups, group DMs, DMs, then folders no index lists.
    var conversations: [Conversation] = []
    /// The folder inside a zip that holds the export (`""` when it is the top level).
    var prefix = ""

    init(tree: ExportTree) throws(InputError) {
        if let index = tree.files.first(where: { $0.hasSuffix("channels.json") || $0.hasSuffix("users.json") }),
            let slash = index.lastIndex(of: "/")
        {
            prefix = String(index[...slash])
        }
        guard ["channels.json", "users.json", "dms.json", "groups.json", "mpims.json"].contains(where: { tree.contains(prefix + $0) }) else {
            throw InputError(source: tree.root, reason: "not a Slack export: no channels.json, users.json or dms.json")
        }
        for user in try list("users.json", in: tree) {
            guard let id = user.text("id") else { continue }
            let profile = user["profile"]
            users[id] = profile?.text("real_name") ?? user.text("real_name") ?? profile?.text("display_name") ?? user.text("name") ?? id
            let names = [profile?.text("real_name"), user.text("real_name"), profile?.text("display_name"), user.text("name")]
            members.add(name: nil, handles: Array(Set(names.compactMap { $0 })).sorted())
        }
        let indexes: [(String, ChatVaultCore.Conversation.Kind)] = [
            ("channels.json", .channel), ("groups.json", .group), ("mpims.json", .group), ("dms.json", .direct),
        ]
        var seenFolders: Set<String> = []
        for (file, kind) in indexes {
            for item in try list(file, in: tree) {
                guard let id = item.text("id") else { continue }
                let name = item.text("name") ?? id
                let folder = kind == .direct ? id : name
                let members = item["members"]?.arrayValue?.compactMap(\.scalarText) ?? []
                if kind == .channel { channelNames[id] = name }
                conversations.append(Conversation(id: id, name: kind == .channel ? "#" + name : name, folder: folder, kind: kind, members: members))
                seenFolders.insert(folder)
            }
        }
        let unlisted = Set(
            tree.files.compactMap { file -> String? in
                guard file.hasPrefix(prefix), file.hasSuffix(".json") else { return nil }
                let parts = file.dropFirst(prefix.count).split(separator: "/")
                return parts.count == 2 ? String(parts[0]) : nil
            }
        ).subtracting(seenFolders)
        for folder in unlisted.sorted() {
            conversations.append(Conversation(id: folder, name: "#" + folder, folder: folder, kind: .channel, members: []))
        }
    }

    /// The members of a top-level index array; a missing index is an empty list.
    private func list(_ file: String, in tree: ExportTree) throws(InputError) -> [JSONValue] {
        guard tree.contains(prefix + file) else { return [] }
        let document = try JSONDocument(bytes: try tree.read(prefix + file), source: tree.display(prefix + file))
        guard let items = document.root.arrayValue else {
            throw InputError(source: document.source, line: 1, reason: "expected a JSON array, found \(document.root.kindName)")
        }
        return items
    }

    /// The day files of a conversation, oldest first.
    func dayFiles(of conversation: Conversation, in tree: ExportTree) -> [String] {
        let folder = prefix + conversation.folder + "/"
        return tree.files.filter { $0.hasPrefix(folder) && $0.hasSuffix(".json") && !$0.dropFirst(folder.count).contains("/") }
    }

    func handle(_ id: String) -> Handle {
        Handle(id: id, displayName: users[id])
    }
}
