import ChatVaultCore
import Foundation

/// Runs the built `chatvault` binary as a person would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        var json: JSONValue? { try? JSONParser().parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CHATVAULT_BIN"] { return URL(fileURLWithPath: path) }
        // Tests/ChatVaultCLITests/CLI.swift → package root → .build/debug/chatvault
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/chatvault")
    }

    let workingDirectory: URL

    init() throws {
        workingDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: workingDirectory)
    }

    func path(_ name: String) -> String { workingDirectory.appendingPathComponent(name).path }

    /// Starts the binary with output going to files; the caller waits or kills it.
    func start(_ arguments: [String], tag: String = UUID().uuidString) throws -> (Process, stdout: URL, stderr: URL) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        var environment = ProcessInfo.processInfo.environment
        environment["CHATVAULT_ACTOR"] = "cli-test"
        environment.removeValue(forKey: "CHATVAULT_VAULT")
        process.environment = environment
        let out = workingDirectory.appendingPathComponent("\(tag).out")
        let err = workingDirectory.appendingPathComponent("\(tag).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Result {
        try run(arguments)
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> Result {
        let (process, out, err) = try start(arguments)
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
