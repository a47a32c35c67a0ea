import ChatVaultArchive
import Foundation

/// `.export-progress.json`: how far an export had durably got, written after every page,
/// so an interrupted export can be resumed instead of started over.
struct ExportProgress: Codable {
    var format: String
    /// The last message id whose output is on disk.
    var afterID: Int64
    var count: Int
    /// The checkpoint every proof of the export is against.
    var treeSize: Int
    /// Every file and its size at this point.
    var files: [String: Int]

    enum CodingKeys: String, CodingKey {
        case format
        case afterID = "after_id"
        case count
        case treeSize = "tree_size"
        case files
    }

    static func url(in directory: URL) -> URL { directory.appendingPathComponent(".export-progress.json") }

    static func load(from directory: URL, format: ExportFormat) throws -> ExportProgress {
        guard let data = FileManager.default.contents(atPath: url(in: directory).path) else {
            throw ExportError("\(directory.path) holds no interrupted export to resume")
        }
        let progress = try JSONDecoder().decode(ExportProgress.self, from: data)
        guard progress.format == format.rawValue else {
            throw ExportError("\(directory.path) holds an interrupted \(progress.format) export; resume it with --format \(progress.format)")
        }
        return progress
    }

    func save(to directory: URL) throws {
        try PrivateFile.write(JSONEncoder().encode(self), to: Self.url(in: directory))
    }

    /// Cuts every file back to its size at this point and removes files made after it.
    func restore(_ directory: URL) throws {
        let fileManager = FileManager.default
        let existing = ExportVerifier.allFiles(in: directory)
        for path in existing where path != ".export-progress.json" {
            let url = directory.appendingPathComponent(path)
            guard let size = files[path] else {
                try fileManager.removeItem(at: url)
                continue
            }
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(size))
            try handle.close()
        }
        for path in files.keys where !existing.contains(path) {
            throw ExportError("\(path) is missing from the interrupted export; start a new export")
        }
    }
}
