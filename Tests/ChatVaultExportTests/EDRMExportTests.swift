import ChatVaultCore
import Foundation
import Testing

@testable import ChatVaultExport

@Suite struct EDRMExportTests {
    /// Parses `edrm/loadfile.xml` with Python's `xml.etree`: each document's id, tags and
    /// native file (and whether it exists), and the relationships.
    static let reader = """
        import json, os, sys
        import xml.etree.ElementTree as ET
        base = sys.argv[1] + '/edrm'
        root = ET.parse(base + '/loadfile.xml').getroot()
        docs = []
        for d in root.iter('Document'):
            tags = {t.get('TagName'): t.get('TagValue') for t in d.iter('Tag')}
            files = []
            for f in d.iter('ExternalFile'):
                path = os.path.join(base, f.get('FilePath'), f.get('FileName'))
                files.append({'path': f.get('FilePath') + '/' + f.get('FileName'), 'exists': os.path.isfile(path),
                              'size_matches': os.path.isfile(path) and os.path.getsize(path) == int(f.get('FileSize'))})
            docs.append({'id': d.get('DocID'), 'tags': tags, 'files': files})
        links = [[r.get('ParentDocId'), r.get('ChildDocId')] for r in root.iter('Relationship')]
        print(json.dumps({'root': root.tag, 'major': root.get('MajorVersion'), 'minor': root.get('MinorVersion'), 'documents': docs, 'links': links}))
        """

    @Test func edrmLoadFileIsWellFormedAndPointsAtNatives() async throws {
        let fixture = try await ExporterTests.Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.edrm)
        let parsed = try #require(try PythonScript.run(Self.reader, out.path), "loadfile.xml parses")
        #expect(parsed["root"]?.stringValue == "Root" && parsed["major"]?.stringValue == "1" && parsed["minor"]?.stringValue == "2")
        let documents = try #require(parsed["documents"]?.arrayValue)
        #expect(
            documents.map { $0["id"]?.stringValue ?? "" } == [
                "CV00000001", "CV00000001.0001", "CV00000002", "CV00000003", "CV00000004", "CV00000005",
            ])
        let messages = documents.filter { $0["id"]?.stringValue?.contains(".") == false }
        for message in messages {
            #expect(message["tags"]?["#DateSent"]?.stringValue?.hasPrefix("2024-03-0") == true)
            #expect(message["tags"]?["#From"]?.stringValue == "Alice")
            #expect(message["tags"]?["#Subject"]?.stringValue == "#board")
            #expect(message["files"]?.arrayValue?.count == 1 && message["files"]?.arrayValue?.first?["exists"] == .bool(true))
        }
        let first = documents[0]
        #expect(first["tags"]?["#DateSent"]?.stringValue == "2024-03-01T09:00:00Z")
        #expect(first["tags"]?["ChatVault EditedFrom"]?.stringValue == "draft text")
        #expect(first["files"]?.arrayValue?.first?["size_matches"] == .bool(true))
        #expect(documents[2]["tags"]?["ChatVault Deleted"]?.stringValue == "true")
        let child = documents[1]
        #expect(child["tags"]?["#FileName"]?.stringValue == "minutes.txt" && child["files"]?.arrayValue?.first?["exists"] == .bool(true))
        #expect(parsed["links"] == .array([.array([.string("CV00000001"), .string("CV00000001.0001")])]))

        let nativePath = try #require(first["files"]?.arrayValue?.first?["path"]?.stringValue)
        let native = try String(contentsOf: out.appendingPathComponent("edrm/" + nativePath), encoding: .utf8)
        #expect(native.contains("card [REDACTED:CREDIT_CARD] <script>alert(1)</script>") && native.contains("earlier version: draft text"))
        #expect(native.contains("reaction: 👍 by bob") && native.contains("redacted CREDIT_CARD by pii.credit_card"))
        let attachmentPath = try #require(child["files"]?.arrayValue?.first?["path"]?.stringValue)
        #expect(try String(contentsOf: out.appendingPathComponent("edrm/" + attachmentPath), encoding: .utf8) == "board minutes")
    }

    @Test func datHasAHeaderAndOneDelimitedRowPerDocument() async throws {
        let fixture = try await ExporterTests.Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.edrm)
        let data = try Data(contentsOf: out.appendingPathComponent("edrm/loadfile.dat"))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let rows = text.components(separatedBy: "\r\n").dropLast()
        #expect(text.hasSuffix("\r\n") && rows.count == 7, "a header and six documents")
        let table = rows.map { row in
            row.split(separator: "\u{0014}", omittingEmptySubsequences: false).map { field -> String in
                #expect(field.first == "þ" && field.last == "þ" && field.count >= 2)
                return String(field.dropFirst().dropLast())
            }
        }
        let header = table[0]
        #expect(header.first == "DOCID" && header.last == "NATIVE" && header.contains("DATESENT") && header.contains("FROM"))
        #expect(table.allSatisfy { $0.count == header.count })
        let column = { (name: String) in header.firstIndex(of: name)! }
        #expect(table.dropFirst().map { $0[0] } == ["CV00000001", "CV00000001.0001", "CV00000002", "CV00000003", "CV00000004", "CV00000005"])
        #expect(table[2][column("PARENTID")] == "CV00000001" && table[1][column("PARENTID")] == "")
        #expect(table[1][column("DATESENT")] == "2024-03-01T09:00:00Z" && table[1][column("FROM")] == "Alice")
        for row in table.dropFirst() {
            let native = row[column("NATIVE")].replacing("\\", with: "/")
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("edrm/" + native).path), "\(native)")
        }
    }

    @Test func edrmExportVerifiesAndNamesATamperedNative() async throws {
        let fixture = try await ExporterTests.Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.edrm)
        let report = ExportVerifier.verify(directory: out, publicKey: fixture.publicKey)
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.proofsChecked == 5)
        let path = "edrm/natives/00000/CV00000004.txt"
        let native = try String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)
        try native.replacing("next day", with: "next week").write(to: out.appendingPathComponent(path), atomically: true, encoding: .utf8)
        let broken = ExportVerifier.verify(directory: out, publicKey: fixture.publicKey)
        #expect(broken.problems == ["\(path): does not match the manifest (changed after export)"])
    }

    @Test func concordanceValuesLoseDelimitersAndLineBreaks() {
        #expect(ConcordanceDAT.clean("aþb\u{0014}c\r\nd\ne\u{1}") == "a\u{FFFD}b\u{FFFD}c®d®e\u{FFFD}")
    }

    @Test func xmlEscapingKeepsHostileTextInsideItsAttribute() {
        #expect(XMLEscaping.escape("\"/><x a='1'>&\n\u{1}") == "&quot;/&gt;&lt;x a=&apos;1&apos;&gt;&amp;&#10;\u{FFFD}")
    }
}
