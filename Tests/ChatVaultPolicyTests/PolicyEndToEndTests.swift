import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Foundation
import GRDB
import Testing

/// A vault with a combined policy file and a directory, a conversation set with known
/// violations imported through the real pipeline, and exactly the expected alerts.
@Suite struct PolicyEndToEndTests {
    static let policy = """
        version: 1
        recognizers:
          phone_number: { operator: replace, label: "[PHONE]" }
        company_domains: [bank.example]
        time_zone: America/New_York
        hours: { days: [mon, tue, wed, thu, fri], time: "08:00-18:00" }
        lexicons:
          guarantees: ["guarant*", "risk free", "can't lose"]
          offchannel: ["text me", "whatsapp me", "my cell", "signal me"]
          secrecy: ["keep this between us", "delete this", "off the record"]
        disclaimers:
          - "Past performance does not guarantee future results"
        rules:
          - name: guarantees
            description: Promising returns
            severity: high
            match: "@guarantees NEAR/4 (return* OR profit*)"
          - name: off-channel
            severity: high
            action: block
            match: "@offchannel"
            when: { external: true }
          - name: secrecy
            severity: medium
            action: redact
            match: "@secrecy"
          - name: after-hours-trading
            severity: low
            match: "buy OR sell"
            when: { after_hours: true, sender_group: [trading] }
        walls:
          - { name: research-trading, between: [research, trading] }
        approved_contacts:
          wealth: ["*@client.example"]
        """

    static let people = """
        employee_id,name,emails,handles,department,groups
        E1,Rita Research,rita@bank.example,slack:U1,research,
        E2,Tom Trader,tom@bank.example,slack:U2,,trading
        E3,Wendy Wealth,wendy@bank.example,slack:U3,,wealth
        """

    static let messages =
        [
            // 1: guarantee near returns, to a client → guarantees.
            #"{"platform":"slack","conversation":"D1","conversation_kind":"direct","id":"1","sender":"U3","recipients":["ann@client.example"],"sent_at":"2024-03-05T15:00:00Z","text":"This fund is guaranteed to double your returns"}"#,
            // 2: the disclaimer alone raises nothing.
            #"{"platform":"slack","conversation":"D1","id":"2","sender":"U3","recipients":["ann@client.example"],"sent_at":"2024-03-05T15:01:00Z","text":"Past performance does not guarantee future results"}"#,
            // 3: off-channel with an external (unapproved) contact, Cyrillic а → off-channel + external-contact.
            #"{"platform":"slack","conversation":"D2","conversation_kind":"direct","id":"3","sender":"U3","recipients":["joe@gmail.example"],"sent_at":"2024-03-05T15:02:00Z","text":"wh\u0430tsapp me at 212 555 0100"}"#,
            // 4: research and trading in one group chat → wall (on the message that brings trading in).
            #"{"platform":"slack","conversation":"G1","conversation_kind":"group","id":"4","sender":"U1","sent_at":"2024-03-05T16:00:00Z","text":"new note on ACME out tomorrow"}"#,
            #"{"platform":"slack","conversation":"G1","id":"5","sender":"U2","sent_at":"2024-03-05T16:01:00Z","text":"thanks, keep this between us"}"#,
            // 6: trader at 20:30 New York time (EST) → after-hours-trading.
            #"{"platform":"slack","conversation":"C9","conversation_kind":"channel","id":"6","sender":"U2","sent_at":"2024-03-06T01:30:00Z","text":"sell 500 ACME at open"}"#,
            // 7: the same local time after the DST change is also after hours; 8: 09:30 EDT is within hours.
            #"{"platform":"slack","conversation":"C9","id":"7","sender":"U2","sent_at":"2024-03-12T00:30:00Z","text":"buy the dip"}"#,
            #"{"platform":"slack","conversation":"C9","id":"8","sender":"U2","sent_at":"2024-03-12T13:30:00Z","text":"buy more"}"#,
        ].joined(separator: "\n") + "\n"

    @Test func importRaisesExactlyTheExpectedAlerts() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try Vault.create(at: root.appendingPathComponent("vault"))
        try Self.policy.write(to: vault.policyURL, atomically: true, encoding: .utf8)
        let directory = try Directory.load(text: Self.people, source: "people.csv")
        try JSONEncoder().encode(directory.people).write(to: PolicyStage.directoryURL(of: vault))
        let file = root.appendingPathComponent("chat.jsonl")
        try Self.messages.write(to: file, atomically: true, encoding: .utf8)
        let archive = try vault.openArchive()

