/// The XML of an EDRM XML 1.2 load file, written in pieces as documents arrive: the
/// prolog and open `Root/Batch/Documents`, one `Document` at a time, then the closing
/// part with the attachment relationships. Every value passes through ``XMLEscaping``.
enum EDRMLoadFile {
    struct Tag {
        var name: String
        var type: String
        var value: String

        static func text(_ name: String, _ value: String) -> Tag { Tag(name: name, type: "Text", value: value) }
    }

    /// A native file of a document, relative to the folder of the load file.
    struct NativeFile {
        var folder: String
        var name: String
        var size: Int
    }

    static func header(description: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Root MajorVersion="1" MinorVersion="2" Description="\(XMLEscaping.escape(description))" Locale="en-US" DataInterchangeType="Update">
        <Batch name="ChatVault export">
        <Documents>

        """
    }

    static func document(id: String, type: String, mimeType: String, native: NativeFile?, tags: [Tag]) -> String {
        var xml = "<Document DocID=\"\(XMLEscaping.escape(id))\" DocType=\"\(type)\" MimeType=\"\(XMLEscaping.escape(mimeType))\">\n"
        if let native {
            xml += "<Files><File FileType=\"Native\"><ExternalFile FilePath=\"\(XMLEscaping.escape(native.folder))\""
            xml += " FileName=\"\(XMLEscaping.escape(native.name))\" FileSize=\"\(native.size)\"/></File></Files>\n"
        }
        xml += "<Tags>\n"
        for tag in tags {
            xml += "<Tag TagName=\"\(XMLEscaping.escape(tag.name))\" TagDataType=\"\(tag.type)\" TagValue=\"\(XMLEscaping.escape(tag.value))\"/>\n"
        }
        return xml + "</Tags>\n</Document>\n"
    }

    static func footer(relationships: [(parent: String, child: String)]) -> String {
        var xml = "</Documents>\n<Relationships>\n"
        for link in relationships {
            xml += "<Relationship Type=\"Attachment\" ParentDocId=\"\(XMLEscaping.escape(link.parent))\""
            xml += " ChildDocId=\"\(XMLEscaping.escape(link.child))\"/>\n"
        }
        return xml + "</Relationships>\n</Batch>\n</Root>\n"
    }
}
