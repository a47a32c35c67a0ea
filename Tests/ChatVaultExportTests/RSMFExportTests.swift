import ChatVaultCore
import ChatVaultExport
import Foundation
import Testing

@Suite struct RSMFExportTests {
    /// Reads every `.rsmf` file with Python's `email` and `zipfile`: headers, the one
    /// attachment, the zip's entries and its parsed `rsmf_manifest.json`.
    static let reader = """
        import email, glob, io, json, sys, zipfile
        from email import policy
        result = []
        for path in sorted(glob.glob(sys.argv[1] + '/rsmf/*/*.rsmf')):
            m = email.message_from_bytes(open(path, 'rb').read(), policy=policy.default)
            attachments = list(m.iter_attachments())
            z = zipfile.ZipFile(io.BytesIO(attachments[0].get_content()))
            manifest = json.loads(z.read('rsmf_manifest.json').decode('utf-8'))
            files = {n: z.read(n).decode('utf-8', 'replace') for n in z.namelist() if n != 'rsmf_manifest.json'}
            headers = {k: str(v) for k, v in m.items() if k.lower().startswith('x-rsmf-')}
            result.append({'path': path[len(sys.argv[1]) + 1:], 'headers': headers, 'attachments': [a.get_filename() for a in attachments],
                           'preview': m.get_body(preferencelist=('plain',)).get_content(), 'manifest': manifest, 'files': files,
                           'defects': len(m.defects)})
        print(json.dumps(result))
        """

    @Test func rsmfCarriesEveryMessageInAManifestRelativityReads() async throws {
        let fixture = try await ExporterTests.Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.rsmf)
        let files = try #require(try PythonScript.run(Self.reader, out.path)?.arrayValue)
        #expect(files.count == 2, "one file per conversation and day")
        let day = try #require(files.first)
        #expect(day["path"]?.stringValue?.hasSuffix("/2024-03-01.rsmf") == true)
        #expect(day["defects"] == .number("0"))
        #expect(day["attachments"] == .array([.string("rsmf.zip")]))
        let headers = try #require(day["headers"])
        #expect(headers["X-RSMF-Version"]?.stringValue == "2.0.0")
        #expect(headers["X-RSMF-Generator"]?.stringValue == "ChatVault")
        #expect(headers["X-RSMF-BeginDate"]?.stringValue == "2024-03-01T09:00:00Z")
        #expect(headers["X-RSMF-EndDate"]?.stringValue == "2024-03-01T09:03:20Z")
        #expect(headers["X-RSMF-EventCount"]?.stringValue == "3")
        #expect(
            headers["X-RSMF-EventCollectionID"] == files[1]["headers"]?["X-RSMF-EventCollectionID"], "the days of a conversation share a collection")

        let manifest = try #require(day["manifest"])
        #expect(manifest["version"]?.stringValue == "2.0.0")
        let alice = try #require(manifest["participants"]?.arrayValue?.first)
        #expect(alice["id"]?.stringValue == "alice@bank.example" && alice["display"]?.stringValue == "Alice")
        #expect(alice["email"]?.stringValue == "alice@bank.example")
        #expect(manifest["participants"]?.arrayValue?.contains { $0["id"]?.stringValue == "bob" } == true, "reacting people are participants")
        let conversation = try #require(manifest["conversations"]?.arrayValue?.first)
        #expect(conversation["id"]?.stringValue == "slack:C1" && conversation["platform"]?.stringValue == "slack")
        #expect(["direct", "channel"].contains(conversation["type"]?.stringValue ?? ""))

        let events = try #require(manifest["events"]?.arrayValue)
        #expect(events.count == 3 && events.allSatisfy { $0["conversation"]?.stringValue == "slack:C1" && $0["type"]?.stringValue == "message" })
        let first = events[0]
        #expect(first["participant"]?.stringValue == "alice@bank.example" && first["timestamp"]?.stringValue == "2024-03-01T09:00:00Z")
        #expect(first["body"]?.stringValue == "card [REDACTED:CREDIT_CARD] <script>alert(1)</script>", "JSON carries hostile text intact")
        let edits = try #require(first["edits"]?.arrayValue)
        #expect(edits.map { $0["previous"]?.stringValue ?? "" } == ["draft text", "card [REDACTED:CREDIT_CARD] <script>alert(1)</script>"])
        #expect(edits.last?["new"]?.stringValue == "final words" && edits.last?["timestamp"]?.stringValue == "2024-03-01T09:03:20Z")
        #expect(
            first["reactions"] == .array([.object([("value", .string("👍")), ("count", .number("1")), ("participants", .array([.string("bob")]))])]))
        let attachment = try #require(first["attachments"]?.arrayValue?.first)
        #expect(attachment["display"]?.stringValue == "minutes.txt" && attachment["size"] == .number("13"))
        let attachmentID = try #require(attachment["id"]?.stringValue)
        #expect(day["files"]?[attachmentID]?.stringValue == "board minutes", "the attachment file is in the zip under its id")
        #expect(events[1]["deleted"] == .bool(true) && events[0]["deleted"] == .bool(false))
        #expect(events[2]["body"]?.stringValue == "(edited 1) final words")
        #expect(day["preview"]?.stringValue?.contains("[REDACTED:CREDIT_CARD]") == true)
        #expect(files[1]["manifest"]?["events"]?.arrayValue?.count == 2)
    }

    @Test func rsmfExportVerifiesAndNamesATamperedFile() async throws {
        let fixture = try await ExporterTests.Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.rsmf)
        let report = ExportVerifier.verify(directory: out, publicKey: fixture.publicKey)
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.proofsChecked == 5)
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("rsmf").path).first)
        let path = "rsmf/\(folder)/2024-03-02.rsmf"
        let handle = try FileHandle(forWritingTo: out.appendingPathComponent(path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("X".utf8))
        try handle.close()
        let broken = ExportVerifier.verify(directory: out, publicKey: fixture.publicKey)
        #expect(broken.problems == ["\(path): does not match the manifest (changed after export)"])
    }
}
