import ChatVaultCore
import Foundation
import Glibc
import Testing

/// Issue 13 item 7: nothing in a vault or an export is readable by another user, and the
/// secrets are private from their first byte.
@Suite(.serialized) struct VaultPermissionsTests {
    static let chat = """
        [12/31/23, 9:41:05\u{202F}PM] Alice: the wire transfer is queued
        [12/31/23, 9:41:30\u{202F}PM] Bob: \u{200E}<attached: 00000012-PHOTO-2023-12-31.jpg>
        """

    /// Every path under `root` (itself included) that grants group or other any access.
    static func sharedPaths(under root: String) -> [String] {
        var found: [String] = []
        func visit(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            if info.st_mode & 0o077 != 0 { found.append("\(path) \(String(info.st_mode & 0o7777, radix: 8))") }
            guard info.st_mode & S_IFMT == S_IFDIR, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for name in names { visit(path + "/" + name) }
        }
        visit(root)
        return found
    }

    static func count(under root: String) -> Int {
        (FileManager.default.enumerator(atPath: root)?.allObjects.count ?? 0)
    }

    /// A WhatsApp zip with one photo, so the import stores a blob too.
    static func whatsAppZip(in cli: CLI) throws -> String {
        let folder = cli.path("wa")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try chat.write(toFile: folder + "/_chat.txt", atomically: true, encoding: .utf8)
        try "not really a jpeg".write(toFile: folder + "/00000012-PHOTO-2023-12-31.jpg", atomically: true, encoding: .utf8)
        let zip = cli.path("WhatsApp Chat - Desk.zip")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        process.arguments = ["-q", "-j", zip, folder + "/_chat.txt", folder + "/00000012-PHOTO-2023-12-31.jpg"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return zip
    }

    @Test func initImportServeExportLeaveNothingReadableByOthers() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let imported = try cli.run("import", "--vault", vault, try Self.whatsAppZip(in: cli), "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.json?["imported"] == .number("2"))
        #expect(try cli.run("token", "relay", "--vault", vault, "--role", "ingest", "--source", "webchat").status == 0)
        #expect(try cli.run("verify", "--vault", vault).status == 0)

        let port = Int.random(in: 20_000..<40_000)
        let (server, out, _) = try cli.start(["serve", "--vault", vault, "--port", String(port), "--no-capture"])
        for _ in 0..<100 where !((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("console on") {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .milliseconds(500))
        server.terminate()
        server.waitUntilExit()

        let export = cli.path("case-42")
        let exported = try cli.run("export", "--vault", vault, "--query", "wire", "--format", "html", "--out", export)
        #expect(exported.status == 0, "\(exported.stderr)")

        #expect(
            FileManager.default.fileExists(atPath: vault + "/archive.sqlite-wal") || FileManager.default.fileExists(atPath: vault + "/archive.sqlite")
        )
        #expect(FileManager.default.fileExists(atPath: vault + "/blobs"), "the import stored the photo")
        #expect(Self.count(under: vault) > 8)
        #expect(Self.sharedPaths(under: vault) == [])
        #expect(Self.count(under: export) > 1)
        #expect(Self.sharedPaths(under: export) == [])
    }

    @Test func anOlderVaultIsNarrowedWhenOpened() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        #expect(try cli.run("import", "--vault", vault, try Self.whatsAppZip(in: cli)).status == 0)
        // As a vault made before files were private: folders 0755, files 0644.
        func loosen(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let isFolder = info.st_mode & S_IFMT == S_IFDIR
            chmod(path, isFolder ? 0o755 : 0o644)
            if isFolder { for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { loosen(path + "/" + name) } }
        }
        loosen(vault)
        #expect(Self.sharedPaths(under: vault).count > 8)
        #expect(try cli.run("status", "--vault", vault).status == 0)
        #expect(Self.sharedPaths(under: vault) == [])
    }

    /// The keys are created with `O_CREAT|O_EXCL` and mode 0600 and never chmod-ed
    /// afterwards: a file written first and narrowed later is readable in between.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")))
    func secretsArePrivateFromTheFirstByte() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        let trace = cli.path("init.strace")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        process.arguments = [
            "-f", "-e", "trace=open,openat,creat,chmod,fchmod,fchmodat,rename,renameat,renameat2", "-o", trace, CLI.binary.path, "init", "--vault",
            vault,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        for key in ["keys/checkpoint.key", "keys/redaction.key"] {
            let touching = lines.filter { $0.contains(key) }
            #expect(!touching.isEmpty, "strace saw \(key)")
            #expect(touching.allSatisfy { !$0.contains("chmod") && !$0.contains("rename") }, "\(touching)")
            let creating = touching.filter { $0.contains("O_CREAT") }
            #expect(creating.count == 1, "\(touching)")
            #expect(creating.allSatisfy { $0.contains("O_EXCL") && $0.contains(", 0600)") }, "\(creating)")
        }
    }
}
