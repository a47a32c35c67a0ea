import PropertyBased
import Testing

@testable import ChatVaultCore
@testable import ChatVaultRedaction

/// The fast paths written for speed give exactly the answers of the plain routines they
/// stand in for: TextFolding's ASCII branch and tables, the one-pass scan of ASCII
/// messages, and the skips taken before a recognizer runs.
struct RedactionFastPathTests {
    /// Scalars people and tools put in chat: ASCII, invisible characters, accents and
    /// combining marks, full-width forms, other scripts' digits and letters, ligatures,
    /// and any scalar at all.
    static func randomText(_ random: inout SplitMix, ascii: Bool = false) -> [Unicode.Scalar] {
        let pools: [[UInt32]] = [
            Array(0x20...0x7E), [0x0A, 0x09],
            [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD, 0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069, 0x180E, 0x034F],
            [0xE9, 0xC9, 0xDF, 0xF1, 0xE7, 0xF8, 0x131, 0x130, 0x141, 0x301, 0x308, 0x327, 0x1C5, 0xFB01, 0x2126, 0x212B],
            Array(0xFF01...0xFF5E), [0x0663, 0x06F5, 0x0967, 0x0E53, 0xFF14, 0x1D7D8, 0x2460, 0xB2, 0x2155],
            Array(0x391...0x3C9), Array(0x410...0x44F), [0x4E2D, 0x6587, 0x3042, 0xAC00, 0x5D0, 0x627, 0x644],
            [0xA0, 0x2009, 0x202F, 0x3000, 0x2010, 0x2013, 0x2014, 0x2212, 0x2018, 0x2019, 0x201C, 0x2028, 0x85],
        ]
        let length = Int(random.next() % 40)
        var scalars: [Unicode.Scalar] = []
        for _ in 0..<length {
            if ascii {
                scalars.append(Unicode.Scalar(UInt8(0x20 + random.next() % 0x5F)))
            } else if random.next() % 10 == 0 {
                // Any scalar, surrogates excepted.
                let value = UInt32(random.next() % 0x3_0000)
                scalars.append(Unicode.Scalar(value) ?? "?")
            } else {
                let pool = pools[Int(random.next() % UInt64(pools.count))]
                scalars.append(Unicode.Scalar(pool[Int(random.next() % UInt64(pool.count))])!)
            }
        }
        return scalars
    }

