import ChatVaultCore

/// The EDRM export as it grows: numbers documents, renders each message's native text
/// file, its `Document` in `edrm/loadfile.xml` and its row in `edrm/loadfile.dat`, and
/// makes every stored attachment a child document of its message.
///
/// Document ids are `CV` and an eight-digit sequence in export order (`CV00000001`);
/// an attachment is its message's id and a four-digit suffix (`CV00000001.0001`). Natives
/// go to `edrm/natives/NNNNN/`, a thousand messages a folder.
struct EDRMBatch {
    static let xmlPath = "edrm/loadfile.xml"
    static let datPath = "edrm/loadfile.dat"

    private(set) var documentCount = 0
    private var started = false
    private var relationships: [(parent: String, child: String)] = []

    /// A file to append to, relative to the export folder.
    typealias Output = (path: String, bytes: [UInt8])

    mutating func add(
        _ r: ExportRecord, title: String, description: String, attachment: (String) async throws -> [UInt8]?
    ) async throws -> [Output] {
        var out = start(description: description)
        documentCount += 1
        let docID = "CV" + Self.pad(documentCount, 8)
        let folder = "natives/" + Self.pad(documentCount / 1000, 5)
        let native = Array(Self.nativeText(r, title: title).utf8)
        let nativeName = docID + ".txt"
        out.append(("edrm/\(folder)/\(nativeName)", native))

        var childIDs: [String] = []
        var children: [(id: String, native: EDRMLoadFile.NativeFile?, name: String)] = []
        for (index, file) in r.attachments.enumerated() {
            let childID = docID + "." + Self.pad(index + 1, 4)
            var childNative: EDRMLoadFile.NativeFile?
            if let sha = file.sha256, let bytes = try await attachment(sha) {
                let name = childID + Self.safeExtension(file.name)
                out.append(("edrm/\(folder)/\(name)", bytes))
                childNative = EDRMLoadFile.NativeFile(folder: folder, name: name, size: bytes.count)
            }
            childIDs.append(childID)
            children.append((childID, childNative, file.name))
            relationships.append((docID, childID))
        }

        var tags = Self.messageTags(r, title: title)
        if !childIDs.isEmpty { tags.append(.text("#AttachmentNames", r.attachments.map(\.name).joined(separator: "; "))) }
        let nativeFile = EDRMLoadFile.NativeFile(folder: folder, name: nativeName, size: native.count)
        var xml = EDRMLoadFile.document(id: docID, type: "Message", mimeType: "text/plain", native: nativeFile, tags: tags)
        var dat = ConcordanceDAT.row(
            Self.datValues(r, docID: docID, parent: "", title: title, fileName: nativeName, native: "\(folder)/\(nativeName)"))
        for (child, file) in zip(children, r.attachments) {
            let childTags: [EDRMLoadFile.Tag] = [
                .text("#FileName", file.name), EDRMLoadFile.Tag(name: "#DateSent", type: "DateTime", value: r.sentAt.iso8601),
                .text("#From", r.who), .text("ChatVault Parent", docID), .text("ChatVault SHA256", file.sha256 ?? ""),
            ]
            xml += EDRMLoadFile.document(
                id: child.id, type: "File", mimeType: EMLDocument.safeMediaType(file.mediaType), native: child.native, tags: childTags)
            let path = child.native.map { "\($0.folder)/\($0.name)" } ?? ""
            dat += ConcordanceDAT.row(Self.datValues(r, docID: child.id, parent: docID, title: title, fileName: file.name, native: path))
        }
        out.append((Self.xmlPath, Array(xml.utf8)))
        out.append((Self.datPath, Array(dat.utf8)))
        return out
    }

    /// The closing part of the XML (and both headers, if no message was exported).
    mutating func finish(description: String) -> [Output] {
        var out = start(description: description)
        out.append((Self.xmlPath, Array(EDRMLoadFile.footer(relationships: relationships).utf8)))
        return out
    }

