import ChatVaultCore
import Foundation
import Testing

/// Issue 13 item 12 through the real binary: the Matrix client never carries its admin
/// token through a redirect, and IRC does not send a password in clear without consent.
@Suite(.serialized) struct CaptureHardeningTests {
    /// Two HTTP servers on free ports: the first answers every request with a redirect to
    /// the second, which records the Authorization header it receives.
    static let redirector = """
        import http.server, sys, threading
        log = sys.argv[1]
        class Catcher(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(log, "a") as f: f.write((self.headers.get("Authorization") or "-") + "\\n")
                body = b'{"rooms":[],"total_rooms":0}'
                self.send_response(200); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *args): pass
        catcher = http.server.HTTPServer(("127.0.0.1", 0), Catcher)
        class Redirect(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(302); self.send_header("Location", "http://127.0.0.1:%d%s" % (catcher.server_port, self.path))
                self.send_header("Content-Length", "0"); self.end_headers()
            def log_message(self, *args): pass
        redirect = http.server.HTTPServer(("127.0.0.1", 0), Redirect)
        for server in (catcher, redirect): threading.Thread(target=server.serve_forever, daemon=True).start()
        print(redirect.server_port, flush=True)
        threading.Event().wait()
        """

    @Test func theMatrixAdminTokenNeverFollowsARedirect() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        try "syt_admin_secret_token\n".write(toFile: vault + "/matrix.token", atomically: true, encoding: .utf8)
        let log = cli.path("catcher.log")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", Self.redirector, log]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer {
            // SIGKILL: a child of the test process inherits its blocked SIGTERM.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)), "redirector port: \(line)")
        let capture = try cli.run(
            "capture", "matrix", "--vault", vault, "--homeserver", "http://127.0.0.1:\(port)", "--token-file", "matrix.token", "--once")
        #expect(capture.status != 0)
        #expect(capture.stderr.contains("redirect refused"), "\(capture.stderr)")
        let seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!seen.contains("syt_admin_secret_token"), "the token reached the redirect's target: \(seen)")
    }

    @Test func ircRefusesToSendAPasswordInClear() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        try "hunter2\n".write(toFile: vault + "/irc.pass", atomically: true, encoding: .utf8)
        func stderr(_ extra: [String]) async throws -> String {
            let arguments = [
                "capture", "irc", "--vault", vault, "--server", "127.0.0.1:9", "--channel", "#desk", "--max-backoff", "0.5",
            ]
            let (process, _, err) = try cli.start(arguments + extra)
            var text = ""
            for _ in 0..<100 {
                text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                if text.contains("session ended") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            process.terminate()
            process.waitUntilExit()
            return text
        }
        // --password-env needs an environment variable, so give the password as a configured source's file.
        let config = vault + "/config.json"
        var json = try String(contentsOfFile: config, encoding: .utf8)
        json = json.replacingOccurrences(
            of: "\n}", with: ##",  "sources": [{"name": "desk", "kind": "irc", "password_file": "irc.pass", "archives": ["#desk"]}]\##n}"##)
        try json.write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try await stderr(["--source", "desk"])
        #expect(refused.contains("would be sent in clear without TLS"), "\(refused)")
        let allowed = try await stderr(["--source", "desk", "--allow-plaintext-password"])
        #expect(allowed.contains("is sent in clear (TLS is off)"), "\(allowed)")
        #expect(!allowed.contains("would be sent in clear without TLS"))
    }
}
