public import Foundation
import Glibc

/// Files and folders only the vault's owner may read: folders 0700, files 0600, each
/// created with that mode from the first byte (never written, then narrowed), so no
/// other user on the machine can read a record, a key or an export even for an instant.
public enum PrivateFile {
    /// Mode of every file ChatVault writes in a vault or an export.
    public static let fileMode: mode_t = 0o600
    /// Mode of every folder ChatVault makes in a vault or an export.
    public static let folderMode: mode_t = 0o700

    /// Sets the process umask to 077, so a file some library creates without an
    /// explicit mode (SQLite's journal, a temporary file) is private too.
    public static func restrictProcessUmask() {
        umask(0o077)
    }

    /// Creates `url` and any missing parents as 0700 folders; an existing folder is
    /// narrowed to 0700.
    public static func createDirectory(at url: URL) throws {
        var missing: [URL] = []
        var current = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: current.path), current.path != "/" {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for folder in missing.reversed() where mkdir(folder.path, folderMode) != 0 && errno != EEXIST {
            throw failure("cannot create folder", folder.path)
        }
        narrow(url.path, to: folderMode)
    }

    /// Creates a new file that must not already exist, 0600 from the first byte
    /// (`O_CREAT | O_EXCL`), writes `data` and flushes it.
    public static func createNew(_ data: Data, at url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw failure("cannot create", url.path) }
        defer { close(fd) }
        try write(data, to: fd, path: url.path)
        guard fsync(fd) == 0 else { throw failure("cannot flush", url.path) }
    }

    /// Replaces `url` with `data` atomically: a 0600 temporary file beside it, flushed,
    /// then renamed over it.
    public static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try createNew(data, at: temporary)
        } catch {
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let error = failure("cannot replace", url.path)
            unlink(temporary.path)
            throw error
        }
    }

    /// Creates an empty 0600 file unless one exists (then narrows it to 0600).
    public static func touch(_ url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw failure("cannot create", url.path) }
        close(fd)
        narrow(url.path, to: fileMode)
    }

    /// Takes group and other permissions away from `root` and everything under it
    /// (without following symbolic links), for a vault made before files were private.
    /// A folder named in `unlessPrivate` is walked only when the folder itself is
    /// shared (a vault's many blob files are checked once, not on every open).
    public static func tighten(_ root: URL, unlessPrivate skipped: Set<String> = []) {
        var info = stat()
        guard lstat(root.path, &info) == 0 else { return }
        let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
        let wasShared = info.st_mode & 0o077 != 0
        narrow(root.path, to: isFolder ? folderMode : fileMode, current: info.st_mode)
        guard isFolder, wasShared || !skipped.contains(root.lastPathComponent) else { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return }
        for name in names { tighten(root.appendingPathComponent(name), unlessPrivate: skipped) }
    }

    /// Whether `path` grants anything to group or other.
    public static func isShared(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_mode & 0o077 != 0
    }

    private static func narrow(_ path: String, to mode: mode_t, current: mode_t? = nil) {
        var existing = current ?? 0
        if current == nil {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            existing = info.st_mode
        }
        guard (existing & S_IFMT) != S_IFLNK, existing & 0o077 != 0 else { return }
        _ = chmod(path, existing & mode & 0o7777)
    }

    private static func write(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw failure("cannot write", path) }
                offset += written
            }
        }
    }

    private static func failure(_ what: String, _ path: String) -> PrivateFileError {
        PrivateFileError(description: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}

/// A private file or folder could not be made.
public struct PrivateFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