        let importer = try Importer.forVault(vault, archive: archive, actor: "test", batchSize: 3)
        let report = try await importer.importFile(file.path)
        #expect(report.imported == 8 && report.rejected == 0)

        let alerts = try await archive.alerts(state: .open, rule: nil, limit: 100).reversed().map(\.alert)
        let summary = alerts.map { "\($0.message.sourceID) \($0.rule) \($0.matches.map(\.text))" }
        #expect(
            summary == [
                "1 guarantees [\"guaranteed\", \"returns\"]",
                "3 off-channel [\"wh\u{0430}tsapp me\"]",
                "3 external-contact []",
                "5 secrecy [\"•••• •••• ••••••• ••\"]",
                "5 wall.research-trading []",
                "6 after-hours-trading [\"sell\"]",
                "7 after-hours-trading [\"buy\"]",
            ])
        let version = UsePolicy.version(of: Self.policy)
        #expect(alerts.allSatisfy { $0.policyVersion == version && $0.state == .open })
        #expect(alerts.first { $0.rule == "off-channel" }?.action == .block)
        #expect(alerts.first { $0.rule.hasPrefix("wall.") }?.participants == ["U1", "U2"])

        // The redact action masked the stored text; the phone number went through the redactor first.
        let all = try await Self.texts(archive)
        #expect(all["5"] == "thanks, •••• •••• ••••••• ••")
        #expect(all["3"]?.contains("[PHONE]") == true)

        #expect(try await archive.verify().isIntact)
        // Re-importing adds neither messages nor alerts.
        let again = try await Importer.forVault(vault, archive: archive, actor: "test").importFile(file.path)
        #expect(again.imported == 0)
        #expect(try await archive.alerts(state: nil, rule: nil, limit: 100).count == 7)
        #expect(try await archive.alerts(state: .open, rule: "after-hours-trading", limit: 100).count == 2)
        #expect(try await archive.verify().isIntact)
    }

    @Test func aWallIsBreachedAcrossImports() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try Vault.create(at: root.appendingPathComponent("vault"))
        try Self.policy.write(to: vault.policyURL, atomically: true, encoding: .utf8)
        let directory = try Directory.load(text: Self.people, source: "people.csv")
        try JSONEncoder().encode(directory.people).write(to: PolicyStage.directoryURL(of: vault))
        let archive = try vault.openArchive()
        // Research speaks in a group one day; trading joins it in a later export.
        let monday = root.appendingPathComponent("monday.jsonl")
        try
            #"{"platform":"slack","conversation":"G7","conversation_kind":"group","id":"1","sender":"U1","sent_at":"2024-03-04T16:00:00Z","text":"note draft ready"}"#
            .write(to: monday, atomically: true, encoding: .utf8)
        let tuesday = root.appendingPathComponent("tuesday.jsonl")
        try #"{"platform":"slack","conversation":"G7","id":"2","sender":"U2","sent_at":"2024-03-05T16:00:00Z","text":"morning"}"#
            .write(to: tuesday, atomically: true, encoding: .utf8)
        for file in [monday, tuesday] {
            _ = try await Importer.forVault(vault, archive: archive, actor: "test").importFile(file.path)
        }
        let walls = try await archive.alerts(state: .open, rule: "wall.research-trading", limit: 10)
        #expect(walls.count == 1)
        #expect(walls.first?.alert.message.sourceID == "2")
    }

    @Test func verifyNamesAnAlteredAlert() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try Vault.create(at: root.appendingPathComponent("vault"))
        let archive = try vault.openArchive()
        let message = Message(
            platform: "p", conversation: "c", sourceID: "1", sender: Handle(id: "a"), sentAt: Timestamp(microseconds: 0), text: "hi")
        let alert = Alert(rule: "r", severity: .high, message: message.dedupKey, raisedAt: message.sentAt)
        let receipt = try await archive.append(
            [IncomingMessage(message: message, origin: "t")], alerts: [alert], context: AppendContext(actor: "t", source: "t"))
        #expect(receipt.alertIDs.count == 1)
        #expect(try await archive.verify().isIntact)
        let queue = try DatabaseQueue(path: vault.databasePath)
        try await queue.write { try $0.execute(sql: "UPDATE alerts SET severity = 'low'") }
        let report = try await archive.verify()
        #expect(report.problems.map(\.recordKind) == ["alert"])
    }

    static func texts(_ archive: any Archive) async throws -> [String: String] {
        var result: [String: String] = [:]
        for record in try await archive.conversations(limit: 100) {
            for m in try await archive.transcript(conversationID: record.id, around: nil, limit: 100) { result[m.message.sourceID] = m.message.text }
        }
        return result
    }
}
