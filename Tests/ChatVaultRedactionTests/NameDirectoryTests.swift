import ChatVaultRedaction
import Testing

/// The firm's own people (directory, workspace members) keep their names; everyone else's
/// are redacted; `redact_known_people: true` redacts both.
struct NameDirectoryTests {
    static let text = "ask @Dana Whitfield and Maria Rossi about the Rossi account; Dana says Maria Rossi called"

    @Test func knownPersonStaysStrangerIsRedacted() {
        var redactor = Redactor(policy: .default, secret: Array("k".utf8))
        redactor.knownPeople = KnownPeople(names: ["Dana Whitfield"], handles: ["dwhitfield"])
        let outcome = redactor.redact(Self.text)
        #expect(outcome.text.contains("@Dana Whitfield"))
        #expect(outcome.text.contains("Dana says"))
        #expect(!outcome.text.contains("Maria"))
    }

    @Test func withoutKnownPeopleBothAreRedacted() {
        let outcome = Redactor(policy: .default, secret: Array("k".utf8)).redact(Self.text)
        #expect(!outcome.text.contains("Whitfield"))
        #expect(!outcome.text.contains("Maria"))
    }

    @Test func policySwitchRedactsKnownPeopleToo() throws {
        let policy = try RedactionPolicy.load(yaml: "redact_known_people: true\n", source: "policy.yaml")
        #expect(policy.redactKnownPeople)
        var redactor = Redactor(policy: policy, secret: Array("k".utf8))
        redactor.knownPeople = KnownPeople(names: ["Dana Whitfield"])
        let outcome = redactor.redact(Self.text)
        #expect(!outcome.text.contains("Whitfield"))
        #expect(!outcome.text.contains("Maria"))
    }

    @Test func switchMustBeABoolean() {
        #expect(throws: (any Error).self) { try RedactionPolicy.load(yaml: "redact_known_people: maybe\n", source: "policy.yaml") }
    }

    @Test func aKnownFirstNameDoesNotCoverAStrangersFullName() {
        var redactor = Redactor(policy: .default, secret: Array("k".utf8))
        redactor.knownPeople = KnownPeople(names: ["Maria Conti"])
        let outcome = redactor.redact("Maria Rossi called; Maria Conti took it")
        #expect(outcome.text.hasPrefix("[REDACTED:PERSON] called"))
        #expect(outcome.text.hasSuffix("Maria Conti took it"))
    }

    @Test func handlesMatchAsWholeNames() {
        var redactor = Redactor(policy: .default, secret: Array("k".utf8))
        redactor.knownPeople = KnownPeople(names: [], handles: ["dana.whitfield"])
        #expect(redactor.redact("hi @dana.whitfield").text == "hi @dana.whitfield")
        #expect(redactor.redact("ping Dana Whitfield").text == "ping Dana Whitfield")
    }
}
