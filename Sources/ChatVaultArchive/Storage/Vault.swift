public import ChatVaultCore
import Crypto
public import Foundation

/// A vault directory: the archive database, the checkpoint signing key and the
/// configuration, in one folder that can be backed up as a whole. The folder is 0700
/// and everything in it 0600 (see ``PrivateFile``).
///
/// ```
/// vault/
///   config.json            origin, company domains
///   archive.sqlite         records, index, integrity log, audit trail (+ -wal, -shm)
///   keys/checkpoint.key    Ed25519 private key (0600)
///   keys/checkpoint.pub    public key, `ed25519:<base64>`
///   keys/redaction.key     secret for keyed-hash redaction tokens (0600)
///   blobs/ab/abcdef…       attachment contents, named by their SHA-256
///   policy.yaml            the redaction policy (optional; built-in default otherwise)
/// ```
public struct Vault: Sendable {
    public struct Configuration: Sendable, Codable, Equatable {
        /// Names this vault in every checkpoint it signs.
        public var origin: String
        /// The company's own domains; other domains are external participants.
        public var internalDomains: [String]

        public init(origin: String, internalDomains: [String] = []) {
            self.origin = origin
            self.internalDomains = internalDomains
        }

        enum CodingKeys: String, CodingKey {
            case origin
            case internalDomains = "internal_domains"
        }
    }

    public let directory: URL
    public let configuration: Configuration

    public var databasePath: String { directory.appendingPathComponent("archive.sqlite").path }
    var privateKeyURL: URL { directory.appendingPathComponent("keys/checkpoint.key") }
    public var publicKeyURL: URL { directory.appendingPathComponent("keys/checkpoint.pub") }
    var redactionKeyURL: URL { directory.appendingPathComponent("keys/redaction.key") }
    /// Where the vault's redaction policy lives.
    public var policyURL: URL { directory.appendingPathComponent("policy.yaml") }

    /// Why a vault could not be created or opened.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Creates a new vault in `directory`, which must not already hold one.
    public static func create(at directory: URL, internalDomains: [String] = []) throws -> Vault {
        let fileManager = FileManager.default
        let configURL = directory.appendingPathComponent("config.json")
        // Any piece of an earlier vault means this is not a fresh start: a new key would
        // make every existing checkpoint unverifiable.
        for piece in ["config.json", "archive.sqlite", "keys/checkpoint.key", "keys/checkpoint.pub", "keys/redaction.key", "policy.yaml", "blobs"]
        where fileManager.fileExists(atPath: directory.appendingPathComponent(piece).path) {
            throw Failure(description: "\(directory.path) already holds a vault (found \(piece)); choose another directory")
        }
        try PrivateFile.createDirectory(at: directory)
        try PrivateFile.createDirectory(at: directory.appendingPathComponent("keys"))
        let configuration = Configuration(origin: "chatvault:" + UUID().uuidString.lowercased(), internalDomains: internalDomains)
        let key = Curve25519.Signing.PrivateKey()
        let vault = Vault(directory: directory, configuration: configuration)
        try writeSecret(key.rawRepresentation.base64EncodedString() + "\n", to: vault.privateKeyURL)
        try PrivateFile.write(Data((PublicKeyText.format(key.publicKey) + "\n").utf8), to: vault.publicKeyURL)
        try writeSecret(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString() + "\n", to: vault.redactionKeyURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFile.write(encoder.encode(configuration), to: configURL)
        return vault
    }

    /// Opens the vault in `directory`.
    public static func open(at directory: URL) throws -> Vault {
        let configURL = directory.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configURL.path) else {
            throw Failure(description: "no vault at \(directory.path) (run `chatvault init --vault \(directory.path)` first)")
        }
        let configuration: Configuration
        do {
            configuration = try JSONDecoder().decode(Configuration.self, from: data)
        } catch {
            throw Failure(description: "\(configURL.path): not a valid vault configuration (\(error))")
        }
        // A vault made before its files were private (or a file some other tool wrote into
        // it) is narrowed on open; the blob files are walked only while their folder is shared.
        PrivateFile.tighten(directory, unlessPrivate: ["blobs"])
        return Vault(directory: directory, configuration: configuration)
    }

    init(directory: URL, configuration: Configuration) {
        self.directory = directory
        self.configuration = configuration
    }

    public func signer() throws -> CheckpointSigner {
        guard let text = try? String(contentsOf: privateKeyURL, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw Failure(description: "\(privateKeyURL.path): missing or unreadable signing key") }
        return CheckpointSigner(origin: configuration.origin, privateKey: key)
    }

    /// The secret that keys redaction hash tokens, so the same value always maps to the
    /// same token in this vault and to an unrelated one elsewhere.
    public func redactionSecret() throws -> [UInt8] {
        guard let text = try? String(contentsOf: redactionKeyURL, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count >= 16
        else { throw Failure(description: "\(redactionKeyURL.path): missing or unreadable redaction secret") }
        return Array(raw)
    }

    /// The policy file's text, or `nil` when the vault uses the built-in default.
    public func policyText() throws -> String? {
        guard FileManager.default.fileExists(atPath: policyURL.path) else { return nil }
        return try String(contentsOf: policyURL, encoding: .utf8)
    }

    /// Opens the vault's archive, as the stores every caller uses. `clock` is the time the
    /// archive stamps on what it records (a test passes its own).
    public func openArchive(clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) throws -> any ArchiveBackend {
        try openSQLiteArchive(clock: clock)
    }

    /// Opens the archive database as the embedded store itself, for what must reach below
    /// the stores (tamper tests, the benchmark's record dump).
    public func openSQLiteArchive(clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) throws -> SQLiteArchive {
        try SQLiteArchive(
            path: databasePath, signer: signer(), internalDomains: Set(configuration.internalDomains),
            blobDirectory: directory.appendingPathComponent("blobs"), clock: clock)
    }

    /// A secret is created 0600 with `O_EXCL` from its first byte: never written and
    /// then narrowed, so it is not readable by anyone else even for an instant.
    private static func writeSecret(_ text: String, to url: URL) throws {
        do {
            try PrivateFile.createNew(Data(text.utf8), at: url)
        } catch {
            throw Failure(description: "\(error)")
        }
    }
}
