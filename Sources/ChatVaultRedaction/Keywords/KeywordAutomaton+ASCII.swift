extension KeywordAutomaton {
    /// Whole-word matches in an all-ASCII message, read straight from its UTF-8 bytes;
    /// `nil` as soon as a byte is not ASCII, for the caller to use ``matches(in:)``.
    ///
    /// Written for speed: most messages are ASCII, where normal form is only case folding
    /// and collapsing separators, and byte offsets are scalar offsets. So no scalar array
    /// or normalised copy is built; a match's start is found by walking back over the
    /// bytes, which only happens when a phrase ends.
    func asciiMatches(in bytes: UnsafeBufferPointer<UInt8>) -> [Match]? {
        var result: [Match] = []
        var state = 0
        var afterSeparator = false
        let width = AsciiSymbol.count
        let symbols = AsciiSymbol.table
        let found: Bool = dense.withUnsafeBufferPointer { dense in
            symbols.withUnsafeBufferPointer { symbols in
                for index in 0..<bytes.count {
                    let symbol = symbols[Int(bytes[index])]
                    if symbol == AsciiSymbol.notASCII { return false }
                    if symbol == AsciiSymbol.separator {
                        if afterSeparator { continue }
                        afterSeparator = true
                    } else {
                        afterSeparator = false
                    }
                    let target = dense[state &* width &+ Int(symbol)]
                    if target >= 0 {
                        state = Int(target)
                        continue
                    }
                    state = Int(~target)
                    emit(endingAt: index, state: state, in: bytes, symbols: symbols, into: &result)
                }
                return true
            }
        }
        return found ? result : nil
    }

    private func emit(
        endingAt index: Int, state: Int, in bytes: UnsafeBufferPointer<UInt8>, symbols: UnsafeBufferPointer<UInt8>, into result: inout [Match]
    ) {
        func isWord(_ offset: Int) -> Bool {
            let symbol = symbols[Int(bytes[offset])]
            return symbol != AsciiSymbol.separator && symbol != AsciiSymbol.notASCII
        }
        var emitting = Int(emitter[state])
        while emitting > 0 {
            for output in outputList[Int(outputStart[emitting])..<Int(outputStart[emitting + 1])] {
                // Walk back `length` normalised scalars; a run of separators counts as one.
                var start = index
                var seen = 1
                while seen < output.length {
                    start -= 1
                    if !isWord(start) {
                        while start > 0, !isWord(start - 1) { start -= 1 }
                    }
                    seen += 1
                }
                guard start == 0 || !isWord(start - 1) else { continue }
                var end = index + 1
                if output.isPrefix {
                    while end < bytes.count, isWord(end) { end += 1 }
                } else if end < bytes.count, isWord(end) {
                    continue
                }
                result.append(Match(start: start, end: end, list: output.list))
            }
            emitting = Int(nextOutput[emitting])
        }
    }
}
