import ChatVaultCore
import Foundation

/// The files of an export that arrives as a folder or as a zip of that folder (Slack,
/// Teams), listed by relative path and read whole under the same limits either way.
///
/// A folder is walked without following symbolic links, and a link inside it is
/// refused like a link inside a zip: an export must not be able to point the importer
/// at files outside itself.
final class ExportTree {
    /// The path the export was given as, for error messages.
    let root: String
    /// Relative paths of the regular files, sorted so every run reads them in one order.
    let files: [String]
    private let zip: SafeZip?
    private let limits: SafeZip.Limits

    init(path: String, limits: SafeZip.Limits = SafeZip.Limits()) throws(InputError) {
        root = path
        self.limits = limits
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(source: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            zip = nil
            files = try Self.walk(path, limits: limits)
        } else {
            let zip = try SafeZip(path: path, limits: limits)
            try zip.validateAll()
            self.zip = zip
            files = zip.paths.filter { !$0.hasSuffix("/") && !Self.isMetadata($0) }.sorted()
        }
    }

    /// Whether a file with this relative path exists.
    func contains(_ file: String) -> Bool { files.contains(file) }

    /// The content of `file`; throws an ``InputError`` naming it when it is too large or unreadable.
    func read(_ file: String) throws(InputError) -> [UInt8] {
        if let zip { return try zip.read(file) }
        let url = URL(fileURLWithPath: root).appendingPathComponent(file)
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw InputError(source: display(file), reason: "cannot be read") }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: Int(limits.maxEntryBytes) + 1) ?? Data()
            guard data.count <= limits.maxEntryBytes else {
                throw InputError(source: display(file), reason: "larger than \(limits.maxEntryBytes) bytes")
            }
            return [UInt8](data)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(source: display(file), reason: "cannot be read: \(error)")
        }
    }

    /// `root/file`, the name errors use.
    func display(_ file: String) -> String { root.hasSuffix("/") ? root + file : root + "/" + file }

    /// macOS Finder leaves these in zips it makes; they are not part of any export.
    static func isMetadata(_ path: String) -> Bool {
        path.hasPrefix("__MACOSX/") || path.hasSuffix("/.DS_Store") || path == ".DS_Store"
    }

    private static func walk(_ root: String, limits: SafeZip.Limits) throws(InputError) -> [String] {
        var found: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : root + "/" + relative
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder)
            } catch {
                throw InputError(source: folder, reason: "cannot list the folder")
            }
            for name in names where name != ".DS_Store" {
                let child = relative.isEmpty ? name : relative + "/" + name
                let type = (try? FileManager.default.attributesOfItem(atPath: root + "/" + child))?[.type] as? FileAttributeType
                switch type {
                case .typeSymbolicLink?: throw InputError(source: root + "/" + child, reason: "is a symbolic link; exports may not contain links")
                case .typeDirectory?: pending.append(child)
                case .typeRegular?:
                    found.append(child)
                    guard found.count <= limits.maxEntries else { throw InputError(source: root, reason: "more than \(limits.maxEntries) files") }
                default: continue
                }
            }
        }
        return found.sorted()
    }
}
