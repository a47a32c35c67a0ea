import ChatVaultCapture
import ChatVaultCore
import Foundation
import Testing

/// A fresh vault plus the `chatvault` binary and peer clients, for one live test.
struct LiveVault {
    let directory: URL
    var path: String { directory.appendingPathComponent("vault").path }
    /// A token unique to this run, put into every message so searches find only ours.
    let token: String

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: JSONValue? { try? JSONParser(allowsNUL: true).parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    init() throws {
        token = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-live-\(token)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let created = try chatvault(["init", "--vault", path])
        #expect(created.status == 0, "\(created.stderr)")
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a program to completion with stdout and stderr apart.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PEERS_DIR"] = Peers.directory
        env["CHATVAULT_ACTOR"] = "live-test"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let tag = UUID().uuidString
        let out = directory.appendingPathComponent("\(tag).out")
        let err = directory.appendingPathComponent("\(tag).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    @discardableResult
    func chatvault(_ arguments: [String]) throws -> Output {
        try run(Peers.binary.path, arguments)
    }

    /// Starts `chatvault ARGS` in the background, its output in `log`.
    func start(_ arguments: [String], environment: [String: String] = [:], log: String) throws -> Process {
        let process = Process()
        process.executableURL = Peers.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CHATVAULT_ACTOR"] = "live-test"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let file = directory.appendingPathComponent(log)
        if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Sends SIGTERM and waits for a clean exit.
    func stop(_ process: Process, timeout: Double = 10) -> Int32? {
        process.terminate()
        return wait(process, timeout: timeout)
    }

    func wait(_ process: Process, timeout: Double) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Search hits (`chatvault search QUERY --json`, oldest first).
    func search(_ query: String, limit: Int = 500) throws -> [JSONValue] {
        let result = try chatvault(["search", "--vault", path, query, "--json", "--sort", "oldest", "--limit", "\(limit)"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.json?["hits"]?.arrayValue ?? []
    }

    /// The transcript's events (`chatvault show CONVERSATION --json`).
    func transcript(_ conversation: String) throws -> [JSONValue] {
        let result = try chatvault(["show", "--vault", path, conversation, "--json", "--limit", "5000"])
        return result.json?["messages"]?.arrayValue ?? []
    }

    /// The source's state file, read fresh.
    func state(_ name: String) async throws -> SourceState {
        try await SourceStore(vaultDirectory: URL(fileURLWithPath: path)).state(of: name, kind: "")
    }

    /// `chatvault sources --json`: the row of source `name`.
    func sourceRow(_ name: String) throws -> JSONValue? {
        let result = try chatvault(["sources", "--vault", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.json?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` seconds pass.
    func eventually(_ timeout: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// A policy with one lexicon rule, installed with `chatvault policy set`.
    func installPolicy() throws {
        let file = directory.appendingPathComponent("policy.yaml")
        try """
        version: 1
        lexicons:
          offchannel: ["whatsapp me", "signal me"]
        rules:
          - name: off-channel
            severity: high
            match: "@offchannel"
        """.write(to: file, atomically: true, encoding: .utf8)
        let set = try chatvault(["policy", "set", "--vault", path, file.path])
        #expect(set.status == 0, "\(set.stdout)\(set.stderr)")
    }

    func alerts() throws -> [String] {
        let result = try chatvault(["alerts", "--vault", path, "--json"])
        return result.json?.arrayValue?.compactMap { $0["rule"]?.stringValue } ?? []
    }
}

extension JSONValue {
    var string: String { stringValue ?? "" }
}
