import Foundation
import Testing

/// `chatvault capture xmpp` against fake servers that misbehave: it must fail cleanly (exit 2 with
/// the reason), never crash, hang or grow without bound.
@Suite(.serialized) struct XMPPHostileServerTests {
    static let header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' version='1.0'>"

    /// A one-connection TCP server on a free loopback port that sends `payload` after the
    /// client's first bytes; returns the process and the port.
    func serve(_ payload: String) throws -> (Process, Int) {
        // The payload goes through a file: a pipe would block on a few megabytes before the server reads it.
        let script = """
            import os, socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0)); s.listen(1)
            print(s.getsockname()[1], flush=True)
            c, _ = s.accept(); c.settimeout(20)
            c.recv(4096)
            payload = open(sys.argv[1], "rb").read(); os.unlink(sys.argv[1])
            try:
                c.sendall(payload)
                c.recv(4096)
            except Exception:
                pass
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cv-hostile-\(UUID().uuidString).xml")
        try Data(payload.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return (process, port)
    }

    static func capture(port: Int, caFile: String? = nil) throws -> Peers.Output {
        let vault = try XMPPPeer.vault()
        defer { try? FileManager.default.removeItem(at: vault) }
        var arguments = [
            "capture", "xmpp", "--vault", vault.path, "--name", "hostile", "--host", "127.0.0.1", "--port", String(port), "--domain", "localhost",
            "--username", "alice", "--password-env", "XMPP_TEST_PASSWORD", "--once",
        ]
        if let caFile { arguments += ["--ca-file", caFile] }
        return try Peers.run(Peers.binary.path, arguments, environment: ["XMPP_TEST_PASSWORD": "alicepass"])
    }

    @Test(arguments: [
        ("<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>", "DOCTYPE"),
        ("<stream:features><x>" + String(repeating: "a", count: 3 << 20) + "</x></stream:features>", "larger than"),
        (String(repeating: "<a>", count: 10_000), "nested deeper"),
        ("<stream:features><x>&b;</x></stream:features>", "undeclared entity"),
    ])
    func hostileStreamsEndTheSessionCleanly(payload: String, reason: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Peers.binary.path) else { return }
        let (server, port) = try serve(Self.header + payload)
        defer { if server.isRunning { server.terminate() } }
        let started = Date()
        let output = try Self.capture(port: port)
        #expect(output.status == 2, "\(output.text)")
        #expect(output.text.contains(reason), "\(output.text)")
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
