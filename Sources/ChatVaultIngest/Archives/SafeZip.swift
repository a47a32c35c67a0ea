public import ChatVaultCore
import Foundation
import ZIPFoundation

/// A zip archive read with limits, so that an export from outside can neither exhaust
/// memory or disk nor name a file outside itself.
///
/// Every importer that accepts a `.zip` reads it through this type. Nothing is ever
/// extracted to disk: entries are streamed into memory, and every byte is counted as it
/// is inflated, because the sizes a zip declares in its headers can lie. Opening checks
/// the whole central directory (entry count, paths, entry types, declared sizes) so a
/// hostile archive is refused before anything of it is imported.
public final class SafeZip {
    /// The bounds a zip must stay within. The defaults fit any real chat export.
    public struct Limits: Sendable, Hashable {
        public var maxEntries: Int
        public var maxEntryBytes: Int64
        public var maxTotalBytes: Int64
        /// Uncompressed bytes per compressed byte beyond which an entry is taken for a bomb.
        public var maxRatio: Int64
        /// How deep a zip may sit inside other zips: 1 allows a zip within the export's zip.
        public var maxNesting: Int

        public init(
            maxEntries: Int = 100_000, maxEntryBytes: Int64 = 256 << 20, maxTotalBytes: Int64 = 1 << 30, maxRatio: Int64 = 200,
            maxNesting: Int = 1
        ) {
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
            self.maxTotalBytes = maxTotalBytes
            self.maxRatio = maxRatio
            self.maxNesting = maxNesting
        }
    }

    /// Bytes inflated so far, shared by a zip, the zips nested in it and every zip opened
    /// while an import of it runs (an attachment that is itself a zip, a Word file): one
    /// budget of ``Limits/maxTotalBytes`` for the whole import, not a fresh one per zip.
    public final class Budget: @unchecked Sendable {
        /// The budget of the import running in this task, if any (see ``Importer``).
        @TaskLocal public static var current: Budget?

        private let lock = NSLock()
        private var used: Int64 = 0

        public init() {}

        /// Bytes inflated so far.
        public var inflated: Int64 { lock.withLock { used } }

        /// Adds `count` inflated bytes, unless that would pass `limit`.
        func spend(_ count: Int64, limit: Int64) -> Bool {
            lock.withLock {
                guard used + count <= limit else { return false }
                used += count
                return true
            }
        }

        func restore(inflated value: Int64) {
            lock.withLock { used = value }
        }
    }

    /// The name used in error messages: the zip's path, or `outer.zip/inner.zip`.
    public let name: String
    public let limits: Limits
    /// Regular file entries by path, in archive order.
    public private(set) var paths: [String] = []
    let depth: Int
    private let archive: ZIPFoundation.Archive
    private var entries: [String: Entry] = [:]
    /// Bytes inflated so far by this zip and every zip sharing its budget, checked against
    /// ``Limits/maxTotalBytes``.
    public let budget: Budget

    /// Opens the zip at `path` and checks its directory; throws an ``InputError`` naming
    /// the file and the offending entry when any limit or path rule is broken.
    ///
    /// It spends the import's ``Budget/current`` budget when one is set, else its own.
    public convenience init(path: String, limits: Limits = Limits()) throws(InputError) {
        let archive: ZIPFoundation.Archive
        do {
            archive = try ZIPFoundation.Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw InputError(source: path, reason: "not a readable zip archive (truncated or damaged): \(error)")
        }
        try self.init(archive: archive, name: path, limits: limits, depth: 0, budget: Budget.current ?? Budget())
    }

    /// Opens a zip held in memory (an attachment, say) under the same rules, spending the
    /// import's ``Budget/current`` budget when one is set.
    public convenience init(data: [UInt8], name: String, limits: Limits = Limits()) throws(InputError) {
        let archive: ZIPFoundation.Archive
        do {
            archive = try ZIPFoundation.Archive(data: Data(data), accessMode: .read)
        } catch {
            throw InputError(source: name, reason: "not a readable zip archive (truncated or damaged): \(error)")
        }
        try self.init(archive: archive, name: name, limits: limits, depth: 0, budget: Budget.current ?? Budget())
    }

