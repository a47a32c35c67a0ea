import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Logging
import Testing

@testable import ChatVaultCapture

@Suite struct SourceStoreTests {
    @Test func deliverStoresOnceAndMovesTheCursorAfterTheBatchIsDurable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-capture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory)
        let archive = try vault.openArchive()
        let ingestor = try Ingestor.forVault(vault, archive: archive, actor: "capture:test")
        let store = SourceStore(vault: vault)
        let context = CaptureContext(
            configuration: SourceConfiguration(name: "test", kind: "xmpp"), ingestor: ingestor, store: store, logger: Logger(label: "test"),
            vaultDirectory: directory)
        let sent = Timestamp(iso8601: "2026-11-29T10:00:00Z")!
        let message = IncomingMessage(
            message: Message(
                platform: "xmpp", conversation: "alice@localhost/bob@localhost", sourceID: "m1", sender: Handle(id: "alice@localhost"),
                recipients: [Handle(id: "bob@localhost")], sentAt: sent, text: "card 4111 1111 1111 1111"), origin: "test")
        let first = try await context.deliver([message], from: "alice@localhost", cursor: "id-1")
        #expect(first.stored == 1)
        let again = try await context.deliver([message], from: "alice@localhost", cursor: "id-1")
        #expect(again.outcomes == [.duplicate])
        let state = try await SourceStore(vault: vault).state(of: "test", kind: "xmpp")
        #expect(state.cursors["alice@localhost"] == "id-1")
        #expect(state.perDay["2026-11-29"] == 1)
        #expect(state.stored == 1 && state.duplicates == 1)
        let page = try await archive.search(SearchRequest(query: SearchQuery.parse("4111")))
        #expect(page.hits.isEmpty)
    }
}

@Suite struct GapTests {
    @Test func anOutageBecomesAGapAnAuditedAlertAndIsReportedOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-gap-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory)
        let archive = try vault.openArchive()
        let context = CaptureContext(
            configuration: SourceConfiguration(name: "irc", kind: "irc"), ingestor: try Ingestor.forVault(vault, archive: archive, actor: "capture"),
            store: SourceStore(vault: vault), logger: Logger(label: "test"), vaultDirectory: directory)
        try await context.markDown(CaptureError.connection(source: "irc", "refused"))
        try await context.markUp()
        try await context.reportGap(kind: "id-skip", archive: "#desk", detail: "ids 10-12 missing")
        try await context.reportGap(kind: "id-skip", archive: "#desk", detail: "ids 10-12 missing")
        let state = try await SourceStore(vault: vault).state(of: "irc", kind: "irc")
        #expect(state.status == .up && state.gaps.map(\.kind) == ["down", "id-skip"])
        let alerts = try await archive.alerts(state: .open, rule: nil, limit: 10)
        #expect(Set(alerts.map(\.alert.rule)) == ["capture.down", "capture.id-skip"])
        #expect(alerts.allSatisfy { $0.alert.message.platform == "chatvault" })
        #expect(try await archive.verify().isIntact)
    }
}

@Suite struct SilenceTests {
    /// Any connector: a reachable source that delivered nothing for longer than
    /// `silence_hours` gets a `silence` gap, an alert and a `source.gap` audit event, once.
    @Test func aSilentSourceIsReportedOnceWhileItIsReachable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-silence-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory)
        let archive = try vault.openArchive()
        var configuration = SourceConfiguration(name: "matrix", kind: "matrix")
        configuration.silenceHours = 0.5
        let context = CaptureContext(
            configuration: configuration, ingestor: try Ingestor.forVault(vault, archive: archive, actor: "capture"),
            store: SourceStore(vault: vault), logger: Logger(label: "test"), vaultDirectory: directory)
        let hourAgo = Timestamp(secondsSince1970: Date().timeIntervalSince1970 - 3600)
        let message = IncomingMessage(
            message: Message(platform: "matrix", conversation: "!room", sourceID: "$e1", sender: Handle(id: "@a:x"), sentAt: hourAgo, text: "hi"),
            origin: "test")
        try await context.deliver([message], from: "!room", cursor: "t1")
        try await context.markUp()
        try await context.markUp()
        let state = try await SourceStore(vault: vault).state(of: "matrix", kind: "matrix")
        #expect(state.gaps.map(\.kind) == ["silence"])
        #expect(try await archive.alerts(state: .open, rule: "capture.silence", limit: 5).count == 1)
        #expect(try await archive.auditTrail(limit: 20).filter { $0.action == "source.gap" }.count == 1)
    }
}
