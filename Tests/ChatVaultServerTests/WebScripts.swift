import Foundation
import Testing

/// Runs the web test scripts of `scripts/web/` (real Chromium, Schemathesis) against the
/// built `chatvault` binary.
///
/// They need what `scripts/web/setup.sh` installs: Debian `chromium` and `chromium-driver`,
/// and a Python venv (`$WEB_VENV`, default `/tmp/chatvault-web-venv`) with selenium and
/// schemathesis. When something is missing the tests are skipped, unless
/// `CHATVAULT_REQUIRE_WEB=1`, which makes that a failure.
enum WebScripts {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var required: Bool { ProcessInfo.processInfo.environment["CHATVAULT_REQUIRE_WEB"] == "1" }
    static var venv: String { ProcessInfo.processInfo.environment["WEB_VENV"] ?? "/tmp/chatvault-web-venv" }
    static var python: String { venv + "/bin/python" }

    /// The built `chatvault` binary: `$CHATVAULT_BIN`, else `.build/debug/chatvault`.
    static var binary: String {
        ProcessInfo.processInfo.environment["CHATVAULT_BIN"] ?? root.appendingPathComponent(".build/debug/chatvault").path
    }

    /// What is missing to run the scripts (empty when all is there).
    static func missing(tools: [String], venvModules: [String]) -> [String] {
        var missing: [String] = []
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for tool in tools where !path.contains(where: { FileManager.default.isExecutableFile(atPath: $0 + "/" + tool) }) {
            missing.append(tool)
        }
        if !FileManager.default.isExecutableFile(atPath: python) {
            missing.append("the venv \(venv)")
        } else if let output = try? run(python, ["-c", "import " + venvModules.joined(separator: ", ")]), output.status != 0 {
            missing.append("\(venvModules.joined(separator: ", ")) in \(venv)")
        }
        if !FileManager.default.isExecutableFile(atPath: binary) { missing.append("the chatvault binary at \(binary)") }
        return missing
    }

    /// `true` when the test should run; records a failure when something is missing and
    /// `CHATVAULT_REQUIRE_WEB=1`.
    static func available(tools: [String], venvModules: [String]) -> Bool {
        let missing = missing(tools: tools, venvModules: venvModules)
        if missing.isEmpty { return true }
        if required {
            Issue.record("CHATVAULT_REQUIRE_WEB=1 but missing: \(missing.joined(separator: ", ")) (run scripts/web/setup.sh)")
        } else {
            print("skipping a web test, missing: \(missing.joined(separator: ", ")) (run scripts/web/setup.sh)")
        }
        return false
    }

    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs a program to completion, stdout and stderr together, with `CHATVAULT_BIN` set.
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CHATVAULT_BIN"] = binary
        environment["WEB_VENV"] = venv
        process.environment = environment
        process.currentDirectoryURL = root
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-web-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? FileManager.default.removeItem(at: log) }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return Output(status: process.terminationStatus, text: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
