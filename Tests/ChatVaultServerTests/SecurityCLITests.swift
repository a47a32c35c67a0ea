import ChatVaultArchive
import Foundation
import Testing

@testable import ChatVaultServer

#if canImport(Glibc)
    import Glibc
#endif

/// The account commands of the real `chatvault` binary (issue 13 item 10).
@Suite(.serialized) struct SecurityCLITests {
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CHATVAULT_BIN"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/chatvault")
    }

    /// `chatvault user add` typed at a terminal (a real pseudo-terminal) does not show the
    /// password: nothing typed after the prompt comes back on the terminal.
    @Test func userAddDoesNotEchoThePassword() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Vault.create(at: directory, internalDomains: ["bank.example"])
        // A pseudo-terminal pair: unlock the new terminal (TIOCSPTLCK) and ask its number (TIOCGPTN).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        var unlock: CInt = 0
        var number: CUnsignedInt = 0
        try #require(ioctl(master, 0x4004_5431, &unlock) == 0 && ioctl(master, 0x8004_5430, &number) == 0)
        let slave = try #require(FileHandle(forUpdatingAtPath: "/dev/pts/\(number)"))
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["user", "add", "pat", "--role", "officer", "--vault", directory.path]
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        try process.run()
        try? slave.close()
        var output = Self.read(master, until: "Password for", seconds: 20)
        #expect(output.contains("Password for pat"))
        let secret = "typed-secret-password-42"
        _ = (secret + "\n").withCString { write(master, $0, strlen($0)) }
        output += Self.read(master, until: "saved pat", seconds: 20)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("saved pat"), "\(output)")
        #expect(!output.contains(secret), "the password was echoed: \(output)")
        let accounts = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        #expect(await accounts.authenticate(name: "pat", password: secret) != nil)
    }

    /// Reads what the terminal shows until `marker` appears, the other side closes, or time runs out.
    static func read(_ descriptor: Int32, until marker: String, seconds: Double) -> String {
        var collected = [UInt8]()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            collected += buffer[0..<count]
            if String(decoding: collected, as: UTF8.self).contains(marker) { break }
        }
        return String(decoding: collected, as: UTF8.self)
    }
}
