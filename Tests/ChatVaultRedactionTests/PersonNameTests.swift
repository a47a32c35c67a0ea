import Foundation
import PropertyBased
import Testing

@testable import ChatVaultRedaction

/// Names with no cue, found from the gazetteer, their shape and their neighbours; and the
/// capitalised words that are not people.
struct PersonNameTests {
    static func persons(_ text: String, _ redactor: Redactor = Redactor(policy: .default, secret: Array("names".utf8))) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return redactor.redact(text).originalSpans.filter { $0.type == "PERSON" }.map { span in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[span.start..<span.end])
            return String(view)
        }
    }

    @Test(arguments: [
        ("Maria Rossi called about her card", ["Maria Rossi"]),
        ("need the forms for Maria Rossi by friday", ["Maria Rossi"]),
        ("pt maria lopez arrived at 9", ["maria lopez"]),
        ("cust Debra wants a callback", ["Debra"]),
        ("spoke to john smith this morning", ["john smith"]),
        ("Rossi, Maria | 0161 496 0000 | Leeds", ["Rossi, Maria"]),
        ("Rossi's account is frozen", ["Rossi"]),
        ("Rossi at Lazard sent the deck", ["Rossi"]),
        ("meeting with Jean-Luc van der Berg at noon", ["Jean-Luc van der Berg"]),
        ("Sean O'Brien signed the form", ["Sean O'Brien"]),
        ("Brian McDonald is out today", ["Brian McDonald"]),
        ("also Debra said the client is unhappy", ["Debra"]),
        ("Dawn Porter is out today", ["Dawn Porter"]),
        ("Иван Петров звонил вчера", ["Иван Петров"]),
        ("ο Γιώργος Παπαδόπουλος τηλεφώνησε", ["Γιώργος Παπαδόπουλος"]),
        ("اتصل محمد علي اليوم", ["محمد علي"]),
        ("请联系王伟先生", ["王伟"]),
        ("佐藤 健 さんから電話", ["佐藤 健"]),
    ])
    func findsNamesWithoutATitle(_ text: String, _ names: [String]) {
        #expect(Self.persons(text) == names)
    }

    @Test(arguments: [
        "Grant Park is closed for the marathon", "May will be busy", "Will Price rise after the print?", "flying to Paris next week",
        "traffic in North Susan again", "Tesla earnings beat", "Holmes, Anderson and Calderon wants a revised quote",
        "Merritt-Manning wants a revised quote", "Morgan Stanley downgraded AAPL", "heard Robert W. Baird is hiring", "let's meet Monday",
        "the New York office is closed", "Peterson and Sons sent the invoice", "wire to IBAN DE89 3704 0044 0532 0130 00", "client app crashed",
        "Jordan Capital is the lead", "see you in Austin", "Great Work everyone", "Happy Friday", "Mark the date", "San Francisco is foggy",
        "we use Jira and Confluence", "Call me later", "Thanks all", "The Campbell, Tyler and Parker deal is closing",
    ])
    func leavesPlacesFirmsAndWords(_ text: String) {
        #expect(Self.persons(text) == [])
    }

    @Test func gazetteerKnowsNamesOfManyScripts() {
        let gazetteer = NameGazetteer.shared
        #expect(gazetteer.count > 100_000)
        for name in ["maria", "иван", "γιωργος", "محمد", "王", "佐藤", "rossi", "smith", "петров"] {
            #expect(gazetteer.kind(of: name).isName, "\(name)")
        }
        #expect(gazetteer.kind(of: "may").contains(.common))
        #expect(gazetteer.kind(of: "jordan").contains(.place))
        #expect(gazetteer.kind(of: "smith").contains(.frequentSurname))
    }

    @Test func aBrandThatIsAGivenNameBeforeASurnameIsAPerson() {
        let redactor = Redactor(policy: .default, secret: Array("names".utf8))
        #expect(redactor.redact("Chanel Buckwalter's account is frozen").text == "[REDACTED:PERSON]'s account is frozen")
        #expect(redactor.redact("Chanel bags are up 4% today").redactions.isEmpty)
    }

    /// Any frequent given name and surname of the gazetteer (not everyday words, not places,
    /// not a word the recognizer holds to be a brand, part of a firm's name, a company suffix or a
    /// particle, not two letters), in any of these sentences, is masked whole.
    @Test func gazetteerNamesAreMaskedWhole() async {
        let gazetteer = NameGazetteer.shared
        let firmWords = Set(FirmNames.firms.flatMap { $0 })
        func usable(_ word: String) -> Bool {
            word.count >= 3 && !firmWords.contains(word) && word.allSatisfy(\.isASCII) && !FirmNames.products.contains(word)
                && !FirmNames.notNames.contains(word)
                && !FirmNames.companySuffixes.contains(word) && !NameWords.particles.contains(word)
        }
        let given = gazetteer.words(matching: [.frequentGiven], excluding: [.common, .place, .surname]).filter(usable)
        let surnames = gazetteer.words(matching: [.frequentSurname], excluding: [.common, .place, .given]).filter(usable)
        let templates = [
            "%@ called about the transfer", "please send it to %@ today", "the file for %@ is ready", "cust %@ wants a callback",
            "spoke to %@ this morning", "%@'s account is frozen", "ok, %@ will sign tomorrow", "pt %@ arrived",
        ]
        let redactor = Redactor(policy: .default, secret: Array("names".utf8))
        await propertyCheck(count: 400, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let first = given[Int(random.next() % UInt64(given.count))].capitalized
            let last = surnames[Int(random.next() % UInt64(surnames.count))].capitalized
            let name = first + " " + last
            let template = templates[Int(random.next() % UInt64(templates.count))]
            let parts = template.components(separatedBy: "%@")
            let text = parts[0] + name + parts[1]
            let start = parts[0].unicodeScalars.count
            let outcome = redactor.redact(text)
            let covered = Set(outcome.originalSpans.flatMap { Array($0.start..<$0.end) })
            let leaked = (start..<start + name.unicodeScalars.count).filter { !covered.contains($0) && text.unicodeScalars.map(\.self)[$0] != " " }
            #expect(leaked.isEmpty, "\(text): \(outcome.text)")
        }
    }
}
