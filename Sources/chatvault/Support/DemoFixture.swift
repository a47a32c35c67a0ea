import ChatVaultServer

/// The conversations `chatvault demo` archives: a trading desk channel, a chat with an
/// external client, a WhatsApp group, and IT support — with an edit, a deletion, a
/// reply thread, reactions, a file, a word hidden with zero-width spaces, and a client
/// typing a card number, an SSN and a private email (redacted before storage).
enum DemoFixture {
    static let internalDomains = ["northbank.example"]

    /// Console accounts of the demo (the password is printed by `chatvault demo`).
    static let password = "chatvault-demo"
    static let users: [(String, Role, [String])] = [
        ("officer", .officer, []), ("auditor", .auditor, []), ("reviewer", .reviewer, ["trading"]), ("admin", .admin, []),
    ]

    /// The demo's policy: default redaction plus IM-use rules that fire on the bundled chats.
    static let policy = """
        version: 1
        company_domains: [northbank.example]
        lexicons:
          guarantees: ["guarant*", "risk free", "can't lose"]
          offchannel: ["text me", "my cell", "whatsapp me", "off the record"]
          secrecy: ["delete after reading", "keep this between us"]
        rules:
          - name: guarantees
            description: Promising returns to a customer
            severity: high
            match: "@guarantees"
          - name: off-channel
            description: Moving a conversation to an unrecorded channel
            severity: high
            match: "@offchannel"
          - name: secrecy
            description: Asking for messages to be destroyed
            severity: critical
            match: "@secrecy"
        walls:
          - { name: research-trading, between: [research, trading], severity: critical }

        """

    /// The demo's directory of people and their groups.
    static let directory = """
        [
          {"employee_id": "E1", "name": "Dan Okafor", "emails": ["dan.okafor@northbank.example"], "handles": {"whatsapp": ["+4915100000001"]}, "department": "trading", "groups": ["trading"]},
          {"employee_id": "E2", "name": "Mia Chen", "emails": ["mia.chen@northbank.example"], "handles": {}, "department": "sales", "groups": ["sales", "trading"]},
          {"employee_id": "E3", "name": "Raj Patel", "emails": ["raj.patel@northbank.example"], "handles": {}, "department": "research", "groups": ["research"]},
          {"employee_id": "E4", "name": "IT Helpdesk", "emails": ["helpdesk@northbank.example"], "handles": {}, "department": "it", "groups": ["it"]}
        ]

        """

