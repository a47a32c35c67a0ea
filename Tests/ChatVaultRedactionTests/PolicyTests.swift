import ChatVaultRedaction
import Testing

struct PolicyTests {
    @Test func loadsAFullPolicy() throws {
        let yaml = """
            version: 1
            cue_window: 2
            recognizers:
              credit_card: { operator: mask, keep: 2 }
              us_ssn: hash
              person: off
            keywords:
              - id: falcon
                type: PROJECT
                operator: replace
                label: "[PROJECT]"
                phrases: ["project falcon", "falc*"]
            allow:
              - "+1 212 555 0100"
            overrides:
              - platform: slack
                recognizers: { phone_number: off }
              - conversation: C42
                keywords: { falcon: drop }
            """
        let policy = try RedactionPolicy.load(yaml: yaml, source: "policy.yaml")
        #expect(policy.cueWindow == 2)
        #expect(policy.recognizers[.creditCard] == RecognizerSetting(operator: .mask(keep: 2)))
        #expect(policy.recognizers[.usSSN]?.operator == .hash)
        #expect(policy.recognizers[.person]?.enabled == false)
        #expect(policy.keywordLists.first?.type == "PROJECT")
        #expect(found("Project Falcon", policy: policy) == [finding("PROJECT", "Project Falcon")])
        let redactor = Redactor(policy: policy, secret: [])
        #expect(redactor.redact("re project falcon").text == "re [PROJECT]")
        #expect(redactor.redact("re project falcon", conversation: "C42").dropMessage)
    }

    @Test(arguments: [
        ("version: 1\nrecognizers:\n  credit_crad: off\n", 3, "unknown recognizer 'credit_crad'"),
        ("recognizers:\n  iban:\n    operator: scramble\n", 3, "unknown operator 'scramble'"),
        ("recognizers:\n  iban: { operator: hash, keep: 2 }\n", 2, "'keep' only applies to the mask operator"),
        ("keywords:\n  - id: a\n    phrases: [x]\n  - id: a\n    phrases: [y]\n", 4, "used twice"),
        ("overrides:\n  - platform: slack\n    keywords: { nope: off }\n", 2, "keyword list 'nope'"),
        ("colour: red\n", 1, "unknown key 'colour'"),
        ("recognizers:\n  iban: [unclosed\n", 3, "not valid YAML"),
        ("keywords:\n  - phrases: [x]\n", 2, "needs an id"),
        ("overrides:\n  - recognizers: { iban: off }\n", 2, "needs a platform"),
    ])
    func errorsNameTheLine(_ yaml: String, _ line: Int, _ reason: String) {
        #expect {
            try RedactionPolicy.load(yaml: yaml, source: "p.yaml")
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.line == line && error.reason.contains(reason) && error.description.hasPrefix("p.yaml:\(line): ")
        }
    }

    @Test func emptyFileIsTheDefault() throws {
        #expect(try RedactionPolicy.load(yaml: "", source: "p.yaml") == .default)
    }
}

struct OverrideAndAllowListTests {
    @Test func platformAndConversationOverridesApplyInOrder() {
        var policy = RedactionPolicy.default
        policy.overrides = [
            PolicyOverride(platform: "slack", recognizers: [.phoneNumber: .init(enabled: false)]),
            PolicyOverride(platform: "slack", conversation: "C1", recognizers: [.phoneNumber: .init(enabled: true, operator: .hash)]),
        ]
        let redactor = Redactor(policy: policy, secret: [])
        let text = "call 415-555-0132"
        #expect(redactor.redact(text).text == "call [REDACTED:PHONE_NUMBER]")
        #expect(redactor.redact(text, platform: "Slack").text == text)
        #expect(redactor.redact(text, platform: "slack", conversation: "C1").text.hasPrefix("call [HASH:PHONE_NUMBER:"))
        #expect(redactor.redact(text, platform: "teams", conversation: "C1").text == "call [REDACTED:PHONE_NUMBER]")
    }

    @Test func allowListedValuesStay() {
        var policy = RedactionPolicy.default
        policy.allow = ["+1 (212) 555-0100", "Support@Example.com"]
        let text = "call 212.555.0100 or support@example.com, not 415-555-0132"
        #expect(found(text, policy: policy) == [finding("PHONE_NUMBER", "415-555-0132")])
    }
}
