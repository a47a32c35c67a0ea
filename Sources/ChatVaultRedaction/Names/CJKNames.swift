/// Names in Chinese, Japanese and Korean script, where no space or capital marks a word:
/// a known surname followed by a known given name (`王伟`, `佐藤 健`, `김민준`), standing as a
/// word of its own or next to an honorific (`王伟先生`, `佐藤さん`, `민준 씨`) or a verb that
/// takes a person (`联系王伟`, `请张伟`).
enum CJKNames {
    /// Honorifics written right after a name.
    static let honorifics: [[Unicode.Scalar]] = [
        "先生", "女士", "小姐", "老师", "经理", "医生", "总", "さん", "様", "さま", "氏", "君", "くん", "ちゃん", "先生", "씨", "님", "선생님",
    ]
    .map { Array($0.unicodeScalars) }
    /// Words written right before a name.
    static let leads: [[Unicode.Scalar]] = [
        "联系", "客户", "患者", "病人", "叫", "我是", "给", "和", "跟", "找", "请", "问", "告诉", "致", "顧客", "お客様", "患者", "고객", "환자",
    ]
    .map { Array($0.unicodeScalars) }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x3040...0x30FF).contains(v) || (0x3400...0x9FFF).contains(v) || (0xAC00...0xD7AF).contains(v) || (0xF900...0xFAFF).contains(v)
    }

    static func scan(_ text: ScannedText, words: NameWords, into detections: inout [Detection]) {
        let tokens = text.tokens
        for (index, token) in tokens.enumerated() where text.scalars[token.start].value >= 0x3040 && isCJK(text.scalars[token.start]) {
            // `佐藤 健`, `山本 大輔さん`: a known surname, one space, a short given name (an honorific may follow).
            if index + 1 < tokens.count, words.gap(index, index + 1) == " ", isCJK(text.scalars[tokens[index + 1].start]),
                words.kind(index).contains(.surname), let given = givenName(in: tokens[index + 1], text: text, words: words)
            {
                detections.append(
                    Detection(start: token.start, end: given, pii: .person, strength: Detection.cue))
                continue
            }
            var offset = token.start
            while offset < token.end - 1 {
                if let length = name(at: offset, in: text, end: token.end, words: words) {
                    let standsAlone = offset == token.start && offset + length == token.end
                    let marked =
                        has(honorifics, at: offset + length, in: text, end: token.end)
                        || leads.contains { lead in offset - lead.count >= token.start && Array(text.scalars[offset - lead.count..<offset]) == lead }
                    if standsAlone || marked {
                        detections.append(
                            Detection(
                                start: offset, end: offset + length, pii: .person,
                                strength: Detection.cue))
                        offset += length
                        continue
                    }
                }
                offset += 1
            }
        }
    }

    /// Where a given name of one to three characters ends in `token`: the whole token, or the
    /// part before an honorific (`大輔さん`). A known given name may be longer.
    private static func givenName(in token: ScannedText.Token, text: ScannedText, words: NameWords) -> Int? {
        if text.withFoldedBytes(token, { words.gazetteer.kind(hash: token.hash, bytes: $0) }).contains(.given) { return token.end }
        for length in 1...3 where token.start + length <= token.end {
            let end = token.start + length
            if end == token.end || has(honorifics, at: end, in: text, end: token.end) { return end }
        }
        return nil
    }

    /// The length of a surname (one or two characters) and a given name (one or two) at `offset`.
    private static func name(at offset: Int, in text: ScannedText, end: Int, words: NameWords) -> Int? {
        for surname in [1, 2] where offset + surname < end {
            guard words.gazetteer.kind(of: folded(text, offset, offset + surname)).contains(.surname) else { continue }
            for given in [2, 1] where offset + surname + given <= end {
                if words.gazetteer.kind(of: folded(text, offset + surname, offset + surname + given)).contains(.given) { return surname + given }
            }
        }
        return nil
    }

    private static func folded(_ text: ScannedText, _ start: Int, _ end: Int) -> String {
        text.string(start, end).lowercased()
    }

    private static func has(_ words: [[Unicode.Scalar]], at offset: Int, in text: ScannedText, end: Int) -> Bool {
        words.contains { word in offset + word.count <= end && Array(text.scalars[offset..<offset + word.count]) == word }
    }
}
