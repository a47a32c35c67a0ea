import ChatVaultRedaction
import PropertyBased
import Testing

/// For any valid value of each structured type, any insertion of invisible characters,
/// any separators people use and any wrapping still yield a fully masked value; generated
/// hard negatives are never touched.
///
/// Each check draws a seed and builds its case from it with ``SplitMix``, so a failure
/// prints the message and can be replayed.
struct EvasionPropertyTests {
    static let redactor = Redactor(policy: .default, secret: Array("property".utf8))

    @Test func cardsOfEveryBrandAndLengthAreMasked() async {
        await propertyCheck(count: 400, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let digits = ValueMaker.card(&random)
            let groups = ValueMaker.cardGrouping(count: digits.count, &random)
            let value = ValueMaker.group(digits, groups, separators: [" ", "-", ".", "  ", " - ", "\u{A0}", "\u{2009}", "/"], &random)
            expectMasked(Evasion.apply(value, &random), cue: ["card ", "Kartennummer: ", "", "tarjeta ", "pay with "], &random)
        }
    }

    @Test func spacedOutCardDigitsAreMasked() async {
        await propertyCheck(count: 100, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let digits = ValueMaker.card(&random)
            expectMasked(digits.map(String.init).joined(separator: " "), cue: ["card ", "cc: "], &random)
        }
    }

    @Test func ssnsWithAnySeparatorAreMasked() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let digits = ValueMaker.ssn(&random)
            let value = ValueMaker.group(digits, [3, 2, 4], separators: ["-", " ", ".", " - ", "  ", "/"], &random)
            expectMasked(Evasion.apply(value, &random), cue: ["SSN ", "ssn: ", "social security number ", "SS# "], &random)
        }
    }

    @Test func ibansOfSeveralCountriesAreMasked() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let iban = ValueMaker.iban(&random)
            let value: String
            switch random.next() % 3 {
            case 0: value = iban
            case 1: value = stride(from: 0, to: iban.count, by: 4).map { String(Array(iban)[$0..<min($0 + 4, iban.count)]) }.joined(separator: " ")
            default: value = stride(from: 0, to: iban.count, by: 4).map { String(Array(iban)[$0..<min($0 + 4, iban.count)]) }.joined(separator: "-")
            }
            expectMasked(Evasion.apply(value, &random), cue: ["IBAN ", "wire to ", "meine IBAN: ", ""], &random)
        }
    }

    @Test func phonesInNationalFormatsAreMasked() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let value = ValueMaker.phone(&random)
            expectMasked(Evasion.apply(value, &random), cue: ["call me at ", "Tel.: ", "Handy ", "mobile ", "tél. ", "whatsapp "], &random)
        }
    }

    @Test func emailsAreMasked() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let local = ValueMaker.word(&random) + [".", "_", "+", ""][Int(random.next() % 4)] + ValueMaker.word(&random)
            let value = "\(local)@\(ValueMaker.word(&random)).\(["com", "de", "fr", "co.uk", "io"][Int(random.next() % 5)])"
            expectMasked(Evasion.invisible(value, &random), cue: ["mail me at ", "", "E-Mail: "], &random)
        }
    }

    @Test func hardNegativesAreNotTouched() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let (prefix, value) = ValueMaker.hardNegative(&random)
            let text = prefix + value + [" today", "", ", thanks", " pls check"][Int(random.next() % 4)]
            let spans = Self.redactor.redact(text).originalSpans
            #expect(spans.isEmpty, "\(text.debugDescription) lost \(spans.map { "\($0.type)@\($0.start)..<\($0.end)" })")
        }
    }

    /// Puts `value` in a message (a cue before it, a wrapping around it) and checks that
    /// every letter and digit of the value lies inside a redacted span.
    func expectMasked(_ value: String, cue cues: [String], _ random: inout SplitMix) {
        let (open, close) = Evasion.wrappings[Int(random.next() % UInt64(Evasion.wrappings.count))]
        let cue = cues[Int(random.next() % UInt64(cues.count))]
        let prefix = cue + open
        let text = prefix + value + close + [" thanks", "", ". Ok?", "\nbye"][Int(random.next() % 4)]
        let start = prefix.unicodeScalars.count
        let scalars = Array(text.unicodeScalars)
        let outcome = Self.redactor.redact(text)
        var covered = [Bool](repeating: false, count: scalars.count)
        for span in outcome.originalSpans {
            for offset in span.start..<span.end { covered[offset] = true }
        }
        let leaked = (start..<start + value.unicodeScalars.count).filter { offset in
            !covered[offset] && (scalars[offset].properties.isAlphabetic || scalars[offset].properties.numericType != nil)
        }
        #expect(leaked.isEmpty, "\(text.debugDescription): \(leaked.count) characters survive; output \(outcome.text.debugDescription)")
    }
}

