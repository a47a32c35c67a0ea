import Foundation
import Testing

/// Starts and stops the real chat servers of `scripts/peers/` for the live-capture tests.
///
/// A server that cannot be started (not root, no network for the first install) skips its
/// tests, unless `CHATVAULT_REQUIRE_PEERS=1` (CI) makes that a failure.
enum Peers {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var scripts: URL { root.appendingPathComponent("scripts/peers") }
    static var required: Bool { ProcessInfo.processInfo.environment["CHATVAULT_REQUIRE_PEERS"] == "1" }
    static var directory: String { ProcessInfo.processInfo.environment["PEERS_DIR"] ?? "/tmp/chatvault-peers" }
    static var python: String { directory + "/venv/bin/python" }

    /// The built `chatvault` binary.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CHATVAULT_BIN"] { return URL(fileURLWithPath: path) }
        return root.appendingPathComponent(".build/debug/chatvault")
    }

    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs a script or program to completion, stdout and stderr together.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PEERS_DIR"] = directory
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("peers-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        return Output(status: process.terminationStatus, text: text)
    }

    /// Runs `scripts/peers/<name>.sh`; `false` (and a recorded issue when required) if it failed.
    static func script(_ name: String, _ arguments: [String] = []) throws -> Bool {
        let output = try run("/bin/bash", [scripts.appendingPathComponent(name).path] + arguments)
        if output.status != 0 {
            if required { Issue.record("scripts/peers/\(name) failed (\(output.status)):\n\(output.text)") }
            return false
        }
        return true
    }
}
