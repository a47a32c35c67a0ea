import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultServer
import Foundation
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a demo vault from bundled conversations and show what to try.",
        discussion: "Running it again re-imports the same messages, which the archive recognises as duplicates.")

    @Option(name: .long, help: "The demo vault directory.")
    var vault = "demo-vault"

    @Option(name: .long, help: "Who is acting, for the audit trail.")
    var actor = "demo"

    @Option(help: "Port of the console.")
    var port = 8080

    @Flag(help: "Only build the demo vault; do not serve the console.")
    var noServe = false

    func run() async throws {
        try await reportingErrors {
            let directory = URL(fileURLWithPath: vault)
            let opened: Vault
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path) {
                opened = try Vault.open(at: directory)
                Terminal.out("Using the existing demo vault \(directory.path)")
            } else {
                opened = try Vault.create(at: directory, internalDomains: DemoFixture.internalDomains)
                try PrivateFile.write(Data(DemoFixture.policy.utf8), to: opened.policyURL)
                try PrivateFile.write(Data(DemoFixture.directory.utf8), to: directory.appendingPathComponent("directory.json"))
                Terminal.out("Created demo vault \(directory.path)")
                try await opened.openArchive().recordAudit(
                    action: "vault.init", actor: actor,
                    detail: .object([("internal_domains", .array(DemoFixture.internalDomains.map(JSONValue.string)))]))
            }
            let archive = try opened.openArchive()
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-demo-\(getpid()).jsonl")
            try PrivateFile.write(Data(DemoFixture.jsonl.utf8), to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let report = try await Importer.forVault(opened, archive: archive, actor: actor).importFile(file.path)
            let stats = try await archive.statistics()
            let report2 = try await archive.verify()
            try await archive.recordAudit(
                action: "archive.verify", actor: actor, detail: .object([("intact", .bool(report2.isIntact)), ("leaves", .int(report2.leaves))]))
            Terminal.out(
                "Imported \(report.imported) messages (\(report.duplicates) already there, \(report.redactions) personal values redacted before storage); the vault holds \(stats.messages) messages in \(stats.conversations) conversations."
            )
            Terminal.out(
                "Integrity: \(report2.isIntact ? "intact" : "NOT INTACT"), \(stats.treeSize) leaves, latest signed root \(stats.latestCheckpoint?.root.hexString.prefix(16) ?? "-")…"
            )
            let v = "--vault \(directory.path)"
            // Run through `swift run`, the binary is not on the PATH: say what to type.
            let chatvault = CommandLine.arguments[0].contains(".build/") ? "swift run chatvault" : "chatvault"
            Terminal.out(
                """

                Try:
                  \(chatvault) conversations \(v)
                  \(chatvault) search \(v) "wire transfer"
                  \(chatvault) search \(v) password          (found although typed with zero-width spaces)
                  \(chatvault) search \(v) guarant* --from "Dan Okafor"
                  \(chatvault) show \(v) teams:chat-acme-1
                  \(chatvault) verify \(v)
                  \(chatvault) audit \(v)
                """)
            let accounts = try AccountStore(vaultDirectory: directory, bcryptCost: 10)
            for (name, role, groups) in DemoFixture.users where await accounts.user(named: name) == nil {
                try await accounts.setUser(name: name, role: role, password: DemoFixture.password, groups: groups)
            }
            guard !noServe else { return }
            var configuration = try ServerConfiguration.load(vaultDirectory: directory)
            configuration.host = "127.0.0.1"
            configuration.port = port
            Terminal.out(
                """

                Console: http://127.0.0.1:\(port)/
                  sign in as officer / \(DemoFixture.password)   (also: auditor, reviewer, admin — same password)
                  Ctrl-C stops it.
                """)
            try await ServeRunner.run(vault: opened, configuration: configuration, logger: Logging.Logger(label: "chatvault"), capture: false)
        }
    }
}
