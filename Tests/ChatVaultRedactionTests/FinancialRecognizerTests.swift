import Testing

struct CardRecognizerTests {
    @Test(arguments: [
        "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5555555555554444", "2223 0000 4840 0011",
        "3782 822463 10005", "6011111111111117", "3530111333300000",
    ])
    func findsValidCards(_ card: String) {
        #expect(found("pls charge \(card) today") == [finding("CREDIT_CARD", card)])
    }

    @Test func findsCardBeforeExpiryDate() {
        #expect(found("card 4111 1111 1111 1111 12/27") == [finding("CREDIT_CARD", "4111 1111 1111 1111")])
    }

    @Test(arguments: [
        "4111 1111 1111 1112",  // Luhn fails
        "492-2400311-1872569",  // order number, Visa prefix but wrong grouping
        "9400 8752 5680 6562 5904 59",  // tracking number
        "1234567812345670",  // passes Luhn, no brand starts with 1
    ])
    func ignoresNumbersThatAreNotCards(_ number: String) {
        #expect(found("ref \(number) in the recon file") == [])
    }
}

struct SSNRecognizerTests {
    @Test func findsDashedSSNWithoutCue() {
        #expect(found("it's 123-45-6789 I think") == [finding("US_SSN", "123-45-6789")])
    }

    @Test(arguments: ["ssn 123456789", "SS# 123456789", "social security no. 123456789", "tin/ssn on file: 123456789"])
    func findsBareNineDigitsAfterCue(_ text: String) {
        #expect(found(text) == [finding("US_SSN", "123456789")])
    }

    @Test(arguments: ["000-12-3456", "666-12-3456", "900-12-3456", "987-65-4321", "123-00-4567", "123-45-0000"])
    func rejectsImpossibleNumbers(_ number: String) {
        #expect(found("ssn \(number)") == [])
    }

    @Test(arguments: ["order 123456789 shipped", "CUSIP 037833100 is the new issue", "zip 12345-6789"])
    func ignoresNineDigitsWithoutCue(_ text: String) {
        #expect(found(text) == [])
    }
}

struct IBANRecognizerTests {
    @Test(arguments: ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00", "CH93 0076 2011 6238 5295 7"])
    func findsValidIBANs(_ iban: String) {
        #expect(found("send it to \(iban) pls") == [finding("IBAN", iban)])
    }

    @Test(arguments: ["GB82 WEST 1234 5698 7654 33", "DE89 3704 0044 0532 0130 0", "US0378331005"])
    func rejectsWrongChecksumLengthOrCountry(_ text: String) {
        #expect(found("ref \(text)") == [])
    }
}

struct CuedNumberTests {
    @Test(arguments: ["acct # 12345678", "my account number is 12345678", "Kontonummer: 12345678", "deposit into checking account 12345678"])
    func findsAccountNumbersAfterCue(_ text: String) {
        #expect(found(text) == [finding("BANK_ACCOUNT", "12345678")])
    }

    @Test(arguments: ["order 12345678 shipped", "support case 12345678 still open", "the account is up $12,345,678 today"])
    func ignoresNumbersWithoutAccountCue(_ text: String) {
        #expect(found(text) == [])
    }

    @Test(arguments: ["passport no. X1234567", "Passport# 123456789", "Reisepass C01X00T47", "her passport number is K00038960, expires soon"])
    func findsPassportsAfterCue(_ text: String) {
        #expect(found(text).map(\.type) == ["PASSPORT"])
    }

    @Test func ignoresIdentifiersWithoutPassportCue() {
        #expect(found("tracking # 1ZT58KFZ5298940626 and ticket RITM8034286") == [])
    }
}
