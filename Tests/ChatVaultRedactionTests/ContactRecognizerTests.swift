import Testing

struct PhoneRecognizerTests {
    @Test(arguments: [
        "+44 20 7946 0958", "+1-415-555-0132", "+49 30 1234567", "(415) 555-0132", "(415)555-0132", "415-555-0132", "415.555.0132",
        "1-415-555-0132", "020 7946 0958", "07700 900123", "030 12345678", "01 42 68 53 00",
    ])
    func findsFormattedNumbers(_ number: String) {
        #expect(found("reach me at \(number) tomorrow") == [finding("PHONE_NUMBER", number)])
    }

    @Test func includesExtension() {
        #expect(found("office 415-555-0132 ext. 204") == [finding("PHONE_NUMBER", "415-555-0132 ext. 204")])
    }

    @Test func findsBareDigitsOnlyWithCue() {
        #expect(found("cell: 4155550132") == [finding("PHONE_NUMBER", "4155550132")])
        #expect(found("batch 4155550132 done") == [])
    }

    @Test(arguments: [
        "log says 2024-03-29 04:43:24 ERROR", "event ts 1632764912", "zip 03933-3014", "tracking 0378 4233 9449", "price 396.48",
        "order SO-2025-47709", "qty 16,800", "git 1293 3213 4952", "done at 10:19 PM", "meet on 02/28/2025",
    ])
    func ignoresOtherNumbers(_ text: String) {
        #expect(found(text) == [])
    }
}

struct EmailAndIPTests {
    @Test func findsEmailWithoutTrailingFullStop() {
        #expect(found("mail jo.smith+kyc@north-bridge.co.uk.") == [finding("EMAIL_ADDRESS", "jo.smith+kyc@north-bridge.co.uk")])
    }

    @Test func ignoresMentionsAndHandles() {
        #expect(found("@dana pls approve, see user@localhost") == [])
    }

    @Test(arguments: ["10.2.3.4", "192.168.1.20", "2001:db8::8a2e:370:7334", "fe80:0:0:0:202:b3ff:fe1e:8329"])
    func findsAddresses(_ address: String) {
        #expect(found("login came from \(address), is that you?") == [finding("IP_ADDRESS", address)])
    }

    @Test(arguments: [
        "version 10.2.3.4", "build 4.5.7.180 fixes it", "v 1.2.3.4", "v1.2.3.4", "10.0.19500.3097", "at 10:19:22", "mac 00:1a:2b:3c:4d:5e",
        "256.1.1.1",
    ])
    func ignoresVersionsTimesAndMACs(_ text: String) {
        #expect(found(text) == [])
    }

    @Test func addressCueOutweighsVersionCue() {
        #expect(found("version host 10.2.3.4") == [finding("IP_ADDRESS", "10.2.3.4")])
    }
}

struct DateOfBirthTests {
    @Test(arguments: [
        ("DOB 12/02/1972", "12/02/1972"), ("d.o.b. March 9, 1990", "March 9, 1990"), ("date of birth: 1967-06-29", "1967-06-29"),
        ("Geburtsdatum: 09.03.1990", "09.03.1990"), ("fecha de nacimiento 9 marzo 1990", "9 marzo 1990"),
        ("she was born on 21 Mar 1962", "21 Mar 1962"),
        ("his birthday is 01-20-1987 so", "01-20-1987"),
    ])
    func findsDatesAfterBirthCue(_ text: String, _ date: String) {
        #expect(found(text) == [finding("DATE_OF_BIRTH", date)])
    }

    @Test(arguments: [
        "meeting moved to 02/28/2025", "job finished at 2024-09-07 17:14:42", "call on March 9, 2025", "DOB field is empty; meeting 03/04/2025",
    ])
    func ignoresDatesWithoutCue(_ text: String) {
        #expect(found(text) == [])
    }
}

struct PersonRecognizerTests {
    @Test(arguments: [
        ("my name is Ana Lopez", "Ana Lopez"), ("Mr. John Smith called", "John Smith"), ("Linda Jarvis's SSN is on file", "Linda Jarvis"),
    ])
    func findsNamesAfterCues(_ text: String, _ name: String) {
        #expect(found(text).filter { $0.type == "PERSON" } == [finding("PERSON", name)])
    }

    @Test(arguments: [
        "Morgan Stanley downgraded AAPL", "heard JP Morgan is hiring", "Raymond James is the counterparty", "Bernard LLC wants a quote",
        "TSLA looks heavy",
    ])
    func ignoresFirmsAndTickers(_ text: String) {
        #expect(found(text) == [])
    }
}
