import ChatVaultArchive
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `sources/<name>.lock` in the vault: the process capturing a source holds a write lock on
/// it, so a second capture of the source is refused and `chatvault sources` can tell,
/// without taking the lock, whether a capture is running. `chatvault serve` takes the same
/// lock for each source it runs.
public enum SourceLock {
    /// Why the lock was not taken.
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func path(_ name: String, vault: URL) -> String {
        vault.appendingPathComponent("sources").appendingPathComponent(SourceStore.fileStem(name) + ".lock").path
    }

    /// Takes the lock for the life of the process; returns the descriptor that holds it.
    public static func acquire(_ name: String, vault: URL) throws -> Int32 {
        try PrivateFile.createDirectory(at: vault.appendingPathComponent("sources"))
        let path = path(name, vault: vault)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Refused(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        var lock = wholeFile(F_WRLCK)
        guard fcntl(descriptor, F_SETLK, &lock) == 0 else {
            close(descriptor)
            throw Refused(description: "source \(name) is already being captured by another process (\(path) is locked)")
        }
        return descriptor
    }

    /// Whether some process holds the lock; `false` when there is no lock file.
    public static func isHeld(_ name: String, vault: URL) -> Bool {
        let descriptor = open(path(name, vault: vault), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var lock = wholeFile(F_WRLCK)
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }

    private static func wholeFile(_ type: Int32) -> flock {
        var lock = flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        return lock
    }
}
