import ChatVaultCore

/// Reads Graph `chatMessage` documents one file at a time; positions count messages.
final class TeamsSource: MessageSource {
    private var documents: [JSONDocument]
    private let tree: ExportTree?
    private var files: [String]
    /// A file given on its own must hold messages; in a folder, other JSON (team and user
    /// lists) is passed over.
    private let strict: Bool
    private var pending: [SourceItem] = []
    private var position = 0

    init(documents: [JSONDocument], tree: ExportTree?, strict: Bool) {
        self.documents = documents
        self.tree = tree
        let json = tree?.files.filter { $0.lowercased().hasSuffix(".json") } ?? []
        // A data export keeps messages in teams/…/messages_….json beside user and team lists
        // (whose Graph objects also carry createdDateTime): read only the message files then.
        let messageFiles = json.filter(TeamsExport.isMessageFile)
        self.files = messageFiles.isEmpty ? json : messageFiles
        self.strict = strict
    }

    func next() throws -> SourceItem? {
        while pending.isEmpty {
            if !documents.isEmpty {
                read(documents.removeFirst())
            } else if let tree, !files.isEmpty {
                let file = files.removeFirst()
                do {
                    read(try JSONDocument(bytes: try tree.read(file), source: tree.display(file)))
                } catch {
                    fail(error)
                }
            } else {
                return nil
            }
        }
        return pending.removeFirst()
    }

    private func fail(_ error: InputError) {
        position += 1
        pending.append(SourceItem(.failure(error), position: position))
    }

    private func read(_ document: JSONDocument) {
        let items: [JSONValue]
        var lines: [Int] = []
        if let array = document.root.arrayValue {
            items = array
            lines = document.elementLines()
        } else if let value = document.root.field("value")?.arrayValue {
            items = value
        } else {
            if strict {
                fail(InputError(source: document.source, line: 1, reason: "expected {\"value\":[…]} or an array of chatMessage objects"))
            }
            return
        }
        guard strict || items.isEmpty || items[0].field("createdDateTime") != nil else { return }
        let mapper = TeamsMessageMapper(source: document.source)
        for (index, item) in items.enumerated() {
            let line = index < lines.count ? lines[index] : nil
            switch mapper.map(item, origin: line.map { "\(document.source):\($0)" } ?? document.source) {
            case .success(let messages):
                for message in messages {
                    position += 1
                    pending.append(SourceItem(.success(message), position: position))
                }
            case .failure(let failure):
                fail(InputError(source: document.source, line: line, reason: "message \(index + 1): \(failure.reason)"))
            }
        }
    }
}
