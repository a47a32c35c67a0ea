import ChatVaultCore
import Foundation
import Testing

@testable import ChatVaultPolicy

@Suite struct RuleTests {
    @Test func afterHoursFollowsDaylightSavingTime() throws {
        let hours = BusinessHours(timeZone: TimeZone(identifier: "America/New_York")!, days: [2, 3, 4, 5, 6], window: TimeWindow("08:00-18:00")!)
        // Winter (EST, UTC-5): 12:30Z is 07:30 local, before hours; 13:30Z is 08:30, within.
        #expect(hours.isAfterHours(Timestamp(iso8601: "2024-03-08T12:30:00Z")!))
        #expect(!hours.isAfterHours(Timestamp(iso8601: "2024-03-08T13:30:00Z")!))
        // After the switch on 10 March (EDT, UTC-4): 12:30Z is 08:30 local, within.
        #expect(!hours.isAfterHours(Timestamp(iso8601: "2024-03-11T12:30:00Z")!))
        #expect(hours.isAfterHours(Timestamp(iso8601: "2024-03-11T22:30:00Z")!))
        // Back in November: 12:30Z is 07:30 again.
        #expect(hours.isAfterHours(Timestamp(iso8601: "2024-11-04T12:30:00Z")!))
        // Saturday is not a working day.
        #expect(hours.isAfterHours(Timestamp(iso8601: "2024-03-09T15:00:00Z")!))
    }

    @Test func timeWindowsWrapMidnight() {
        let night = TimeWindow("22:00-06:00")!
        #expect(night.contains(minuteOfDay: 23 * 60) && night.contains(minuteOfDay: 60) && !night.contains(minuteOfDay: 12 * 60))
        #expect(TimeWindow("25:00-06:00") == nil)
    }

    @Test func afterHoursRuleInPolicyTimeZone() throws {
        var evaluator = try PolicyFixtures.evaluator(
            """
            time_zone: Europe/London
            hours: { days: [mon, tue, wed, thu, fri], time: "08:00-18:00" }
            rules:
              - { name: late, severity: low, when: { after_hours: true } }
            """)
        // 07:30Z on 1 April is 08:30 BST: within hours. The same UTC time in January is 07:30 GMT: after hours.
        #expect(evaluator.evaluate(PolicyFixtures.message("1", "hi", from: "U2", at: "2024-04-01T07:30:00Z")).isEmpty)
        #expect(evaluator.evaluate(PolicyFixtures.message("2", "hi", from: "U2", at: "2024-01-08T07:30:00Z")).map(\.rule) == ["late"])
    }

    @Test func metadataConditionsCombineWithLexicon() throws {
        var evaluator = try PolicyFixtures.evaluator(
            """
            company_domains: [bank.example]
            lexicons:
              offchannel: ["text me", "whatsapp me", "my cell", "signal"]
            rules:
              - name: off-channel
                description: Moving a business conversation off the archived channel
                severity: high
                action: block
                match: "@offchannel"
                when: { sender_group: [trading], external: true }
              - name: big-files
                when: { attachment: [zip, "application/x-7z*"] }
            """)
        let external = PolicyFixtures.message("1", "whatsapp me later", from: "U2", to: ["client@other.example"])
        let alerts = evaluator.evaluate(external)
        #expect(alerts.map(\.rule) == ["off-channel"])
        #expect(alerts.first?.action == .block && alerts.first?.severity == .high)
        #expect(alerts.first?.matches == [Alert.Match(start: 0, end: 11, text: "whatsapp me")])
        #expect(evaluator.evaluate(PolicyFixtures.message("2", "whatsapp me", from: "U3", to: ["c@other.example"], in: "c2")).isEmpty)
        #expect(evaluator.evaluate(PolicyFixtures.message("3", "whatsapp me", from: "U2", to: ["U1"], in: "c3")).isEmpty)
        let zip = PolicyFixtures.message("4", "files", from: "U4", in: "c4", attachments: [Attachment(name: "Q3.ZIP")])
        #expect(evaluator.evaluate(zip).map(\.rule) == ["big-files"])
    }

