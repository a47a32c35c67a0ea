import ChatVaultCore

/// Reads ChatVault JSONL line by line; positions are line numbers.
final class JSONLSource: MessageSource {
    let format: ChatVaultJSONL
    let path: String
    var reader: LineReader

    init(format: ChatVaultJSONL, path: String, reader: LineReader) {
        self.format = format
        self.path = path
        self.reader = reader
    }

    func next() throws -> SourceItem? {
        while let line = try reader.next() {
            switch line {
            case .tooLong(let number, let length):
                let error = InputError(source: path, line: number, reason: "line is \(length) bytes; the limit is \(format.maxLineBytes)")
                return SourceItem(.failure(error), position: number)
            case .text(let number, let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return SourceItem(bytes.withUnsafeBufferPointer { format.message(from: $0, source: path, line: number) }, position: number)
            }
        }
        return nil
    }
}
