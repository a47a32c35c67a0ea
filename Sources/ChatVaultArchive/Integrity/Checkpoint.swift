public import ChatVaultCore
public import Crypto
import Foundation
import Synchronization

/// A signed statement of the integrity log's state: "this vault's tree had `treeSize`
/// leaves with root `root` at `time`". One is written at the end of every committed
/// batch and after every audit event; any later change to a covered record breaks either its leaf or this root.
public struct Checkpoint: Sendable, Hashable, Codable {
    /// The vault's identity, so a checkpoint of one vault cannot vouch for another.
    public var origin: String
    public var treeSize: Int
    public var root: Hash32
    public var time: Timestamp
    /// Ed25519 signature over ``signedBytes``.
    public var signature: [UInt8]

    public init(origin: String, treeSize: Int, root: Hash32, time: Timestamp, signature: [UInt8]) {
        self.origin = origin
        self.treeSize = treeSize
        self.root = root
        self.time = time
        self.signature = signature
    }

    /// The exact bytes that are signed, a small text in the spirit of transparency-log
    /// checkpoints: origin, size, base64 root and time, one per line.
    public static func signedBytes(origin: String, treeSize: Int, root: Hash32, time: Timestamp) -> [UInt8] {
        Array("chatvault-checkpoint/v1\n\(origin)\n\(treeSize)\n\(Data(root).base64EncodedString())\n\(time.iso8601)\n".utf8)
    }

    public var signedBytes: [UInt8] { Self.signedBytes(origin: origin, treeSize: treeSize, root: root, time: time) }

    /// Whether the signature is valid for `key`.
    public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
        key.isValidSignature(signature, for: signedBytes)
    }

    enum CodingKeys: String, CodingKey {
        case origin
        case treeSize = "tree_size"
        case root, time, signature
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        origin = try container.decode(String.self, forKey: .origin)
        treeSize = try container.decode(Int.self, forKey: .treeSize)
        let rootText = try container.decode(String.self, forKey: .root)
        guard let root = [UInt8](hexString: rootText), root.count == 32 else {
            throw DecodingError.dataCorruptedError(forKey: .root, in: container, debugDescription: "root is not 64 hex digits")
        }
        self.root = root
        let timeText = try container.decode(String.self, forKey: .time)
        guard let time = Timestamp(iso8601: timeText) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "time is not ISO 8601")
        }
        self.time = time
        let signatureText = try container.decode(String.self, forKey: .signature)
        guard let signature = Data(base64Encoded: signatureText) else {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: container, debugDescription: "signature is not base64")
        }
        self.signature = Array(signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(origin, forKey: .origin)
        try container.encode(treeSize, forKey: .treeSize)
        try container.encode(root.hexString, forKey: .root)
        try container.encode(time.iso8601, forKey: .time)
        try container.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }
}

/// The vault's checkpoint signing key (Ed25519), kept in the vault directory.
public struct CheckpointSigner: Sendable {
    public let origin: String
    private let keys: Keys

    /// The key pair, built once, and the last checkpoint known to be good.
    ///
    /// Crypto's key types are immutable values without a `Sendable` conformance; signing and
    /// verifying only read them, so sharing one pair between threads is safe.
    private final class Keys: @unchecked Sendable {
        let privateKey: Curve25519.Signing.PrivateKey
        let publicKey: Curve25519.Signing.PublicKey
        /// The checkpoint (and its saved frontier) this key last signed or verified.
        let lastGood = Mutex<(checkpoint: Checkpoint, frontier: [UInt8])?>(nil)

        init(privateKey: Curve25519.Signing.PrivateKey) {
            self.privateKey = privateKey
            self.publicKey = privateKey.publicKey
        }
    }

    public init(origin: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.origin = origin
        self.keys = Keys(privateKey: privateKey)
    }

    public var publicKey: Curve25519.Signing.PublicKey { keys.publicKey }

    public func sign(treeSize: Int, root: Hash32, time: Timestamp) throws -> Checkpoint {
        let bytes = Checkpoint.signedBytes(origin: origin, treeSize: treeSize, root: root, time: time)
        let signature = try keys.privateKey.signature(for: bytes)
        return Checkpoint(origin: origin, treeSize: treeSize, root: root, time: time, signature: Array(signature))
    }

    /// Remembers that `checkpoint` is signed by this key and that `frontier` (serialized)
    /// has its root: a fact about these exact bytes, true wherever they are later read.
    func remember(_ checkpoint: Checkpoint, frontier: [UInt8]) {
        keys.lastGood.withLock { $0 = (checkpoint, frontier) }
    }

    /// Whether `checkpoint` with the saved `frontier` is, byte for byte, the one last
    /// signed or verified with this key, so checking its signature again would add nothing.
    func isKnownGood(_ checkpoint: Checkpoint, frontier: [UInt8]) -> Bool {
        keys.lastGood.withLock { last in
            guard let last else { return false }
            return last.checkpoint == checkpoint && last.frontier == frontier
        }
    }
}

/// The text form of a public key that `chatvault key export` prints and
/// `verify-proof --key` reads: `ed25519:` followed by the base64 raw key.
public enum PublicKeyText {
    public static func format(_ key: Curve25519.Signing.PublicKey) -> String {
        "ed25519:" + key.rawRepresentation.base64EncodedString()
    }

    public static func parse(_ text: String) -> Curve25519.Signing.PublicKey? {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("ed25519:") { body.removeFirst("ed25519:".count) }
        guard let raw = Data(base64Encoded: body) else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}