    @Test func wallInGroupChatRaisedOncePerConversation() throws {
        var evaluator = try PolicyFixtures.evaluator(
            """
            walls:
              - { name: research-trading, between: [research, trading] }
            """)
        #expect(evaluator.evaluate(PolicyFixtures.message("1", "morning", from: "U1", in: "g")).isEmpty)
        #expect(evaluator.evaluate(PolicyFixtures.message("2", "hello", from: "U4", in: "g")).isEmpty)
        let breach = evaluator.evaluate(PolicyFixtures.message("3", "what's the view on ACME?", from: "U2", in: "g"))
        #expect(breach.map(\.rule) == ["wall.research-trading"])
        #expect(breach.first?.severity == .critical && breach.first?.participants == ["U1", "U4", "U2"])
        #expect(evaluator.evaluate(PolicyFixtures.message("4", "again", from: "U1", in: "g")).isEmpty)
        // Recipients count as members too (a direct message across the wall).
        #expect(
            evaluator.evaluate(PolicyFixtures.message("5", "hi", from: "tom@bank.example", to: ["U1"], in: "d")).map(\.rule) == [
                "wall.research-trading"
            ])
    }

    @Test func unapprovedExternalContactsRaiseOneAlertEach() throws {
        var evaluator = try PolicyFixtures.evaluator(
            """
            company_domains: [bank.example]
            approved_contacts:
              wealth: ["*@client.example", "ceo@partner.example"]
            """)
        #expect(evaluator.evaluate(PolicyFixtures.message("1", "hi", from: "U3", to: ["ann@client.example"])).isEmpty)
        #expect(evaluator.evaluate(PolicyFixtures.message("2", "hi", from: "U3", to: ["ceo@partner.example"], in: "c2")).isEmpty)
        let alerts = evaluator.evaluate(PolicyFixtures.message("3", "hi", from: "U3", to: ["joe@gmail.example"], in: "c3"))
        #expect(alerts.map(\.rule) == ["external-contact"])
        #expect(evaluator.evaluate(PolicyFixtures.message("4", "again", from: "joe@gmail.example", to: ["U3"], in: "c3")).isEmpty)
        // Groups without a list are not policed.
        #expect(evaluator.evaluate(PolicyFixtures.message("5", "hi", from: "U4", to: ["joe@gmail.example"], in: "c5")).isEmpty)
    }

    @Test func personalUseAllowancePerPersonPerDay() throws {
        var evaluator = try PolicyFixtures.evaluator(
            """
            lexicons:
              personal: ["dinner", "football", "vacation*"]
            personal_use: { match: "@personal", daily_allowance: 2 }
            """)
        var raised: [String] = []
        for (index, time) in ["2024-03-05T10:00:00Z", "2024-03-05T11:00:00Z", "2024-03-05T12:00:00Z", "2024-03-05T13:00:00Z", "2024-03-06T10:00:00Z"]
            .enumerated()
        {
            raised += evaluator.evaluate(PolicyFixtures.message("\(index)", "dinner tonight?", from: "U2", at: time)).map {
                "\($0.rule)#\($0.message.sourceID)"
            }
        }
        #expect(raised == ["personal-use#2"])
    }

    @Test func samplingIsReproducibleForASeed() throws {
        let yaml = "sampling: { rate: 0.3, groups: { trading: 1.0 } }"
        func drawn(seed: UInt64) throws -> [String] {
            var evaluator = try PolicyFixtures.evaluator(yaml, seed: seed)
            return (0..<200).flatMap { i in
                evaluator.evaluate(PolicyFixtures.message("m\(i)", "hi", from: "U4", in: "conv\(i)")).map { _ in "conv\(i)" }
            }
        }
        let first = try drawn(seed: 7)
        #expect(try drawn(seed: 7) == first)
        #expect(try drawn(seed: 8) != first)
        #expect((35...85).contains(first.count))
        var evaluator = try PolicyFixtures.evaluator(yaml, seed: 7)
        #expect(evaluator.evaluate(PolicyFixtures.message("t", "hi", from: "U2", in: "traders")).map(\.rule) == ["sampling"])
        #expect(evaluator.evaluate(PolicyFixtures.message("t2", "hi", from: "U2", in: "traders")).isEmpty)
    }
}
