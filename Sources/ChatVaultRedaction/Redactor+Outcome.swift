import ChatVaultCore

extension Redactor {
    /// Applies each detection's operator (detections in original offsets) and records where the replacements stand.
    func outcome(for text: ScannedText, detections: [Detection], recognizers: [PIIType: RecognizerSetting], lists: [RecognizerSetting])
        -> RedactionOutcome
    {
        let spans = detections.map { OriginalSpan(start: $0.start, end: $0.end, type: $0.type, rule: $0.rule) }
        let operators = detections.map { self.operator(for: $0, recognizers: recognizers, lists: lists) }
        if let dropping = zip(detections, operators).first(where: { $0.1 == .drop })?.0 {
            let record = Redaction(rule: dropping.rule, type: dropping.type, start: 0, end: 0, operation: .drop)
            return RedactionOutcome(text: "", redactions: [record], originalSpans: spans, dropMessage: true)
        }
        // Built as UTF-8 bytes: appending to a `String.UnicodeScalarView` one scalar at a
        // time was a tenth of the whole stage.
        var output: [UInt8] = []
        output.reserveCapacity(text.original.count + 32)
        func append(_ scalars: some Sequence<Unicode.Scalar>) {
            for scalar in scalars { UTF8.encode(scalar) { output.append($0) } }
        }
        var written = 0
        var cursor = 0
        var redactions: [Redaction] = []
        for (detection, op) in zip(detections, operators) {
            append(text.original[cursor..<detection.start])
            written += detection.start - cursor
            let replacement = self.replacement(for: detection, operator: op, in: text)
            append(replacement)
            redactions.append(
                Redaction(rule: detection.rule, type: detection.type, start: written, end: written + replacement.count, operation: op.operation))
            written += replacement.count
            cursor = detection.end
        }
        append(text.original[cursor...])
        return RedactionOutcome(text: String(decoding: output, as: UTF8.self), redactions: redactions, originalSpans: spans, dropMessage: false)
    }

    private func `operator`(for detection: Detection, recognizers: [PIIType: RecognizerSetting], lists: [RecognizerSetting]) -> RedactionOperator {
        if detection.list >= 0 {
            return lists[detection.list].operator
        }
        if let type = PIIType(rawValue: detection.type) {
            return recognizers[type]?.operator ?? .replace()
        }
        return .replace()
    }

    private func replacement(for detection: Detection, operator op: RedactionOperator, in text: ScannedText) -> [Unicode.Scalar] {
        switch op {
        case .replace(let label):
            return Array((label ?? "[REDACTED:\(detection.type)]").unicodeScalars)
        case .hash:
            return Array(hasher.token(type: detection.type, value: text.originalString(detection.start, detection.end)).unicodeScalars)
        case .drop:
            return []
        case .mask(let keep):
            let value = text.original[detection.start..<detection.end]
            var kept = 0
            var masked: [Unicode.Scalar] = []
            for scalar in value.reversed() {
                // Read through the visible view, so a full-width `４` is a digit to mask.
                if let seen = TextFolding.visible(scalar), ScannedText.isAlnum(seen) {
                    masked.append(kept < keep ? scalar : "•")
                    kept += 1
                } else {
                    masked.append(scalar)
                }
            }
            return masked.reversed()
        }
    }
}