    private init(archive: ZIPFoundation.Archive, name: String, limits: Limits, depth: Int, budget: Budget) throws(InputError) {
        self.archive = archive
        self.name = name
        self.limits = limits
        self.depth = depth
        self.budget = budget
        var declaredTotal: Int64 = 0
        var count = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxEntries else { throw fail("more than \(limits.maxEntries) entries") }
            let path = entry.path
            guard let clean = Self.safePath(path) else { throw fail("entry \(Self.quote(path)) has an unsafe path") }
            switch entry.type {
            case .symlink: throw fail("entry \(Self.quote(path)) is a symbolic link")
            case .directory: continue
            case .file: break
            }
            let declared = Int64(clamping: entry.uncompressedSize)
            guard declared <= limits.maxEntryBytes else {
                throw fail("entry \(Self.quote(path)) declares \(declared) bytes; the limit is \(limits.maxEntryBytes)")
            }
            declaredTotal += declared
            guard declaredTotal <= limits.maxTotalBytes else {
                throw fail("entries declare more than \(limits.maxTotalBytes) bytes in total")
            }
            try checkRatio(declared, compressed: Int64(clamping: entry.compressedSize), path: path)
            guard entries[clean] == nil else { throw fail("entry \(Self.quote(path)) appears twice") }
            entries[clean] = entry
            paths.append(clean)
        }
    }

    /// The whole content of the entry at `path` (as listed in ``paths``), checked
    /// against every limit while it inflates.
    public func read(_ path: String) throws(InputError) -> [UInt8] {
        guard let entry = entries[path] else { throw fail("no entry \(Self.quote(path))") }
        let compressed = Int64(clamping: entry.compressedSize)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(min(Int64(clamping: entry.uncompressedSize), 1 << 24)))
        var failure: InputError?
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                let grown = Int64(bytes.count + chunk.count)
                if grown > limits.maxEntryBytes {
                    failure = fail("entry \(Self.quote(path)) inflates past \(limits.maxEntryBytes) bytes")
                } else if grown > 1 << 20, grown > max(compressed, 1) * limits.maxRatio {
                    failure = fail("entry \(Self.quote(path)) inflates more than \(limits.maxRatio):1 (a zip bomb?)")
                } else if !budget.spend(Int64(chunk.count), limit: limits.maxTotalBytes) {
                    failure = fail("entries inflate past \(limits.maxTotalBytes) bytes in total (counting the zips inside it)")
                }
                if let failure { throw failure }
                bytes.append(contentsOf: chunk)
            }
        } catch {
            throw failure ?? fail("entry \(Self.quote(path)) cannot be read (damaged or truncated): \(error)")
        }
        return bytes
    }

    /// Reads every entry once through the limits, so that a lying header is found before
    /// an import stores anything rather than halfway through it.
    ///
    /// The check pass is bounded by what is left of the budget and then given back, so the
    /// import that follows may read the same bytes once more.
    public func validateAll() throws(InputError) {
        let before = budget.inflated
        for path in paths { _ = try read(path) }
        budget.restore(inflated: before)
    }

    /// A zip stored inside this one, read under the same limits and spending the same
    /// budget (a nested zip gets no fresh allowance); refused beyond ``Limits/maxNesting`` levels.
    public func nested(_ path: String) throws(InputError) -> SafeZip {
        guard depth < limits.maxNesting else { throw fail("entry \(Self.quote(path)) nests zips deeper than \(limits.maxNesting)") }
        let bytes = try read(path)
        let archive: ZIPFoundation.Archive
        do {
            archive = try ZIPFoundation.Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw fail("entry \(Self.quote(path)) is not a readable zip archive")
        }
        return try SafeZip(archive: archive, name: "\(name)/\(path)", limits: limits, depth: depth + 1, budget: budget)
    }

    private func checkRatio(_ size: Int64, compressed: Int64, path: String) throws(InputError) {
        guard size > 1 << 20, size > max(compressed, 1) * limits.maxRatio else { return }
        throw fail("entry \(Self.quote(path)) declares a \(size / max(compressed, 1)):1 compression ratio (a zip bomb?)")
    }

    private func fail(_ reason: String) -> InputError {
        InputError(source: name, reason: reason)
    }

    /// `path` as a relative path of plain components, or `nil` if it could escape:
    /// absolute, `..`, a drive letter, backslashes, or control characters.
    static func safePath(_ path: String) -> String? {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            return nil
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." }), !(parts[0].count == 2 && parts[0].hasSuffix(":")) else { return nil }
        return parts.filter { $0 != "." }.joined(separator: "/") + (path.hasSuffix("/") ? "/" : "")
    }

    static func quote(_ text: String) -> String {
        "\"" + (text.count > 80 ? String(text.prefix(80)) + "…" : text) + "\""
    }
}
