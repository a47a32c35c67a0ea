public import ChatVaultArchive
import Foundation

/// `manifest.json`: what an export holds and how to check it without the vault — every
/// file with its SHA-256, the selection, who exported it when, and the signed checkpoint
/// that every inclusion proof in `proofs.jsonl` leads to.
public struct ExportManifest: Codable, Sendable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var bytes: Int
    }

    public var format = "chatvault-export/v1"
    public var exportFormat: String
    public var createdAt: String
    public var exportedBy: String
    public var selection: [String: String]
    public var messages: Int
    public var conversations: Int
    public var checkpoint: Checkpoint
    public var files: [File]
    /// The file holding one inclusion proof per exported message, in export order.
    public var proofs = "proofs.jsonl"

    enum CodingKeys: String, CodingKey {
        case format
        case exportFormat = "export_format"
        case createdAt = "created_at"
        case exportedBy = "exported_by"
        case selection, messages, conversations, checkpoint, files, proofs
    }
}
