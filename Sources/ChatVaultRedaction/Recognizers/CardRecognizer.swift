/// Payment card numbers: 13–19 digits with a known brand prefix and length, passing the
/// Luhn check, written whole, in groups (`4111 1111 1111 1111`, Amex `3782 822463 10005`,
/// a card split after six digits `411111 1111111111`, 19 digits `6011 0000 0000 0000 004`)
/// with spaces, dashes, dots, slashes or a line break between them, or spaced out digit by
/// digit (`4 1 1 1 …`). A 13-digit number after a product-code cue (`EAN`) is not a card.
enum CardRecognizer {
    /// Built once: a set literal at the call site was allocated per message.
    static let runSeparators: DigitRun.Separators = [" ", "-", ".", "/", "\n"]

    /// Words that announce a card, nearer than an account cue for a card to win.
    static let cues = CueLexicon([
        "card", "card number", "credit card", "debit card", "visa", "cc", "kreditkarte", "karte", "carte", "tarjeta", "carta", "cartao",
        "kaart", "karty", "kort", "mastercard", "amex",
    ])

    /// Words that announce a product code of thirteen digits (EAN-13, ISBN-13).
    static let productCues = CueLexicon([
        "ean", "ean13", "gtin", "barcode", "upc", "isbn", "sku", "art", "art nr", "article", "artikel", "artikelnummer", "item", "product",
        "produkt", "referencia",
    ])

    static func scan(_ text: ScannedText, into detections: inout [Detection]) {
        for run in DigitRun.all(in: text, separators: runSeparators, spaced: true, keep: { digits, _ in digits >= 13 }) {
            var first = 0
            while first < run.groups.count {
                if let last = card(in: run, from: first, text: text) {
                    detections.append(
                        Detection(
                            start: run.groups[first].start, end: run.groups[last].end, pii: .creditCard, strength: Detection.checksum))
                    first = last + 1
                } else {
                    first += 1
                }
            }
        }
    }

    /// The last group of the longest card starting at group `first`, if any.
    ///
    /// A card starts where the run starts, or after a change of separator (`12/27 4111 1111…`);
    /// never in the middle of evenly grouped digits, as a 22-digit tracking number is.
    private static func card(in run: DigitRun, from first: Int, text: ScannedText) -> Int? {
        if first == 0 {
            guard run.startsAtBoundary(in: text) else { return nil }
        } else {
            guard first >= 2, run.gaps[first - 1] != run.gaps[first - 2] else { return nil }
        }
        var last = first
        var digits = run.groups[first].length
        while last + 1 < run.groups.count, digits + run.groups[last + 1].length <= 19 {
            last += 1
            digits += run.groups[last].length
        }
        while last >= first {
            let groups = Array(run.groups[first...last])
            if last == run.groups.count - 1 && !run.endsAtBoundary(in: text) {
                last -= 1
                continue
            }
            if isCard(groups, in: text) {
                // Thirteen digits after `EAN`, `GTIN`, `ISBN`… are a product code, not a legacy Visa.
                let count = groups.reduce(0) { $0 + $1.length }
                if count == 13 && productCues.distance(before: groups[0].start, in: text, window: 2) != nil { return nil }
                // Digits in one block right after `acct`, `account number` are the account's
                // (the account recognizer masks them), unless a card cue is nearer.
                if groups.count == 1, let account = BankAccountRecognizer.cues.distance(before: groups[0].start, in: text, window: 1) {
                    let card = cues.distance(before: groups[0].start, in: text, window: 3)
                    if card == nil || card! > account { return nil }
                }
                return last
            }
            last -= 1
        }
        return nil
    }

    static func isCard(_ groups: [DigitRun.Group], in text: ScannedText) -> Bool {
        let count = groups.reduce(0) { $0 + $1.length }
        guard count >= 13, count <= 19 else { return false }
        if groups.count > 1, !groups.allSatisfy({ $0.length == 1 }) {
            // Cards are printed in blocks of four (Amex and Diners 4-6-5 / 4-6-4), some split
            // after the six-digit issuer number or in two halves.
            // The last block may be short: `4485 5509 3606 5` chunks a 13-digit Visa by four.
            let fours = groups.dropLast().allSatisfy { $0.length == 4 }
            guard [4, 5, 6, 8].contains(groups[0].length), groups.dropFirst().dropLast().allSatisfy({ $0.length >= 3 }),
                groups.last!.length >= 2 || fours
            else { return false }
        }
        let digits = groups.flatMap { text.scalars[$0.start..<$0.end].map { Int($0.value) - 0x30 } }
        guard brandAccepts(digits) else { return false }
        return luhn(digits)
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// Issuer prefixes and lengths of the major brands.
    static func brandAccepts(_ digits: [Int]) -> Bool {
        func prefix(_ n: Int) -> Int { digits.prefix(n).reduce(0) { $0 * 10 + $1 } }
        let length = digits.count
        switch digits[0] {
        case 4: return length == 13 || length == 16 || length == 19  // Visa
        case 5:
            let p2 = prefix(2)
            if (51...55).contains(p2) { return length == 16 }  // Mastercard
            return length >= 16 && (p2 == 50 || (56...58).contains(p2))  // Maestro
        case 2:
            return (2221...2720).contains(prefix(4)) && length == 16  // Mastercard 2-series
        case 3:
            let p2 = prefix(2)
            if p2 == 34 || p2 == 37 { return length == 15 }  // American Express
            if p2 == 35 { return length >= 16 }  // JCB
            if (300...305).contains(prefix(3)) || p2 == 36 || p2 == 38 || p2 == 39 { return length >= 14 }  // Diners
            return false
        case 6:
            // Discover, UnionPay, Maestro, RuPay: the 6 block.
            return length >= 16
        default:
            return false
        }
    }
}
