import ChatVaultRedaction
import Testing

/// Values as people really type them: invisible characters, separators, grouping, wrapping,
/// national formats and cues in several languages. Each case failed before the folding
/// routine and the widened recognizers.
struct EvasionRecognizerTests {
    @Test(arguments: [
        ("card 4111\u{200B}1111\u{200B}1111\u{200B}1111", "4111\u{200B}1111\u{200B}1111\u{200B}1111"),
        ("card 4111\u{00AD}1111 1111 11\u{2060}11", "4111\u{00AD}1111 1111 11\u{2060}11"),
        ("card \u{FF14}\u{FF11}\u{FF11}\u{FF11} 1111 1111 1111", "\u{FF14}\u{FF11}\u{FF11}\u{FF11} 1111 1111 1111"),
        ("card 411111 1111111111", "411111 1111111111"),
        ("card 4111.1111.1111.1111", "4111.1111.1111.1111"),
        ("card 4111/1111/1111/1111", "4111/1111/1111/1111"),
        ("card 4111  1111  1111  1111", "4111  1111  1111  1111"),
        ("card 4111\u{00A0}1111\u{2009}1111 1111", "4111\u{00A0}1111\u{2009}1111 1111"),
        ("card 4111 1111\n1111 1111", "4111 1111\n1111 1111"),
        ("card 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"),
        ("card «4111 1111 1111 1111»", "4111 1111 1111 1111"),
        ("card 6011 0000 0000 0000 001", "6011 0000 0000 0000 001"),
        ("exp 12/27 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ])
    func cardsAsWritten(_ text: String, _ value: String) {
        #expect(found(text) == [finding("CREDIT_CARD", value)])
    }

    @Test(arguments: [
        ("SSN 123\u{200B}-45-6789", "123\u{200B}-45-6789"), ("ssn 123.45.6789", "123.45.6789"), ("SSN: 123 - 45 - 6789", "123 - 45 - 6789"),
        ("SSN 1 2 3 4 5 6 7 8 9", "1 2 3 4 5 6 7 8 9"), ("her SSN — 123456789", "123456789"), ("123456789 is my ssn", "123456789"),
        (
            "ssn \u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}\u{FF16}\u{FF17}\u{FF18}\u{FF19}",
            "\u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}\u{FF16}\u{FF17}\u{FF18}\u{FF19}"
        ),
    ])
    func ssnsAsWritten(_ text: String, _ value: String) {
        #expect(found(text) == [finding("US_SSN", value)])
    }

    @Test(arguments: [
        ("IBAN DE89\u{200B}3704 0044 0532 0130 00", "DE89\u{200B}3704 0044 0532 0130 00"),
        ("iban de89370400440532013000", "de89370400440532013000"),
        ("IBAN: GB82 WEST 1234\u{2066}5698 7654 32.", "GB82 WEST 1234\u{2066}5698 7654 32"),
    ])
    func ibansAsWritten(_ text: String, _ value: String) {
        #expect(found(text) == [finding("IBAN", value)])
    }

    @Test(arguments: [
        ("Tel.: +44 (0)20 7946 0958", "+44 (0)20 7946 0958"), ("Handy 0162/1234567", "0162/1234567"), ("móvil +34 612 345 678", "+34 612 345 678"),
        ("llámame 612 34 56 78", "612 34 56 78"), ("tél. 06 12 34 56 78", "06 12 34 56 78"), ("cell 347 123 4567", "347 123 4567"),
        ("ring 0049 30 1234567", "0049 30 1234567"), ("mob 07700 900123", "07700 900123"),
        ("call me at +\u{200B}49 151 2345\u{00AD}6789", "+\u{200B}49 151 2345\u{00AD}6789"),
        ("ring me on +49 176 49052857 — 2025-07-11", "+49 176 49052857"),
    ])
    func phonesAsWritten(_ text: String, _ value: String) {
        #expect(found(text) == [finding("PHONE_NUMBER", value)])
    }

    @Test func emailWithInvisibleCharacters() {
        #expect(found("mail: ana\u{200B}.lopez@exa\u{00AD}mple.com") == [finding("EMAIL_ADDRESS", "ana\u{200B}.lopez@exa\u{00AD}mple.com")])
    }

    @Test(arguments: [
        ("mail ana.lopez [at] example [dot] com pls", "ana.lopez [at] example [dot] com"), ("ana(at)example.com", "ana(at)example.com"),
        ("write to ana at example dot co dot uk", "ana at example dot co dot uk"), ("j.doe {at} mail {dot} de", "j.doe {at} mail {dot} de"),
    ])
    func spelledEmails(_ text: String, _ value: String) {
        #expect(found(text) == [finding("EMAIL_ADDRESS", value)])
    }

    @Test(arguments: ["look at example.com today", "meet at 5, at the office", "we are at home dot then"])
    func spelledEmailLookAlikesStay(_ text: String) {
        #expect(found(text) == [])
    }

    @Test(arguments: [
        ("DOB 19620321", "19620321"), ("geb. 21031962", "21031962"), ("born 20APR1939", "20APR1939"), ("geboren am 5. März 1980", "5. März 1980"),
        ("né le 3 février 1975", "3 février 1975"), ("nacido el 5 de marzo de 1980", "5 de marzo de 1980"),
        ("nato il 12 gennaio 1970", "12 gennaio 1970"),
        ("geboortedatum 12 maart 1980", "12 maart 1980"), ("urodzony 15 marca 1980", "15 marca 1980"), ("född 3 maj 1985", "3 maj 1985"),
        ("21.03.1962 is her date of birth", "21.03.1962"), ("birthdate: 04.10\u{200C}.1993", "04.10\u{200C}.1993"),
    ])
    func datesOfBirthAsWritten(_ text: String, _ value: String) {
        #expect(found(text) == [finding("DATE_OF_BIRTH", value)])
    }

    @Test(arguments: ["1962-03-21", "21MAR1962", "21 marzo 1962", "21 March 1962"])
    func dateOfBirthInARecordRow(_ date: String) {
        let text = "Ana Duarte | \(date) | +39 333 1234567"
        #expect(found(text).filter { $0.type != "PERSON" } == [finding("DATE_OF_BIRTH", date), finding("PHONE_NUMBER", "+39 333 1234567")])
    }

    @Test(arguments: [("fecha de nac. 19460612", "19460612"), ("fecha de nac. (25AUG1938) ok", "25AUG1938")])
    func abbreviatedBirthCues(_ text: String, _ value: String) {
        #expect(found(text) == [finding("DATE_OF_BIRTH", value)])
    }

    @Test func aWrittenDateInARowWithoutANameStays() {
        #expect(found("Call | 21 March 2025 | room 4").isEmpty)
    }

    @Test(arguments: [
        ("passport no. X1234567", "X1234567"), ("PPT# 123456789", "123456789"), ("Reisepass C01X00T47", "C01X00T47"),
        ("pasaporte AB1234567", "AB1234567"), ("X1234567 is my passport no", "X1234567"), ("DNI 12345678Z", "12345678Z"),
        ("mi NIE es X1234567L", "X1234567L"), ("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"), ("BSN 111222333", "111222333"),
        ("NINO QQ 12 34 56 C", "QQ 12 34 56 C"), ("AB 12 34 56 C (NI number)", "AB 12 34 56 C"), ("Personalausweis L01X00T47", "L01X00T47"),
    ])
    func identityDocumentsAsWritten(_ text: String, _ value: String) {
        #expect(found(text) == [finding("PASSPORT", value)])
    }

    @Test(arguments: [
        "order 4111 1111 1111 1112", "ISIN US0378331005", "CUSIP 037833100", "UPS 1Z999AA10123456784", "fedex 123456789012", "v1.2.3.4",
        "2024-03-21T10:00:00Z", "price $1,234.56", "zip 94105-1234", "ticket INC0012345", "amount 1.234.567,89 EUR", "meeting on 21.03.2025",
        "trade date 2025-03-21", "deadline 21 March 2025", "notional 12 345 678", "order number 12345678",
        "tracking 9400 1000 0000 0000 0000 00", "client app version 5.1.92.163, also can we push the call 15 min?",
        "batch id 1639051931, also passport no. pending",
        "mailing zip 65407-2135 - reach me later",
    ])
    func hardNegativesStay(_ text: String) {
        #expect(found(text) == [])
    }

    /// The mask covers the value as written: no digit survives, invisible characters and all.
    @Test func maskCoversInvisibleCharactersInside() {
        let redactor = Redactor(policy: .default, secret: [1])
        let outcome = redactor.redact("card 4111\u{200B}1111\u{200B}1111\u{200B}1111 ok")
        #expect(outcome.text == "card ••••\u{200B}••••\u{200B}••••\u{200B}1111 ok")
        let wide = redactor.redact("card \u{FF14}\u{FF11}\u{FF11}\u{FF11} 1111 1111 1111")
        #expect(wide.text == "card •••• •••• •••• 1111")
    }
}
