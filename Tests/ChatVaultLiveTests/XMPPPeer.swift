import Foundation
import Testing

/// The loopback Prosody of `scripts/peers/start_prosody.sh`, its slixmpp sender and the
/// `chatvault` commands the XMPP live tests run against it.
enum XMPPPeer {
    /// One of the loopback servers of `scripts/peers/`.
    struct Server: Sendable, CustomStringConvertible {
        var name: String
        var port: String
        var caFile: String { Peers.directory + "/\(name)/certs/ca.pem" }
        var description: String { name }

        static let prosody = Server(name: "prosody", port: ProcessInfo.processInfo.environment["PROSODY_PORT"] ?? "15222")
        static let ejabberd = Server(name: "ejabberd", port: ProcessInfo.processInfo.environment["EJABBERD_PORT"] ?? "25222")

        /// Starts the server (idempotent); `false` when it cannot run here (the test then skips).
        func start() throws -> Bool { try Peers.script("start_\(name).sh") }

        func stop() throws { _ = try Peers.script("stop_\(name).sh") }
    }

    /// Sends with `xmpp_send.py` as `user`; the arguments are its `--chat`/`--room`/`--correct`/`--retract` actions.
    static func send(as user: String, to server: Server = .prosody, _ actions: [String]) throws {
        let output = try Peers.run(
            Peers.python,
            [Peers.scripts.appendingPathComponent("xmpp_send.py").path, "--port", server.port, "--cafile", server.caFile, "--user", user]
                + actions)
        try #require(output.status == 0, "xmpp_send.py failed: \(output.text)")
    }

    /// A fresh vault; `policy` (YAML) is installed with `policy set` when given.
    static func vault(policy: String? = nil) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-xmpp-\(UUID().uuidString)")
        try chatvault(["init", "--vault", directory.path, "--internal-domain", "localhost"])
        if let policy {
            let file = directory.appendingPathComponent("candidate-policy.yaml")
            try policy.write(to: file, atomically: true, encoding: .utf8)
            try chatvault(["policy", "set", file.path, "--vault", directory.path])
        }
        return directory
    }

    /// The `capture xmpp` arguments for `user` (password `<user>pass` through the environment).
    static func captureArguments(_ vault: URL, user: String, server: Server = .prosody, archives: [String], extra: [String] = []) -> [String] {
        [
            "capture", "xmpp", "--vault", vault.path, "--name", user, "--host", "127.0.0.1", "--port", server.port, "--domain", "localhost",
            "--username", user, "--password-env", "XMPP_TEST_PASSWORD", "--ca-file", server.caFile,
        ] + archives.flatMap { ["--archive", $0] } + extra
    }

    static func environment(user: String) -> [String: String] { ["XMPP_TEST_PASSWORD": user + "pass", "CHATVAULT_LOG": "info"] }

    /// Runs `chatvault`; fails the test on a non-zero exit.
    @discardableResult
    static func chatvault(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let output = try Peers.run(Peers.binary.path, arguments, environment: environment)
        try #require(output.status == 0, "chatvault \(arguments.joined(separator: " ")) exited \(output.status):\n\(output.text)")
        return output.text
    }

    /// `chatvault search QUERY --json` hits, as dictionaries.
    static func search(_ vault: URL, _ query: String) throws -> [[String: Any]] {
        let output = try Peers.run(Peers.binary.path, ["search", query, "--vault", vault.path, "--json", "--limit", "500"])
        try #require(output.status == 0, "search failed: \(output.text)")
        let line = output.text.split(separator: "\n").first { $0.hasPrefix("{") } ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["hits"] as? [[String: Any]] ?? []
    }

    /// `chatvault sources --json`, by source name.
    static func sources(_ vault: URL) throws -> [String: [String: Any]] {
        let output = try Peers.run(Peers.binary.path, ["sources", "--vault", vault.path, "--json"])
        try #require(output.status == 0, "sources failed: \(output.text)")
        let line = output.text.split(separator: "\n").first { $0.hasPrefix("[") } ?? "[]"
        let rows = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["name"] as? String).map { ($0, row) } })
    }

    /// Polls `condition` every 200 ms until it holds or `seconds` pass.
    static func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return try condition()
    }

    /// A `chatvault capture xmpp` running in the background, its output in a log file.
    final class Capture {
        let process = Process()
        let log: URL

        init(_ arguments: [String], environment: [String: String]) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("cv-capture-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.executableURL = Peers.binary
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// Sends `signal` and waits up to `seconds` for the process to end; its exit status, or `nil`.
        @discardableResult
        func stop(_ signal: Int32 = SIGTERM, within seconds: Double = 10) -> Int32? {
            if process.isRunning { kill(process.processIdentifier, signal) }
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationStatus
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: log)
        }
    }
}