    private mutating func start(description: String) -> [Output] {
        guard !started else { return [] }
        started = true
        return [(Self.xmlPath, Array(EDRMLoadFile.header(description: description).utf8)), (Self.datPath, Array(ConcordanceDAT.header.utf8))]
    }

    static func messageTags(_ r: ExportRecord, title: String) -> [EDRMLoadFile.Tag] {
        var tags: [EDRMLoadFile.Tag] = [
            EDRMLoadFile.Tag(name: "#DateSent", type: "DateTime", value: r.sentAt.iso8601), .text("#From", r.who),
            .text("#To", title), .text("#Subject", title), .text("ChatVault Platform", r.platform),
            .text("ChatVault Conversation", r.conversationKey), .text("ChatVault Sender", r.sender), .text("ChatVault Kind", r.kind),
            EDRMLoadFile.Tag(name: "ChatVault RecordID", type: "Integer", value: String(r.id)), .text("ChatVault SourceID", r.sourceID),
            EDRMLoadFile.Tag(name: "ChatVault Deleted", type: "Boolean", value: r.deleted ? "true" : "false"),
        ]
        if let target = r.target { tags.append(.text("ChatVault Target", target)) }
        if let replyTo = r.replyTo { tags.append(.text("ChatVault ReplyTo", replyTo)) }
        if let deliveredBy = r.deliveredBy { tags.append(.text("ChatVault DeliveredBy", deliveredBy)) }
        if !r.editedFrom.isEmpty {
            tags.append(EDRMLoadFile.Tag(name: "ChatVault EditedFrom", type: "LongText", value: r.editedFrom.joined(separator: "\n")))
        }
        if !r.reactions.isEmpty {
            tags.append(.text("ChatVault Reactions", r.reactions.map { "\($0.emoji) \($0.by.joined(separator: ", "))" }.joined(separator: "; ")))
        }
        if !r.redactions.isEmpty {
            tags.append(.text("ChatVault Redactions", r.redactions.map { "\($0.type) (\($0.rule))" }.joined(separator: "; ")))
        }
        return tags
    }

    static func datValues(_ r: ExportRecord, docID: String, parent: String, title: String, fileName: String, native: String) -> [String] {
        [
            docID, parent, r.sentAt.iso8601, r.who, title, title, r.platform, r.conversationKey, parent.isEmpty ? r.kind : "attachment",
            r.deleted ? "Y" : "N", String(r.id), fileName, native.replacing("/", with: "\\"),
        ]
    }

    /// The native of a message: a short header and the body, with every earlier version,
    /// the deletion, reactions, attachments and redactions spelled out.
    static func nativeText(_ r: ExportRecord, title: String) -> String {
        var text = "Conversation: \(title) (\(r.conversationKey))\nFrom: \(r.who) <\(r.sender)>\nSent: \(r.sentAt.iso8601)\n"
        text += "Record: \(r.id)\nSource ID: \(r.sourceID)\nKind: \(r.kind)\n"
        if let target = r.target { text += "Target: \(target)\n" }
        if let replyTo = r.replyTo { text += "In reply to: \(replyTo)\n" }
        if let deliveredBy = r.deliveredBy { text += "Delivered by: \(deliveredBy)\n" }
        text += "\n" + EDRMBatch.bodyText(r) + "\n"
        for redaction in r.redactions { text += "\nredacted \(redaction.type) by \(redaction.rule)" }
        return text
    }

    static func bodyText(_ r: ExportRecord) -> String {
        var line = EMLDocument.plainLine(r)
        for reaction in r.reactions { line += "\n    reaction: \(reaction.emoji) by \(reaction.by.joined(separator: ", "))" }
        return line
    }

    /// The attachment's extension if it is short and plain (`.pdf`), else none.
    static func safeExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        let ext = name[name.index(after: dot)...]
        guard (1...8).contains(ext.count), ext.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else { return "" }
        return "." + ext.lowercased()
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
