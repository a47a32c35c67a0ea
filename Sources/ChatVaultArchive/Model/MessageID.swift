public import ChatVaultCore

/// The id scheme of archived messages: `millisecond << 12 | sequence`.
///
/// The high bits are the millisecond the message was sent, the low 12 bits a sequence
/// among messages sent in the same millisecond, so id order is sent order and a time
/// range is an id range. Every backend allocates ids this way; stored data and the
/// public API keep the plain `Int64` (``rawValue``).
///
/// ```swift
/// let (low, high) = MessageID.range(from: monday, before: tuesday)  // ids sent on Monday
/// let first = MessageID(slotOf: sentAt)                     // sequence 0 of that millisecond
/// ```
public struct MessageID: RawRepresentable, Sendable, Hashable, Comparable {
    /// How many low bits hold the sequence.
    public static let sequenceBits = 12
    /// The largest sequence in one millisecond (4,095).
    public static let maxSequence: Int64 = (1 << sequenceBits) - 1

    public var rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The id of the `sequence`-th message (from 0) sent in `millisecond`.
    public init(millisecond: Int64, sequence: Int64 = 0) {
        precondition((0...Self.maxSequence).contains(sequence), "a sequence fits in \(Self.sequenceBits) bits")
        rawValue = millisecond << Self.sequenceBits | sequence
    }

    /// The first id of the millisecond `time` falls in.
    public init(slotOf time: Timestamp) { self.init(millisecond: time.milliseconds) }

    /// The millisecond the message was sent (the time part).
    public var millisecond: Int64 { rawValue >> Self.sequenceBits }
    /// The position among messages sent in the same millisecond.
    public var sequence: Int64 { rawValue & Self.maxSequence }
    /// The time the message was sent, to the millisecond.
    public var sentAt: Timestamp { Timestamp(microseconds: millisecond * 1000) }
    /// The last id of this id's millisecond.
    public var lastInSlot: MessageID { MessageID(rawValue: rawValue | Self.maxSequence) }

    /// The lowest and highest id of messages sent in `[from, before)`, open where a bound
    /// is `nil`, for `id BETWEEN low AND high` (empty, not an error, when `low > high`).
    public static func range(from: Timestamp?, before: Timestamp?) -> (low: Int64, high: Int64) {
        let low = from.map { MessageID(slotOf: $0).rawValue } ?? Int64.min
        let high = before.map { MessageID(slotOf: $0).rawValue - 1 } ?? Int64.max
        return (low, high)
    }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }
}