    static let jsonl = #"""
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709283600.000100","sender":{"id":"dan.okafor@northbank.example","name":"Dan Okafor"},"sent_at":"2024-03-01T09:00:00Z","text":"Morning all. Rates desk is quiet, watching the 10y."}
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709283720.000200","sender":{"id":"mia.chen@northbank.example","name":"Mia Chen"},"sent_at":"2024-03-01T09:02:00Z","text":"Client Acme wants to roll their EUR position before the ECB meeting.","reactions":[{"emoji":"👍","by":["dan.okafor@northbank.example"]}]}
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709283900.000300","sender":{"id":"dan.okafor@northbank.example","name":"Dan Okafor"},"sent_at":"2024-03-01T09:05:00Z","text":"Tell them the return is guaranteed if they stay in until June.","edited_from":["Tell them returns look strong if they stay in until June."]}
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709284020.000400","sender":{"id":"mia.chen@northbank.example","name":"Mia Chen"},"sent_at":"2024-03-01T09:07:00Z","text":"We can't say guaranteed. I'll word it as expected.","reply_to":"1709283900.000300","thread":"1709283900.000300"}
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709284200.000500","sender":{"id":"raj.patel@northbank.example","name":"Raj Patel"},"sent_at":"2024-03-01T09:10:00Z","text":"Lunch at 12:30? Booking for four."}
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709284500.000600","sender":{"id":"dan.okafor@northbank.example","name":"Dan Okafor"},"sent_at":"2024-03-01T09:15:00Z","text":"Let's take the rest of this offline, text me on my cell.","deleted":true}
        {"platform":"slack","conversation":"C01TRADE","conversation_name":"#trading-desk","conversation_kind":"channel","id":"1709287200.000700","sender":{"id":"mia.chen@northbank.example","name":"Mia Chen"},"sent_at":"2024-03-01T10:00:00Z","text":"Uploaded the Q1 desk report.","attachments":[{"name":"q1-desk-report.pdf","sha256":"9f2c4e1b0a6d7c3e5f8a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60","size":48213,"media_type":"application/pdf"}]}
        {"platform":"slack","conversation":"C01TRADE","id":"1709287500.000800","kind":"edit","target":"1709284200.000500","sender":{"id":"raj.patel@northbank.example","name":"Raj Patel"},"sent_at":"2024-03-01T10:05:00Z","text":"Lunch at 13:00? Booking for four."}
        {"platform":"teams","conversation":"chat-acme-1","conversation_name":"Acme Treasury / Northbank","conversation_kind":"direct","id":"1709290800001","sender":{"id":"j.miller@acme-corp.example","name":"Jo Miller (Acme)"},"recipients":[{"id":"mia.chen@northbank.example","name":"Mia Chen"}],"sent_at":"2024-03-01T11:00:00Z","text":"Hi Mia, can you confirm the wire transfer for the EUR roll went out?"}
        {"platform":"teams","conversation":"chat-acme-1","conversation_name":"Acme Treasury / Northbank","conversation_kind":"direct","id":"1709291100002","sender":{"id":"mia.chen@northbank.example","name":"Mia Chen"},"recipients":[{"id":"j.miller@acme-corp.example","name":"Jo Miller (Acme)"}],"sent_at":"2024-03-01T11:05:00Z","text":"Confirmed, the wire transfer settled at 10:58 CET. Reference NB-2024-0301-17."}
        {"platform":"teams","conversation":"chat-acme-1","conversation_name":"Acme Treasury / Northbank","conversation_kind":"direct","id":"1709291400003","sender":{"id":"j.miller@acme-corp.example","name":"Jo Miller (Acme)"},"recipients":[{"id":"mia.chen@northbank.example","name":"Mia Chen"}],"sent_at":"2024-03-01T11:10:00Z","text":"Great. Also — is Dan right that the return is guaranteed?"}
        {"platform":"teams","conversation":"chat-acme-1","conversation_name":"Acme Treasury / Northbank","conversation_kind":"direct","id":"1709291700004","sender":{"id":"mia.chen@northbank.example","name":"Mia Chen"},"recipients":[{"id":"j.miller@acme-corp.example","name":"Jo Miller (Acme)"}],"sent_at":"2024-03-01T11:15:00Z","text":"No returns are guaranteed; I'll send our written outlook by email.","reactions":[{"emoji":"🙏","by":["j.miller@acme-corp.example"]}]}
        {"platform":"teams","conversation":"chat-acme-1","conversation_name":"Acme Treasury / Northbank","conversation_kind":"direct","id":"1709291730006","sender":{"id":"j.miller@acme-corp.example","name":"Jo Miller (Acme)"},"recipients":[{"id":"mia.chen@northbank.example","name":"Mia Chen"}],"sent_at":"2024-03-01T11:15:30Z","text":"For the fee refund just use my card 4111 1111 1111 1111, SSN 123-45-6789 if your form needs it, or mail jo.miller.home@gmail.com"}
        {"platform":"teams","conversation":"chat-acme-1","id":"1709291760005","kind":"reaction","target":"1709291700004","sender":{"id":"j.miller@acme-corp.example","name":"Jo Miller (Acme)"},"sent_at":"2024-03-01T11:16:00Z","text":"🙏"}
        {"platform":"whatsapp","conversation":"+4915100000000-group","conversation_name":"Deal team (personal phones)","conversation_kind":"group","id":"wa-0001","sender":{"id":"+4915100000001","name":"Dan Okafor"},"sent_at":"2024-03-02T19:30:00Z","text":"Moving this here so it stays off the record 😉"}
        {"platform":"whatsapp","conversation":"+4915100000000-group","conversation_name":"Deal team (personal phones)","conversation_kind":"group","id":"wa-0002","sender":{"id":"+4915100000002","name":"Lee (Broker)"},"sent_at":"2024-03-02T19:32:00Z","text":"Understood. Numbers for Monday:\nAcme roll 25m\nBeta swap 10m"}
        {"platform":"whatsapp","conversation":"+4915100000000-group","conversation_name":"Deal team (personal phones)","conversation_kind":"group","id":"wa-0003","sender":{"id":"+4915100000001","name":"Dan Okafor"},"sent_at":"2024-03-02T19:35:00Z","text":"Perfect. Delete after reading."}
        {"platform":"whatsapp","conversation":"+4915100000000-group","id":"wa-0004","kind":"delete","target":"wa-0003","sender":{"id":"+4915100000001","name":"Dan Okafor"},"sent_at":"2024-03-02T19:40:00Z","text":""}
        {"platform":"slack","conversation":"D02HELP","conversation_name":"IT support","conversation_kind":"direct","id":"1709370000.000100","sender":{"id":"raj.patel@northbank.example","name":"Raj Patel"},"recipients":[{"id":"helpdesk@northbank.example","name":"IT Helpdesk"}],"sent_at":"2024-03-02T09:00:00Z","text":"I'm locked out. My p\u200Ba\u200Bs\u200Bs\u200Bw\u200Bo\u200Br\u200Bd expired over the weekend."}
        {"platform":"slack","conversation":"D02HELP","conversation_name":"IT support","conversation_kind":"direct","id":"1709370300.000200","sender":{"id":"helpdesk@northbank.example","name":"IT Helpdesk"},"recipients":[{"id":"raj.patel@northbank.example","name":"Raj Patel"}],"sent_at":"2024-03-02T09:05:00Z","text":"Reset link sent to your work email. Never share your password in chat."}
        {"platform":"slack","conversation":"D02HELP","conversation_name":"IT support","conversation_kind":"direct","id":"1709370600.000300","sender":{"id":"raj.patel@northbank.example","name":"Raj Patel"},"recipients":[{"id":"helpdesk@northbank.example","name":"IT Helpdesk"}],"sent_at":"2024-03-02T09:10:00Z","text":"Ｗｏｒｋｓ now, thanks! Café's on me."}
        """#
}
