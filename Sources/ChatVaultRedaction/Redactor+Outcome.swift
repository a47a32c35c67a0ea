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
        var written = 0
        var cursor = 0
        var redactions: [Redaction] = []
        redactions.reserveCapacity(detections.count)
        for (detection, op) in zip(detections, operators) {
            Self.appendUTF8(text.original[cursor..<detection.start], to: &output)
            written += detection.start - cursor
            let length: Int
            if case .replace(nil) = op {
                // The usual label, written without building it as a string first.
                length = Self.appendLabel(type: detection.type, to: &output)
            } else {
                let replacement = self.replacement(for: detection, operator: op, in: text)
                Self.appendUTF8(replacement[...], to: &output)
                length = replacement.count
            }
            redactions.append(Redaction(rule: detection.rule, type: detection.type, start: written, end: written + length, operation: op.operation))
            written += length
            cursor = detection.end
        }
        Self.appendUTF8(text.original[cursor...], to: &output)
        return RedactionOutcome(text: String(decoding: output, as: UTF8.self), redactions: redactions, originalSpans: spans, dropMessage: false)
    }

    private static func appendUTF8(_ scalars: ArraySlice<Unicode.Scalar>, to output: inout [UInt8]) {
        for scalar in scalars {
            let value = scalar.value
            if value < 0x80 {
                output.append(UInt8(truncatingIfNeeded: value))
            } else {
                UTF8.encode(scalar) { output.append($0) }
            }
        }
    }

    /// Appends `[REDACTED:TYPE]`; returns its length in scalars.
    private static func appendLabel(type: String, to output: inout [UInt8]) -> Int {
        output.append(contentsOf: "[REDACTED:".utf8)
        output.append(contentsOf: type.utf8)
        output.append(UInt8(ascii: "]"))
        return 11 + type.unicodeScalars.count
    }

    private func `operator`(for detection: Detection, recognizers: [PIIType: RecognizerSetting], lists: [RecognizerSetting]) -> RedactionOperator {
        if detection.list >= 0 {
            return lists[detection.list].operator
        }
        if let type = detection.pii ?? PIIType(rawValue: detection.type) {
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
