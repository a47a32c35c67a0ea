/// The value a cue announces: the first token holding a digit within a few tokens after the
/// cue (`passport no. X1234567`, `acct # 12345678`), skipping filler words.
enum CuedValue {
    /// Candidate tokens: each token with a digit whose nearest cue lies within `window` tokens before.
    static func candidates(in text: ScannedText, cues: CueLexicon, window: Int) -> [(token: Int, distance: Int)] {
        var result: [(Int, Int)] = []
        for (index, token) in text.tokens.enumerated() where token.hasDigit {
            guard let distance = cues.distance(before: token.start, in: text, window: window) else { continue }
            // Only the first value after the cue: no other number in between.
            let between = text.tokens[max(0, index - distance)..<index]
            guard !between.contains(where: { $0.hasDigit }) else { continue }
            result.append((index, distance))
        }
        return result
    }
}