    /// The word form as it was computed before the fast paths: every scalar through the
    /// normal-form conversion, an array per scalar.
    static func slowWordForm(of scalars: [Unicode.Scalar], separator: Unicode.Scalar = " ") -> TextFolding.Folded {
        var folded = TextFolding.Folded(originalCount: scalars.count)
        for (offset, scalar) in scalars.enumerated() {
            let v = scalar.value
            let pieces: [UInt32]
            if v < 0x80 {
                if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                    pieces = [v]
                } else if v >= 0x41 && v <= 0x5A {
                    pieces = [v + 32]
                } else {
                    pieces = [0]
                }
            } else {
                pieces = TextFolding.computedWordPieces(scalar)
            }
            for piece in pieces {
                if piece == 0 {
                    if folded.scalars.last != separator {
                        folded.scalars.append(separator)
                        folded.origin.append(offset)
                    }
                } else if let out = Unicode.Scalar(piece) {
                    folded.scalars.append(out)
                    folded.origin.append(offset)
                }
            }
        }
        return folded
    }

    @Test func wordFormMatchesTheSlowPathOnAnyText() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let scalars = Self.randomText(&random)
            #expect(
                TextFolding.wordForm(of: scalars) == Self.slowWordForm(of: scalars), "seed \(seed): \(scalars.map { String($0.value, radix: 16) })")
            #expect(TextFolding.wordForm(of: scalars, separator: "_") == Self.slowWordForm(of: scalars, separator: "_"))
        }
    }

    @Test func tablesHoldTheComputedAnswerOfEveryScalar() {
        for value in UInt32(0)..<TextFolding.tableEnd {
            let scalar = Unicode.Scalar(value)!
            #expect(TextFolding.foldedLetters(scalar) == TextFolding.computedFoldedLetters(scalar), "U+\(String(value, radix: 16))")
            if value >= 0x80 {
                #expect(TextFolding.wordPieces(scalar) == TextFolding.computedWordPieces(scalar), "U+\(String(value, radix: 16))")
            }
        }
        // Past the tables, the routine itself answers.
        for value: UInt32 in [0x800, 0x1E9E, 0x2126, 0x4E2D, 0xFB01, 0xFF21, 0x1D400] {
            let scalar = Unicode.Scalar(value)!
            #expect(TextFolding.foldedLetters(scalar) == TextFolding.computedFoldedLetters(scalar))
            #expect(TextFolding.wordPieces(scalar) == TextFolding.computedWordPieces(scalar))
        }
    }

    @Test func asciiScanEqualsTheGeneralScan() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let scalars = Self.randomText(&random, ascii: true)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let fast = ScannedText(String(view))
            let general = ScannedText(scalars: scalars)
            #expect(fast.scalars == general.scalars && fast.original == general.original && fast.folding == nil)
            #expect(fast.tokens.count == general.tokens.count, "seed \(seed)")
            for (a, b) in zip(fast.tokens, general.tokens) {
                #expect(
                    a.start == b.start && a.end == b.end && fast.foldedSlice(a) == general.foldedSlice(b) && a.hasDigit == b.hasDigit
                        && a.hasLetter == b.hasLetter && a.hash == b.hash, "seed \(seed)")
            }
            #expect(fast.hasDigit == general.hasDigit && fast.hasAt == general.hasAt && fast.hasColon == general.hasColon)
            #expect(fast.hasUppercase == general.hasUppercase && fast.digitCount == general.digitCount)
            #expect(fast.dotCount == general.dotCount && fast.colonCount == general.colonCount)
        }
    }

    @Test func ruleIDsAreThePolicyKeys() {
        for type in PIIType.allCases {
            #expect(type.ruleID == "pii." + type.key)
        }
    }

    /// Values with as few digits, dots or colons as their type allows are still found once
    /// the recognizers are skipped for messages with fewer; so are values with no digit.
    @Test func shortestValuesPassTheSkips() {
        #expect(found("call me 555-0100").contains(finding("PHONE_NUMBER", "555-0100")))
        #expect(found("host 10.0.0.1 is down").contains(finding("IP_ADDRESS", "10.0.0.1")))
        #expect(found("ssh to fe80::1 now").contains(finding("IP_ADDRESS", "fe80::1")))
        #expect(found("dob 9APR39").contains(finding("DATE_OF_BIRTH", "9APR39")))
        #expect(found("ssn 123-45-6789").contains(finding("US_SSN", "123-45-6789")))
        #expect(found("mail ana at example dot com").contains(finding("EMAIL_ADDRESS", "ana at example dot com")))
        #expect(found("my name is Maria Rossi").contains(finding("PERSON", "Maria Rossi")))
        // A time has two colons and no address; a price has a dot and no address.
        #expect(found("meet at 13:37:40, costs 12.50").isEmpty)
    }

    @Test func gapsAndScalarSetsReadNonASCIILiterals() {
        #expect(ScannedText.contains("'’", "’") && ScannedText.contains("'’", "'"))
        #expect(!ScannedText.contains("'’", "x") && !ScannedText.contains("'’", "‘"))
        #expect(ScannedText.contains("$€£", "€") && !ScannedText.contains("$€£", "¥"))
        #expect(ScannedText.contains("@", "@") && !ScannedText.contains("@", "a"))
        // Typographic quotes read as plain ones in the view; guillemets stay.
        let text = ScannedText("O’Brien and «Dana»")
        let words = NameWords(text: text, gazetteer: .shared, firms: nil)
        #expect(words.gap(0, 1) == "'")
        #expect(!(words.gap(0, 1) == "’"))
        #expect(words.gap(1, 2) == " ")
        #expect(!(words.gap(1, 2) == "  "))
        #expect(words.gap(2, 3) == " «")
        #expect(!(words.gap(2, 3) == " "))
        #expect(!(words.gap(2, 3) == " «»"))
    }
}
