/// The representative IM-use policy `chatvault-bench policy` evaluates (and writes with
/// `--write-policy` for `chatvault-bench archive --policy`): lexicon rules in the shapes
/// compliance teams write, metadata conditions (after hours, groups, external, platform,
/// days, length), two ethical walls, approved contacts, personal use and sampling, over a
/// directory of the corpus's senders.
enum PolicyBenchPolicy {
    /// Departments handed out to the corpus's people in turn; the walls and group
    /// conditions name the first six.
    static let departments = ["research", "trading", "wealth", "sales", "legal", "bizdev", "operations", "engineering", "support", "finance"]

    /// The policy as YAML, with a directory entry for each of `people` (handles on every
    /// platform of the corpus, an address at the company's domain).
    static func yaml(people: [String]) -> String {
        var text = """
            company_domains: [bank.example]
            time_zone: America/New_York
            hours: { days: [mon, tue, wed, thu, fri], time: "08:00-18:00" }

            lexicons:
              guarantees: ["guarant*", "risk free", "can't lose", "sure thing", "no risk"]
              offchannel: ["text me", "whatsapp me", "my cell", "signal me", "personal email", "call my mobile"]
              personal: ["vacation*", "holiday", "happy hour", "lunch", "weekend", "tonight", "sick", "pto"]
              confidential: ["insider information", "non disclosure agreement", "delete this message", "wire transfer", "due diligence"]
              deals: ["deal*", "pricing", "discount", "quote", "revenue", "forecast*", "pipeline"]
              secrets: ["password*", "login", "credential*", "access token"]

            disclaimers:
              - "Past performance does not guarantee future results"

            rules:
              - name: guarantees
                severity: high
                match: "@guarantees NEAR/4 (return* OR profit* OR revenue)"
              - name: off-channel
                severity: high
                action: block
                match: "@offchannel"
                when: { external: true }
                tip: "Keep client conversations on approved channels."
              - name: confidential
                severity: high
                match: "@confidential"
              - name: delete-evidence
                severity: critical
                match: "\\"delete this message\\" OR (delete* NEAR/3 (chat OR messages OR thread))"
              - name: deals-after-hours
                severity: medium
                match: "@deals"
                when: { after_hours: true, sender_group: [trading, sales] }
              - name: late-trading
                severity: low
                match: "buy OR sell OR order*"
                when: { after_hours: true, sender_group: [trading] }
              - name: research-to-sales
                severity: medium
                match: "report* AND (numbers OR forecast* OR margin)"
                when: { sender_group: [research], recipient_group: [sales, trading] }
              - name: weekend-approval
                severity: low
                match: "approv* OR signed"
                when: { days: [sat, sun] }
              - name: secrets-on-consumer-apps
                severity: high
                action: warn
                match: "@secrets"
                when: { platform: [whatsapp, telegram, signal, imessage] }
              - name: hiring-in-direct
                severity: low
                match: "offer ONEAR/5 candidate*"
                when: { conversation: [direct] }
              - name: wire-to-external
                severity: high
                match: "wire* NEAR/3 (transfer OR account OR payment)"
                when: { external: true }
              - name: night-direct
                severity: low
                match: "urgent OR asap"
                when: { time: "22:00-06:00", conversation: [direct] }
              - name: long-after-hours
                severity: low
                when: { after_hours: true, min_length: 280 }
              - name: legal-pressure
                severity: medium
                match: "legal AND NOT (review OR approved)"
                when: { sender_group: [sales, bizdev] }

            walls:
              - { name: research-trading, between: [research, trading], severity: critical }
              - { name: legal-bizdev, between: [legal, bizdev], severity: high }

            approved_contacts:
              wealth: ["*@client.example", "ceo@partner.example"]
              sales: ["*@partner.example"]

            personal_use: { match: "@personal", daily_allowance: 3, severity: low }

            sampling: { rate: 0.02, groups: { trading: 0.10 } }

            directory:

            """
        let platforms = ["slack", "teams", "whatsapp", "telegram", "imessage", "signal", "webex"]
        for (index, person) in people.enumerated() {
            let department = departments[index % departments.count]
            let handles = platforms.map { "\($0): [\(person)]" }.joined(separator: ", ")
            text +=
                "  - { employee_id: E\(index), name: \(person), emails: [\(person)@bank.example], handles: { \(handles) }, department: \(department) }\n"
        }
        return text
    }

    /// The handle a corpus sender appears under in the policy bench: one person in eight
    /// is outside the company (a client, a partner or another firm), the rest as written.
    static func handle(_ sender: String, index: Int) -> String? {
        switch index % 24 {
        case 7: "\(sender)@client.example"
        case 15: "\(sender)@partner.example"
        case 23: "\(sender)@other.example"
        default: nil
        }
    }
}