/// The evasions people and tools produce inside and around a value.
enum Evasion {
    static let invisibles: [Unicode.Scalar] = [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202C}", "\u{202E}",
        "\u{2066}", "\u{2069}",
    ]
    static let wrappings: [(String, String)] = [
        ("", ""), ("\"", "\""), ("'", "'"), ("*", "*"), ("**", "**"), ("(", ")"), ("[", "]"), ("«", "»"), ("« ", " »"), ("„", "“"),
        ("`", "`"), ("<", ">"),
    ]

    /// One evasion at random: invisible characters, full-width digits, or none.
    static func apply(_ value: String, _ random: inout SplitMix) -> String {
        switch random.next() % 4 {
        case 0, 1: return invisible(value, &random)
        case 2:
            return String(
                String.UnicodeScalarView(value.unicodeScalars.map { $0.value >= 0x30 && $0.value <= 0x39 ? Unicode.Scalar($0.value + 0xFEE0)! : $0 }))
        default: return value
        }
    }

    /// One to four invisible characters inside the value (never at its edges).
    static func invisible(_ value: String, _ random: inout SplitMix) -> String {
        var scalars = Array(value.unicodeScalars)
        guard scalars.count > 2 else { return value }
        for _ in 0..<(1 + Int(random.next() % 4)) {
            let position = 1 + Int(random.next() % UInt64(scalars.count - 1))
            scalars.insert(invisibles[Int(random.next() % UInt64(invisibles.count))], at: position)
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// Valid values of each type, and hard negatives.
enum ValueMaker {
    static func digits(_ count: Int, _ random: inout SplitMix) -> [Int] { (0..<count).map { _ in Int(random.next() % 10) } }

    /// A Luhn-valid number of a random brand and length.
    static func card(_ random: inout SplitMix) -> [Int] {
        let brands: [([Int], Int)] = [
            ([4], 16), ([4], 13), ([4], 19), ([5, 1], 16), ([5, 5], 16), ([2, 2, 2, 1], 16), ([2, 7, 2, 0], 16), ([3, 4], 15), ([3, 7], 15),
            ([6, 0, 1, 1], 16), ([6, 5], 16), ([6, 0, 1, 1], 19), ([3, 5, 2, 8], 16), ([3, 6], 14), ([3, 0, 0], 14), ([6, 2], 16), ([6, 2], 19),
            ([5, 0], 16), ([5, 8], 18),
        ]
        let (prefix, length) = brands[Int(random.next() % UInt64(brands.count))]
        var number = prefix + digits(length - prefix.count - 1, &random)
        var sum = 0
        for (index, digit) in number.reversed().enumerated() {
            let value = index % 2 == 0 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        number.append((10 - sum % 10) % 10)
        return number
    }

    static func cardGrouping(count: Int, _ random: inout SplitMix) -> [Int] {
        let options: [[Int]]
        switch count {
        case 15: options = [[4, 6, 5], [15]]
        case 14: options = [[4, 6, 4], [14]]
        case 19: options = [[4, 4, 4, 4, 3], [6, 13], [19]]
        case 13: options = [[4, 3, 3, 3], [13]]
        case 18: options = [[4, 4, 4, 4, 2], [18]]
        default: options = [[4, 4, 4, 4], [16], [6, 10], [4, 4, 8]]
        }
        return options[Int(random.next() % UInt64(options.count))]
    }

    static func group(_ digits: [Int], _ sizes: [Int], separators: [String], _ random: inout SplitMix) -> String {
        let separator = separators[Int(random.next() % UInt64(separators.count))]
        var parts: [String] = []
        var index = 0
        for size in sizes {
            parts.append(digits[index..<index + size].map(String.init).joined())
            index += size
        }
        return parts.joined(separator: separator)
    }

    static func ssn(_ random: inout SplitMix) -> [Int] {
        var area = 1 + Int(random.next() % 899)
        if area == 666 { area = 667 }
        let group = 1 + Int(random.next() % 99)
        let serial = 1 + Int(random.next() % 9999)
        return Array(String(format3(area) + format(group, 2) + format(serial, 4)).map { Int(String($0))! })
    }

    private static func format3(_ value: Int) -> String { format(value, 3) }
    private static func format(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// An IBAN with a correct mod-97 check for one of several countries
    /// (country, length of the national part, leading letters in it).
    static func iban(_ random: inout SplitMix) -> String {
        let countries: [(String, Int, Int)] = [
            ("DE", 18, 0), ("GB", 18, 4), ("FR", 23, 0), ("NL", 14, 4), ("ES", 20, 0), ("IT", 23, 1), ("BE", 12, 0), ("CH", 17, 0), ("PL", 24, 0),
        ]
        let (country, length, letters) = countries[Int(random.next() % UInt64(countries.count))]
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var bban = String((0..<letters).map { _ in alphabet[Int(random.next() % 26)] })
        bban += digits(length - letters, &random).map(String.init).joined()
        var remainder = 0
        for character in bban + country + "00" {
            if let digit = character.wholeNumberValue {
                remainder = (remainder * 10 + digit) % 97
            } else {
                remainder = (remainder * 100 + Int(character.asciiValue! - 55)) % 97
            }
        }
        return country + format(98 - remainder, 2) + bban
    }

    static func phone(_ random: inout SplitMix) -> String {
        func d(_ n: Int) -> String { digits(n, &random).map(String.init).joined() }
        let first = 2 + Int(random.next() % 8)
        let exchange = 2 + Int(random.next() % 8)
        let forms = [
            "0162/\(d(7))", "030 \(d(7))", "+49 151 \(d(8))", "6\(d(2)) \(d(2)) \(d(2)) \(d(2))", "+34 6\(d(2)) \(d(3)) \(d(3))",
            "06 \(d(2)) \(d(2)) \(d(2)) \(d(2))", "+33 6 \(d(2)) \(d(2)) \(d(2)) \(d(2))", "07700 \(d(6))", "+44 (0)20 \(d(4)) \(d(4))",
            "+39 3\(d(2)) \(d(3)) \(d(4))", "06-\(d(8))", "+31 6 \(d(8))", "(\(first)\(d(2))) \(exchange)\(d(2))-\(d(4))",
            "\(first)\(d(2)).\(exchange)\(d(2)).\(d(4))", "+1 \(first)\(d(2)) \(exchange)\(d(2)) \(d(4))", "+46 70 \(d(3)) \(d(2)) \(d(2))",
        ]
        return forms[Int(random.next() % UInt64(forms.count))]
    }

    static func word(_ random: inout SplitMix) -> String {
        let words = ["anna", "lars", "m", "info", "kowalski", "rossi", "jdupont", "team", "x9", "mail"]
        return words[Int(random.next() % UInt64(words.count))]
    }

    /// A value that looks like personal data but is not, with the words before it.
    static func hardNegative(_ random: inout SplitMix) -> (String, String) {
        func d(_ n: Int) -> String { digits(n, &random).map(String.init).joined() }
        switch random.next() % 12 {
        case 0: return ("order ", "ORD-\(d(6))")
        case 1: return ("buy ", ["US0378331005", "DE0007164600", "FR0000131104", "GB0002634946", "NL0010273215"][Int(random.next() % 5)])
        case 2: return ("tracking ", "1Z\(d(6))\(d(10))")
        case 3: return ("upgraded to ", "v\(1 + random.next() % 9).\(random.next() % 20).\(random.next() % 99)")
        case 4: return ("logged at ", "2025-0\(1 + random.next() % 9)-1\(random.next() % 9)T1\(random.next() % 9):3\(random.next() % 9):00Z")
        case 5: return ("price ", "$\(1 + random.next() % 999),\(d(3)).\(d(2))")
        case 6:
            // A Visa-like number whose Luhn check fails.
            var number = [4] + digits(15, &random)
            var sum = 0
            for (index, digit) in number.reversed().enumerated() {
                let value = index % 2 == 1 ? digit * 2 : digit
                sum += value > 9 ? value - 9 : value
            }
            if sum % 10 == 0 { number[15] = (number[15] + 1) % 10 }
            return ("ref ", number.map(String.init).joined())
        case 7: return ("zip ", d(5))
        case 8: return ("see ", "INC\(d(7))")
        case 9: return ("notional ", "\(1 + random.next() % 9)\(d(2)),\(d(3)),\(d(3))")
        case 10: return (["meeting on ", "trade date ", "deadline "][Int(random.next() % 3)], "2024-0\(1 + random.next() % 9)-1\(random.next() % 9)")
        default: return ("fedex ", d(12))
        }
    }
}
