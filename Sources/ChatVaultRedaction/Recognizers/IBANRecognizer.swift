/// International bank account numbers: a country code, two check digits and the national
/// part, with the country's exact length and a valid mod-97 checksum (ISO 13616). Written
/// whole or grouped, with spaces, dashes or dots between characters (`DE89 3704 0044…`,
/// `de89370400440532013000`); the checksum is what makes any grouping safe to accept.
enum IBANRecognizer {
    static func scan(_ text: ScannedText, into detections: inout [Detection]) {
        let scalars = text.scalars
        var index = 0
        while index + 4 <= scalars.count {
            defer { index += 1 }
            // The check digits first: most letters are followed by letters.
            guard text.isDigit(at: index + 2), text.isDigit(at: index + 3), let first = letter(scalars[index]),
                let second = letter(scalars[index + 1]),
                !text.isAlnum(at: index - 1),
                // Both capitals or both small: `De89…` is a word followed by a number.
                ScannedText.isUppercase(scalars[index]) == ScannedText.isUppercase(scalars[index + 1])
            else { continue }
            let length = Int(countryLengths[Int(first.value - 0x41) * 26 + Int(second.value - 0x41)])
            guard length > 0 else { continue }
            var characters: [Unicode.Scalar] = []
            var cursor = index
            var lastEnd = index
            while cursor < scalars.count, characters.count < length {
                let scalar = scalars[cursor]
                if ScannedText.isAlnum(scalar), scalar.value < 0x80 {
                    characters.append(scalar)
                    cursor += 1
                    lastEnd = cursor
                    continue
                }
                // Up to two separators between characters, as IBANs are printed and typed.
                var gap = 0
                while gap < 2, text.isScalar(cursor + gap, in: " -.\n") { gap += 1 }
                guard gap > 0, text.isAlnum(at: cursor + gap) else { break }
                cursor += gap
            }
            guard characters.count == length, !text.isAlnum(at: lastEnd), isValid(characters) else { continue }
            detections.append(
                Detection(start: index, end: lastEnd, pii: .iban, strength: Detection.checksum))
            index = lastEnd - 1
        }
    }

    /// The ISO 7064 mod-97 check: move the first four characters to the end, letters become 10–35.
    static func isValid(_ characters: [Unicode.Scalar]) -> Bool {
        guard characters.count > 4 else { return false }
        var remainder = 0
        for scalar in characters[4...] + characters[..<4] {
            let v = scalar.value
            if v >= 0x30 && v <= 0x39 {
                remainder = (remainder * 10 + Int(v - 0x30)) % 97
            } else {
                let upper = v >= 0x61 ? v - 32 : v
                guard upper >= 0x41 && upper <= 0x5A else { return false }
                remainder = (remainder * 100 + Int(upper - 0x41 + 10)) % 97
            }
        }
        return remainder == 1
    }

    /// An ASCII letter as a capital, or nil.
    private static func letter(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        if v >= 0x41 && v <= 0x5A { return scalar }
        if v >= 0x61 && v <= 0x7A { return Unicode.Scalar(v - 32) }
        return nil
    }

    /// ``lengths`` by the two capitals' positions in the alphabet (0: no such country), read
    /// without building a string for every two letters before two digits.
    private static let countryLengths: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 26 * 26)
        for (country, length) in lengths {
            let letters = Array(country.unicodeScalars)
            table[Int(letters[0].value - 0x41) * 26 + Int(letters[1].value - 0x41)] = UInt8(length)
        }
        return table
    }()

    /// IBAN length per country (SWIFT IBAN registry).
    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
        "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
        "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
        "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
        "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
        "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
        "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
        "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]
}
