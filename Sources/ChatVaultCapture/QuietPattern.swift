/// How long a source is usually quiet, learnt from the times of the messages it delivered,
/// to tell an unusual silence from a normal night.
public struct QuietPattern: Sendable, Hashable {
    /// Messages seen before the pattern is trusted.
    public var minimumMessages = 10
    /// A silence shorter than this is never unusual.
    public var floor: Double = 15 * 60
    public private(set) var messages = 0
    /// The longest interval between two consecutive messages seen, in seconds.
    public private(set) var longestQuiet: Double = 0
    private var newest: Double?

    public init() {}

    /// Takes the send times (Unix seconds) of delivered messages, in any order.
    public mutating func observe(_ times: [Double]) {
        for time in times.sorted() {
            messages += 1
            if let newest, time > newest { longestQuiet = max(longestQuiet, time - newest) }
            newest = max(newest ?? time, time)
        }
    }

    /// Whether `silence` seconds without a message is more than three times the longest
    /// quiet interval seen (and at least ``floor``).
    public func isUnusual(silence: Double) -> Bool {
        messages >= minimumMessages && silence > max(3 * longestQuiet, floor)
    }
}

/// A ``QuietPattern`` shared by the sessions of one connector.
actor QuietPatternBox {
    private(set) var pattern = QuietPattern()

    func observe(_ times: [Double]) { pattern.observe(times) }
}
