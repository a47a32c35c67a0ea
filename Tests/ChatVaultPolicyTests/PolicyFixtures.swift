import ChatVaultCore

@testable import ChatVaultPolicy

enum PolicyFixtures {
    static func message(
        _ id: String, _ text: String, from sender: String, to recipients: [String] = [], in conversation: String = "c1",
        at time: String = "2024-03-05T15:00:00Z", platform: String = "slack", attachments: [Attachment] = []
    ) -> Message {
        Message(
            platform: platform, conversation: conversation, sourceID: id, sender: Handle(id: sender), recipients: recipients.map { Handle(id: $0) },
            sentAt: Timestamp(iso8601: time)!, text: text, attachments: attachments)
    }

    static let directory = Directory(people: [
        DirectoryPerson(employeeID: "E1", name: "Rita Research", emails: ["rita@bank.example"], handles: ["slack": ["U1"]], department: "research"),
        DirectoryPerson(employeeID: "E2", name: "Tom Trader", emails: ["tom@bank.example"], handles: ["slack": ["U2"]], groups: ["trading"]),
        DirectoryPerson(employeeID: "E3", name: "Wendy Wealth", emails: ["wendy@bank.example"], handles: ["slack": ["U3"]], groups: ["wealth"]),
        DirectoryPerson(employeeID: "E4", name: "Olga Ops", emails: ["olga@bank.example"], handles: ["slack": ["U4"]], department: "operations"),
    ])

    static func evaluator(_ yaml: String, seed: UInt64 = 42) throws -> PolicyEvaluator {
        try PolicyEvaluator(policy: try UsePolicy.load(yaml: yaml, source: "policy.yaml"), directory: directory, seed: seed)
    }
}
