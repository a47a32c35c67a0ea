import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation
import GRDB

/// A fresh vault in a temporary directory, removed by the caller.
struct TemporaryVault {
    let directory: URL
    let vault: Vault

    init(internalDomains: [String] = ["bank.example"]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-test-\(UUID().uuidString)")
        vault = try Vault.create(at: directory, internalDomains: internalDomains)
    }

    func archive(clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) throws -> SQLiteArchive {
        try vault.openSQLiteArchive(clock: clock)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

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

/// Direct access to a vault's database, for tests that play another program changing it.
struct DatabaseQueueForTests {
    let queue: DatabaseQueue

    static func open(_ path: String) throws -> DatabaseQueueForTests { DatabaseQueueForTests(queue: try DatabaseQueue(path: path)) }

    func execute(_ sql: String) throws { try queue.write { try $0.execute(sql: sql) } }
}
