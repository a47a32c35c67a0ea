import ChatVaultCore
import Foundation

/// Messages in a CSV file with a header row, one message per record, columns chosen by a
/// ``CSVMapping``. Conversations default to the file name; ids, when the file has none,
/// to a hash of the record (see ``CSVSource``).
public struct CSVExport: ImportFormat {
    public var mapping: CSVMapping
    public var maxBytes: Int

    public init(mapping: CSVMapping = CSVMapping(), maxBytes: Int = 256 << 20) {
        self.mapping = mapping
        self.maxBytes = maxBytes
    }

    public var name: String { "csv" }

    public func open(_ path: String) throws -> any MessageSource {
        try source(bytes: try WholeFile.read(path, limit: maxBytes), path: path)
    }

    func source(bytes: [UInt8], path: String) throws(InputError) -> CSVSource {
        guard bytes.contains(where: { !JSONDocument.isSpace($0) }) else {
            throw InputError(source: path, line: 1, reason: "empty file, expected a header row")
        }
        var reader = CSVReader(bytes: bytes, source: path, delimiter: CSVReader.delimiter(of: bytes))
        guard case .success(let header)? = reader.next() else {
            throw InputError(source: path, line: 1, reason: "the header row cannot be read")
        }
        var names: [String] = []
        for field in header.fields {
            guard let name = String(validating: field, as: UTF8.self) else {
                throw InputError(source: path, line: header.line, reason: "the header is not valid UTF-8")
            }
            names.append(name)
        }
        let columns = try mapping.resolve(header: names, source: path)
        let conversation = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return CSVSource(reader: reader, columns: columns, width: names.count, conversation: conversation)
    }

    public func recognizes(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".csv") || path.lowercased().hasSuffix(".tsv")
    }
}
