import ChatVaultCapture
import ChatVaultCore
import Foundation
import Testing

/// `chatvault capture irc` against a small real TCP server (Python, loopback) that sends what
/// a real IRC server never would: an overlong line, undecodable bytes, formatting codes, tags.
@Suite(.serialized) struct HostileIRCServerTests {
    static let server = """
        import socket, sys, time
        out = open(sys.argv[1], "w")
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0)); s.listen(1)
        print(s.getsockname()[1], file=out, flush=True)
        c, _ = s.accept()
        c.settimeout(10)
        got = b""
        while b"USER" not in got:
            got += c.recv(4096)
        c.sendall(b":irc.test 001 cvlog :welcome\\r\\n:cvlog!l@h JOIN #t\\r\\n:alice!a@h JOIN #t\\r\\n"
                  + b":alice!a@h PRIVMSG #t :" + b"x" * 20000 + b"\\r\\n"
                  + b":alice!a@h PRIVMSG #t :after the long line \\x02bold\\x02 \\x034,5colour\\x03 \\x1b[31m\\r\\n"
                  + b"@time=2026-01-02T03:04:05.000Z;msgid=abc\\\\:1 :bob!b@h PRIVMSG #t :tagged\\r\\n"
                  + b"\\xff\\xfe\\x00 not irc\\r\\n:bob!b@h PRIVMSG #t :caf\\xe9 latin\\r\\n"
                  + b":bob!b@h PRIVMSG #t :\\x01ACTION \\x01\\x01\\x01\\r\\n"
                  + b"PING :probe\\r\\n")
        end = time.time() + 10
        while time.time() < end and b"PONG" not in got:
            try:
                got += c.recv(4096)
            except socket.timeout:
                break
        with open(sys.argv[1] + ".got", "wb") as f:
            f.write(got)
        time.sleep(30)
        """

    @Test func overlongAndOddLinesAreDroppedOrCleanedAndTheRestIsStored() async throws {
        let vault = try LiveVault()
        defer { vault.remove() }
        let portFile = vault.directory.appendingPathComponent("server.port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.server, portFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var port: Int?
        for _ in 0..<100 where port == nil {
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
            if text.hasSuffix("\n") { port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let serverPort = try #require(port, "the test server did not start")
        let capture = try vault.start(
            ["capture", "irc", "--vault", vault.path, "--server", "127.0.0.1:\(serverPort)", "--nick", "cvlog", "--channel", "#t", "--name", "odd"],
            log: "capture.log")
        defer { _ = vault.stop(capture) }
        let stored = try await vault.eventually(10) { try vault.transcript("irc:#t").count >= 5 }
        #expect(stored, "\(vault.log("capture.log"))")
        let texts = try vault.transcript("irc:#t").map { $0["text"]?.string ?? "" }
        #expect(texts.contains("after the long line bold colour [31m"), "\(texts)")
        #expect(texts.contains("café latin"), "\(texts)")
        #expect(texts.contains("* bob "), "\(texts)")
        #expect(!texts.contains { $0.contains("xxxxxxxxxx") })
        let tagged = try #require(try vault.transcript("irc:#t").first { $0["text"]?.stringValue == "tagged" })
        #expect(tagged["sent_at"]?.stringValue == "2026-01-02T03:04:05Z")
        #expect(tagged["source_id"]?.stringValue == "msgid:abc;1")
        #expect(vault.log("capture.log").contains("overlong lines dropped"))
        let answered = try await vault.eventually(5) {
            let got = (try? String(contentsOf: URL(fileURLWithPath: portFile.path + ".got"), encoding: .utf8)) ?? ""
            return got.contains("PONG probe") || got.contains("PONG :probe")
        }
        #expect(answered)
        #expect(vault.stop(capture) == 0, "\(vault.log("capture.log"))")
    }
}
