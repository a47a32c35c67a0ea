import ChatVaultArchive
import ChatVaultCore
import Foundation
import Logging
import PostgresNIO

@testable import ChatVaultPostgres

// `ArchiveConformance.swift` is the archive tests' file (a link), so the PostgreSQL store runs
// the very checks the embedded one does; these are the fixtures it expects, as there.

func incoming(
    _ id: String, conversation: String = "C1", platform: String = "slack", sender: String = "alice@bank.example",
    name: String? = nil, at seconds: Int64 = 1_709_284_500, text: String, recipients: [String] = [], editedFrom: [String] = [],
    kind: Message.Kind = .message, target: String? = nil
) -> IncomingMessage {
    IncomingMessage(
        message: Message(
            platform: platform, conversation: conversation, sourceID: id, kind: kind, target: target,
            sender: Handle(id: sender, displayName: name), recipients: recipients.map { Handle(id: $0) },
            sentAt: Timestamp(microseconds: seconds * 1_000_000), text: text, editedFrom: editedFrom),
        conversationName: "#\(conversation.lowercased())", origin: "test")
}

let testContext = AppendContext(actor: "tester", source: "unit-test")

/// A vault directory for its keys (the checkpoint signer) and an embedded archive to compare with.
struct KeyVault {
    let directory: URL
    let vault: Vault

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-pg-test-\(UUID().uuidString)")
        vault = try Vault.create(at: directory, internalDomains: ["bank.example"])
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    static func with<Result>(_ body: (KeyVault) async throws -> Result) async throws -> Result {
        let keys = try KeyVault()
        defer { keys.remove() }
        return try await body(keys)
    }
}

extension PostgresServer {
    /// Runs `body` with a ``PostgresArchive`` on a new schema, signing with a new vault's key.
    static func withArchive<Result>(
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }, _ body: (PostgresArchive, KeyVault) async throws -> Result
    ) async throws -> Result {
        try await KeyVault.with { keys in
            try await withBackend { backend in
                let archive = PostgresArchive(
                    backend: backend, signer: try keys.vault.signer(), internalDomains: ["bank.example"], clock: clock)
                return try await body(archive, keys)
            }
        }
    }

    /// Runs one statement on `backend`, as another program changing the database would.
    static func tamper(_ backend: PostgresBackend, _ sql: String) async throws {
        _ = try await backend.transaction { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
        }
    }
}
