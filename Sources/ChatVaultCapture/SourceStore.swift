public import ChatVaultArchive
public import Foundation

/// Reads and replaces the ``SourceState`` files under `vault/sources/`.
public actor SourceStore {
    public let directory: URL
    private var cache: [String: SourceState] = [:]

    public init(vaultDirectory: URL) {
        directory = vaultDirectory.appendingPathComponent("sources")
    }

    public init(vault: Vault) {
        self.init(vaultDirectory: vault.directory)
    }

    public func state(of name: String, kind: String) throws -> SourceState {
        if let cached = cache[name] { return cached }
        let url = fileURL(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { return SourceState(name: name, kind: kind) }
        do {
            let state = try JSONDecoder().decode(SourceState.self, from: data)
            cache[name] = state
            return state
        } catch {
            throw CaptureError.configuration(source: name, "\(url.path) is not a valid source state (\(error))")
        }
    }

    /// Every source that has a state file, by name, read from disk: a source captured by
    /// another process (`chatvault capture`) writes its own file.
    public func all() throws -> [SourceState] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            do {
                return try JSONDecoder().decode(SourceState.self, from: data)
            } catch {
                throw CaptureError.configuration(source: String(file.dropLast(5)), "\(url.path) is not a valid source state (\(error))")
            }
        }
    }

    /// Applies `change` to the source's state and writes it atomically before returning.
    @discardableResult
    public func update(_ name: String, kind: String, _ change: (inout SourceState) -> Void) throws -> SourceState {
        var state = try state(of: name, kind: kind)
        change(&state)
        try PrivateFile.createDirectory(at: directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFile.write(encoder.encode(state), to: fileURL(name))
        cache[name] = state
        return state
    }

    private func fileURL(_ name: String) -> URL {
        // Source names come from the config; keep them to one path component.
        directory.appendingPathComponent(Self.fileStem(name) + ".json")
    }

    /// A source's name as one safe path component (its state and lock files are named by it).
    static func fileStem(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }
}
