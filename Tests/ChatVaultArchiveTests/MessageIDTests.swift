import ChatVaultArchive
import ChatVaultCore
import Testing

@Suite struct MessageIDTests {
    @Test func encodesTheMillisecondAboveTwelveSequenceBits() {
        let id = MessageID(millisecond: 42_000, sequence: 5)
        #expect(id.rawValue == 42_000 * 4096 + 5)
        #expect(id.millisecond == 42_000 && id.sequence == 5)
        #expect(id.sentAt == Timestamp(microseconds: 42_000_000))
        #expect(id.lastInSlot.rawValue == 42_000 * 4096 + 4095)
        #expect(MessageID(slotOf: Timestamp(microseconds: 42_000_999)) == MessageID(millisecond: 42_000))
    }

    @Test func idOrderIsSentOrder() {
        #expect(MessageID(millisecond: 1, sequence: 4095) < MessageID(millisecond: 2))
        #expect(MessageID(millisecond: -1, sequence: 4095) < MessageID(millisecond: 0))
    }

    @Test func aTimeRangeIsAnIDRange() {
        let from = Timestamp(microseconds: 1_000_000)
        let before = Timestamp(microseconds: 2_000_000)
        let (low, high) = MessageID.range(from: from, before: before)
        #expect(low == MessageID(millisecond: 1000).rawValue)
        #expect(high == MessageID(millisecond: 1999).lastInSlot.rawValue)
        #expect(MessageID.range(from: nil, before: nil) == (Int64.min, Int64.max))
        let (emptyLow, emptyHigh) = MessageID.range(from: before, before: from)
        #expect(emptyLow > emptyHigh, "a reversed range selects nothing and does not trap")
    }
}
