import ChatVaultCore
import ChatVaultRedaction

/// Reads a Slack export conversation by conversation and day by day; positions count
/// messages across the export, and errors name the day file and line.
final class SlackSource: MessageSource, WorkspaceRoster {
    let tree: ExportTree
    let directory: SlackDirectory
    private var conversationIndex = 0
    private var files: [String] = []
    private var pending: [SourceItem] = []
    private var position = 0

    init(tree: ExportTree, directory: SlackDirectory) {
        self.tree = tree
        self.directory = directory
        if let first = directory.conversations.first { files = directory.dayFiles(of: first, in: tree) }
    }

    var workspaceMembers: KnownPeople { directory.members }
    let rosterVersion = 1

    func next() throws -> SourceItem? {
        while pending.isEmpty {
            guard conversationIndex < directory.conversations.count else { return nil }
            if files.isEmpty {
                conversationIndex += 1
                if conversationIndex < directory.conversations.count {
                    files = directory.dayFiles(of: directory.conversations[conversationIndex], in: tree)
                }
                continue
            }
            readDay(files.removeFirst(), of: directory.conversations[conversationIndex])
        }
        return pending.removeFirst()
    }

    private func readDay(_ file: String, of conversation: SlackDirectory.Conversation) {
        let source = tree.display(file)
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: try tree.read(file), source: source)
        } catch {
            position += 1
            pending.append(SourceItem(.failure(error), position: position))
            return
        }
        guard let items = document.root.arrayValue else {
            position += 1
            let error = InputError(source: source, line: 1, reason: "expected a JSON array of messages, found \(document.root.kindName)")
            pending.append(SourceItem(.failure(error), position: position))
            return
        }
        let lines = document.elementLines()
        let mapper = SlackMessageMapper(directory: directory, conversation: conversation)
        for (index, item) in items.enumerated() {
            position += 1
            let line = index < lines.count ? lines[index] : nil
            let result = mapper.map(item, origin: line.map { "\(source):\($0)" } ?? source)
                .mapError { InputError(source: source, line: line, reason: "message \(index + 1): \($0.reason)") }
            pending.append(SourceItem(result, position: position))
        }
    }
}
