import ChatVaultCore
public import Crypto
import Foundation

/// Everything needed to show, without the vault, that one record is in the archive:
/// the record's canonical bytes, its leaf index, the audit path and a signed checkpoint.
public struct InclusionProof: Sendable, Hashable, Codable {
    public var format = "chatvault-inclusion-proof/v1"
    /// What kind of record it is: `message`.
    public var recordKind: String
    public var recordID: Int64
    /// The canonical bytes of the record as UTF-8 JSON text; its leaf hash is recomputed from them.
    public var record: String
    public var leafIndex: Int
    public var leafHash: Hash32
    public var auditPath: [Hash32]
    public var checkpoint: Checkpoint

    public init(recordKind: String, recordID: Int64, record: String, leafIndex: Int, leafHash: Hash32, auditPath: [Hash32], checkpoint: Checkpoint) {
        self.recordKind = recordKind
        self.recordID = recordID
        self.record = record
        self.leafIndex = leafIndex
        self.leafHash = leafHash
        self.auditPath = auditPath
        self.checkpoint = checkpoint
    }

    /// Why a proof does not hold.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case recordDoesNotMatchLeaf
        case pathDoesNotReachRoot
        case badSignature
        case unsupportedFormat(String)

        public var description: String {
            switch self {
            case .recordDoesNotMatchLeaf: return "the record's hash is not the leaf hash: the record was altered"
            case .pathDoesNotReachRoot: return "the audit path does not lead to the checkpoint's root"
            case .badSignature: return "the checkpoint's signature is not valid for this public key"
            case .unsupportedFormat(let f): return "unsupported proof format \(f)"
            }
        }
    }

    /// Checks the proof against the vault's public key; throws the first problem found.
    public func verify(publicKey: Curve25519.Signing.PublicKey) throws(Problem) {
        guard format == "chatvault-inclusion-proof/v1" else { throw .unsupportedFormat(format) }
        guard MerkleTree.leafHash(Array(record.utf8)) == leafHash else { throw .recordDoesNotMatchLeaf }
        guard MerkleTree.verifyInclusion(leafHash: leafHash, index: leafIndex, treeSize: checkpoint.treeSize, path: auditPath, root: checkpoint.root)
        else { throw .pathDoesNotReachRoot }
        guard checkpoint.isSigned(by: publicKey) else { throw .badSignature }
    }

    enum CodingKeys: String, CodingKey {
        case format
        case recordKind = "record_kind"
        case recordID = "record_id"
        case record
        case leafIndex = "leaf_index"
        case leafHash = "leaf_hash"
        case auditPath = "audit_path"
        case checkpoint
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        recordKind = try c.decode(String.self, forKey: .recordKind)
        recordID = try c.decode(Int64.self, forKey: .recordID)
        record = try c.decode(String.self, forKey: .record)
        leafIndex = try c.decode(Int.self, forKey: .leafIndex)
        func hash(_ text: String, _ key: CodingKeys) throws -> Hash32 {
            guard let bytes = [UInt8](hexString: text), bytes.count == 32 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a 64-digit hex hash")
            }
            return bytes
        }
        leafHash = try hash(try c.decode(String.self, forKey: .leafHash), .leafHash)
        auditPath = try c.decode([String].self, forKey: .auditPath).map { try hash($0, .auditPath) }
        checkpoint = try c.decode(Checkpoint.self, forKey: .checkpoint)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(recordKind, forKey: .recordKind)
        try c.encode(recordID, forKey: .recordID)
        try c.encode(record, forKey: .record)
        try c.encode(leafIndex, forKey: .leafIndex)
        try c.encode(leafHash.hexString, forKey: .leafHash)
        try c.encode(auditPath.map(\.hexString), forKey: .auditPath)
        try c.encode(checkpoint, forKey: .checkpoint)
    }
}
