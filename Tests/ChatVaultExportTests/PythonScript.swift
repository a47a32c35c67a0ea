import ChatVaultCore
import Foundation

/// Runs a Python 3 script that prints JSON, so a test can check an export with a parser
/// that shares no code with the writer.
enum PythonScript {
    static func run(_ script: String, _ arguments: String...) throws -> JSONValue? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try JSONParser().parse(String(decoding: data, as: UTF8.self))
    }
}
