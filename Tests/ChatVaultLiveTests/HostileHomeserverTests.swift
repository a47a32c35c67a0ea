import ChatVaultCapture
import ChatVaultCore
import Foundation
import Testing

/// `chatvault capture matrix` against a small real HTTP server (Python's http.server on
/// loopback) that answers like a broken or hostile homeserver.
@Suite(.serialized) struct HostileHomeserverTests {
    /// Serves, per path: a 20 MB body for the room list of room "huge", 300 nested arrays for
    /// "deep", events with hostile fields for "odd"; prints its port.
    static let server = """
        import http.server, json, sys
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                if "/rooms/%21huge" in self.path:
                    body = b'{"chunk":[' + b'1,' * 10_000_000 + b'1]}'
                elif "/rooms/%21deep" in self.path:
                    body = b'[' * 300 + b']' * 300
                elif self.path.startswith("/_synapse/admin/v1/rooms/%21odd%3Al/messages"):
                    events = [
                        {"type": "m.room.message", "event_id": "$ok", "sender": "@a:l", "origin_server_ts": 1700000000000,
                         "content": {"msgtype": "m.text", "body": "survivor \\u0000 \\u001b[31m"}},
                        {"type": "m.room.message", "event_id": "$" + "x" * 5000, "sender": "@a:l", "origin_server_ts": 1700000000000},
                        {"type": "m.room.message", "event_id": "$t", "sender": "@a:l", "origin_server_ts": "soon"},
                        {"type": ["m.room.message"]}, 17, None, "text",
                    ]
                    done = "from=" in self.path
                    body = json.dumps({"chunk": [] if done else events, **({} if done else {"end": "e1"})}).encode()
                elif self.path.startswith("/_synapse/admin/v1/rooms/"):
                    body = json.dumps({"name": "n" * 100000, "joined_members": "many", "public": "yes"}).encode()
                else:
                    self.send_response(404); self.end_headers(); self.wfile.write(b'{"errcode":"M_NOT_FOUND"}'); return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """

    func withServer(_ vault: LiveVault, _ body: (Int) async throws -> Void) async throws {
        let portFile = vault.directory.appendingPathComponent("server.port")
        _ = FileManager.default.createFile(atPath: portFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.server]
        process.standardOutput = try FileHandle(forWritingTo: portFile)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: a SIGTERM the test runner was started ignoring would be ignored by python too.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var port: Int?
        for _ in 0..<100 where port == nil {
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
            if text.hasSuffix("\n") { port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        try await body(try #require(port, "the test server did not start"))
    }

    func once(_ vault: LiveVault, port: Int, room: String, name: String) throws -> LiveVault.Output {
        try vault.run(
            Peers.binary.path,
            [
                "capture", "matrix", "--vault", vault.path, "--homeserver", "http://127.0.0.1:\(port)", "--token-env", "T", "--room", room, "--once",
                "--name", name,
            ], environment: ["T": "token"])
    }

    @Test func oversizedDeepAndOddAnswersAreRefusedWithoutCrashing() async throws {
        let vault = try LiveVault()
        defer { vault.remove() }
        try await withServer(vault) { port in
            let huge = try once(vault, port: port, room: "!huge:l", name: "huge")
            #expect(huge.status == 2)
            #expect(huge.stderr.contains("larger than"), "\(huge.stderr)")
            let deep = try once(vault, port: port, room: "!deep:l", name: "deep")
            #expect(deep.status == 2)
            #expect(deep.stderr.contains("not JSON"), "\(deep.stderr)")
            let odd = try once(vault, port: port, room: "!odd:l", name: "odd")
            #expect(odd.status == 0, "\(odd.stderr)")
            let hits = try vault.search("survivor")
            #expect(hits.count == 1)
            #expect(hits.first?["conversation_name"]?.stringValue.map { $0.utf8.count <= 256 } == true)
            let state = try await vault.state("odd")
            #expect(state.cursors["!odd:l"] == "e1")
            #expect(state.stored == 1)
        }
    }
}
