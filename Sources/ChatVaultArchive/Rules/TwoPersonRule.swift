import ChatVaultCore

/// The four-eyes rule of retention: what one officer proposes (releasing a legal hold,
/// disposing of expired records) takes effect only when a second officer confirms it.
///
/// Names are compared as search compares words, so case, accents, width and invisible
/// characters do not make a second person (`Officer-A` cannot confirm `officer-a`).
public enum TwoPersonRule {
    /// Whether two actor names name one person.
    public static func samePerson(_ first: String, _ second: String) -> Bool {
        SearchText.normalize(first) == SearchText.normalize(second)
    }

    /// Whether `confirmer` may confirm a step `proposer` proposed.
    public static func permits(proposer: String, confirmer: String) -> Bool { !samePerson(proposer, confirmer) }
}
