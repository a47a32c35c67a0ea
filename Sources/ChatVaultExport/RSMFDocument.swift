import ChatVaultCore
import Crypto
import Foundation
import ZIPFoundation

/// One conversation's day as a Relativity Short Message Format 2.0 file: an RFC 5322
/// message with the `X-RSMF-*` headers, a plain-text preview of the day as its body, and
/// exactly one attachment, `rsmf.zip`, holding `rsmf_manifest.json` and every stored
/// attachment the events reference by `attachments[].id`.
///
/// A conversation's days share an `X-RSMF-EventCollectionID` (a hash of the conversation
/// key), so a review tool can put the slices back together.
struct RSMFDocument {
    var key: String
    var day: String
    var manifest: RSMFManifest
    private var preview: String
    private var first: Timestamp?
    private var last: Timestamp?
    /// Attachment contents in the zip, by their id there.
    private var files: [(id: String, bytes: [UInt8])] = []

    init(key: String, title: String, platform: String, kind: Conversation.Kind?, day: String) {
        self.key = key
        self.day = day
        manifest = RSMFManifest(id: key, display: title, platform: platform, type: kind == .channel ? "channel" : "direct")
        preview = "\(title) (\(key)), \(day)\n\n"
    }

    var eventCount: Int { manifest.events.count }

    mutating func add(_ r: ExportRecord, attachment: (String) async throws -> [UInt8]?) async throws {
        first = first ?? r.sentAt
        last = r.sentAt
        preview += "[\(r.sentAt.iso8601)] \(r.who): \(EMLDocument.plainLine(r))\n"
        var stored: [(id: String, display: String, size: Int)] = []
        if r.kind == "message" {
            for file in r.attachments {
                guard let sha = file.sha256 else { continue }
                let id = Self.attachmentID(sha: sha, name: file.name)
                if let known = files.first(where: { $0.id == id }) {
                    stored.append((id, file.name, known.bytes.count))
                } else if let bytes = try await attachment(sha) {
                    files.append((id, bytes))
                    stored.append((id, file.name, bytes.count))
                }
            }
        }
        manifest.add(r, files: stored)
    }

    func render() throws -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 4096)
        json.write(manifest.json)
        let begin = first ?? Timestamp(microseconds: 0)
        let zip = try Self.zip([("rsmf_manifest.json", json.bytes)] + files.map { ($0.id, $0.bytes) }, modified: begin)
        let collection = Self.hex(SHA256.hash(data: Array(key.utf8))).prefix(32)
        let boundary = "rsmf-" + Self.hex(SHA256.hash(data: Array("\(key)|\(day)".utf8))).prefix(24)
        var out = "From: \"ChatVault export\" <export@chatvault.invalid>\r\n"
        out += "To: undisclosed-recipients:;\r\n"
        out += "Subject: \(EMLDocument.encodedWord("[\(key)] \(manifest.conversation.display) \(day) (\(eventCount) events)"))\r\n"
        out += "Date: \(EMLDocument.rfc5322Date(begin))\r\n"
        out += "Message-ID: <\(boundary.dropFirst(5))@rsmf.chatvault.invalid>\r\n"
        out += "X-RSMF-Version: 2.0.0\r\n"
        out += "X-RSMF-Generator: ChatVault\r\n"
        out += "X-RSMF-BeginDate: \(begin.iso8601)\r\n"
        out += "X-RSMF-EndDate: \((last ?? begin).iso8601)\r\n"
        out += "X-RSMF-EventCount: \(eventCount)\r\n"
        out += "X-RSMF-AttachmentCount: \(manifest.attachmentCount)\r\n"
        out += "X-RSMF-EventCollectionID: \(collection)\r\n"
        if Self.isToken(manifest.conversation.platform) { out += "X-RSMF-Application: \(manifest.conversation.platform)\r\n" }
        out += "MIME-Version: 1.0\r\n"
        out += "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n"
        out += "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        out += EMLDocument.base64Lines(Array(preview.utf8))
        out += "--\(boundary)\r\nContent-Type: application/zip; name=\"rsmf.zip\"\r\n"
        out += "Content-Disposition: attachment; filename=\"rsmf.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        out += EMLDocument.base64Lines(zip)
        out += "--\(boundary)--\r\n"
        return Array(out.utf8)
    }

    /// A zip of the entries, flat, deflated, stamped with `modified` so the same day
    /// exports to the same bytes.
    static func zip(_ entries: [(name: String, bytes: [UInt8])], modified: Timestamp) throws -> [UInt8] {
        let archive = try ZIPFoundation.Archive(data: Data(), accessMode: .create)
        let date = Date(timeIntervalSince1970: Double(modified.microseconds / 1_000_000))
        for entry in entries {
            let data = Data(entry.bytes)
            try archive.addEntry(
                with: entry.name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date, compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw ExportError("rsmf.zip: the archive could not be written") }
        return Array(data)
    }

    /// An attachment's name in the zip: the start of its hash, so equal contents share a
    /// file and different ones never collide, and the name reduced to safe characters.
    static func attachmentID(sha: String, name: String) -> String {
        let safe = String(
            name.unicodeScalars.map { scalar -> Character in
                (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || scalar == "." || scalar == "-"
                    ? Character(scalar) : "_"
            }.suffix(80))
        let prefix = String(sha.unicodeScalars.filter { $0.properties.isASCIIHexDigit }.prefix(16).map(Character.init))
        return prefix + "-" + (safe.hasPrefix(".") ? "_" + safe : safe)
    }

    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    static func hex(_ digest: SHA256.Digest) -> String { Array(digest).hexString }
}
