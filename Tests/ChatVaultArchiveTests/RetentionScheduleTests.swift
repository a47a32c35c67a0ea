import ChatVaultArchive
import ChatVaultCore
import Testing

@Suite struct RetentionScheduleTests {
    static let day: Int64 = 86_400_000_000

    func record(
        platform: String = "slack", conversation: String = "C1", sender: Handle = Handle(id: "alice@bank.example"), recipients: [Handle] = [],
        sentAt: Int64 = 0, storedAt: Int64? = 0
    ) -> RetentionSchedule.Record {
        RetentionSchedule.Record(
            platform: platform, conversation: conversation, sender: sender, recipients: recipients, sentAt: Timestamp(microseconds: sentAt),
            storedAt: storedAt.map(Timestamp.init(microseconds:)))
    }

    func rule(_ name: String, days: Int, from: Int64 = 0, platform: String? = nil, conversation: String? = nil, person: String? = nil)
        -> RetentionRule
    {
        RetentionRule(
            name: name, platform: platform, conversation: conversation, person: person, periodDays: days, effectiveFrom: Timestamp(microseconds: from)
        )
    }

    @Test func noRuleKeepsForEver() {
        let schedule = RetentionSchedule(versions: [])
        #expect(schedule.isEmpty)
        #expect(schedule.period(of: record()) == nil)
    }

    @Test func thePeriodEndsExactlyItsDaysAfterSending() throws {
        let period = try #require(RetentionSchedule(versions: [rule("all", days: 10)]).period(of: record(sentAt: 5)))
        #expect(period.days == 10 && period.rule == "all")
        #expect(period.endsAt == Timestamp(microseconds: 5 + 10 * Self.day))
        #expect(!period.hasEnded(at: Timestamp(microseconds: 5 + 10 * Self.day - 1)))
        #expect(period.hasEnded(at: Timestamp(microseconds: 5 + 10 * Self.day)))
    }

    @Test func theLongestMatchingRuleWinsAndTiesGoToTheFirstName() {
        let schedule = RetentionSchedule(versions: [
            rule("all", days: 10), rule("desk", days: 30, conversation: "slack:C1"), rule("teams", days: 99, platform: "teams"),
        ])
        #expect(schedule.period(of: record())?.rule == "desk")
        #expect(schedule.period(of: record(conversation: "C2"))?.rule == "all")
        #expect(schedule.period(of: record(platform: "teams", conversation: "C1"))?.days == 99)
        let tied = RetentionSchedule(versions: [rule("zulu", days: 10), rule("alpha", days: 10), rule("mike", days: 10)])
        #expect(tied.period(of: record())?.rule == "alpha")
    }

    @Test func aConversationMatchesByKeyOrPlatformID() {
        #expect(RetentionSchedule(versions: [rule("r", days: 1, conversation: "C1")]).period(of: record()) != nil)
        #expect(RetentionSchedule(versions: [rule("r", days: 1, conversation: "slack:C1")]).period(of: record()) != nil)
        #expect(RetentionSchedule(versions: [rule("r", days: 1, conversation: "teams:C1")]).period(of: record()) == nil)
    }

    @Test func aPersonMatchesAsSenderOrRecipientByHandleOrNameFolded() {
        let schedule = RetentionSchedule(versions: [rule("joe", days: 7, person: "JOSÉ")])
        #expect(schedule.period(of: record(sender: Handle(id: "jose"))) != nil)
        #expect(schedule.period(of: record(recipients: [Handle(id: "u9", displayName: "José")])) != nil)
        #expect(schedule.period(of: record(sender: Handle(id: "jo\u{200B}se"))) != nil, "invisible characters do not hide a person")
        #expect(schedule.period(of: record(sender: Handle(id: "joseph"))) == nil)
    }

    @Test func shorteningReachesOnlyRecordsStoredAfterTheChange() {
        let versions = [rule("comms", days: 30, from: 0), rule("comms", days: 10, from: 100)]
        let schedule = RetentionSchedule(versions: versions)
        #expect(schedule.period(of: record(storedAt: 50))?.days == 30, "stored under the 30-day version")
        #expect(schedule.period(of: record(storedAt: 150))?.days == 10, "stored after the shortening")
        #expect(schedule.period(of: record(storedAt: nil))?.days == 10, "not yet checkpointed: later than every version")
    }

    @Test func lengtheningReachesEveryRecord() {
        let schedule = RetentionSchedule(versions: [rule("comms", days: 10, from: 100), rule("comms", days: 40, from: 200)])
        #expect(schedule.period(of: record(storedAt: 150))?.days == 40)
        #expect(schedule.period(of: record(storedAt: 50))?.days == 40, "older than the rule: its first version, lengthened")
    }
}
