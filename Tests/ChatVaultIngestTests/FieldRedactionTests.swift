import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultRedaction
import Crypto
import Foundation
import Testing

/// Every field of a message, not only its text, goes through the redactor before the archive.
@Suite struct FieldRedactionTests {
    static let secret = Array("field-redaction-test-secret".utf8)

    static func stage(_ yaml: String? = nil) throws -> RedactionStage {
        let policy = try yaml.map { try RedactionPolicy.load(yaml: $0, source: "policy.yaml") } ?? .default
        return RedactionStage(policy: policy, secret: secret)
    }

    static func sha256(_ bytes: [UInt8]) -> String { Array(SHA256.hash(data: bytes)).hexString }

    static func incoming(
        sender: Handle = Handle(id: "U024BE7LH", displayName: "Jo Miller"), recipients: [Handle] = [], conversation: String = "C1",
        name: String? = nil, attachments: [ChatVaultCore.Attachment] = [], contents: [String: [UInt8]] = [:], reactions: [Reaction] = []
    ) -> IncomingMessage {
        IncomingMessage(
            message: Message(
                platform: "slack", conversation: conversation, sourceID: "1", sender: sender, recipients: recipients,
                sentAt: Timestamp(microseconds: 1_700_000_000_000_000), text: "see attached", reactions: reactions, attachments: attachments),
            conversationName: name, origin: "test", contents: contents)
    }

    @Test func conversationNamesAndAttachmentNamesAreRedactedLikeText() throws {
        let result = try Self.stage().apply(
            to: Self.incoming(
                name: "refund for card 4111 1111 1111 1111",
                attachments: [ChatVaultCore.Attachment(name: "ssn 078-05-1120 scan.png", mediaType: "image/png")]))
        #expect(result.conversationName == "refund for card •••• •••• •••• 1111")
        #expect(result.message.attachments[0].name == "ssn [REDACTED:US_SSN] scan.png")
        #expect(result.message.redactions.map(\.field).sorted() == ["attachment.0.name", "conversation_name"])
        let name = try #require(result.message.redactions.first { $0.field == "conversation_name" })
        #expect(name.type == "CREDIT_CARD" && name.start == 16 && name.end == 35, "positions are in the stored name")
    }

    @Test func identitiesStayButValuesTypedIntoThemAreMasked() throws {
        let stage = try Self.stage()
        let result = stage.apply(
            to: Self.incoming(
                sender: Handle(id: "+1 415 555 0132", displayName: "Jo SSN 078-05-1120"),
                recipients: [
                    Handle(id: "jo.private@gmail.com", displayName: "Jo Private"), Handle(id: "card 4111111111111111", displayName: nil),
                    Handle(id: "80351110224678912", displayName: "4111111111111111"),
                ],
                reactions: [Reaction(emoji: "👍", by: ["pay 5500 0000 0000 0004"])]))
        let message = result.message
        #expect(message.sender.id == "+1 415 555 0132", "a phone number that is a WhatsApp handle is the identity")
        #expect(message.sender.displayName == "Jo SSN [REDACTED:US_SSN]")
        #expect(message.recipients[0] == Handle(id: "jo.private@gmail.com", displayName: "Jo Private"), "addresses and names identify")
        #expect(message.recipients[1].id == "card ••••••••••••1111")
        #expect(message.recipients[2].id == "80351110224678912", "a platform's numeric id is not a card")
        #expect(message.recipients[2].displayName == "••••••••••••1111")
        #expect(message.reactions[0].by == ["pay •••• •••• •••• 0004"])
        #expect(
            Set(message.redactions.map(\.field)) == ["sender.name", "recipients.1.id", "recipients.2.name", "reactions.0.by.0"],
            "\(message.redactions)")
        // The same identity is redacted the same way on every message, so the record stays linkable.
        #expect(stage.apply(to: Self.incoming(sender: Handle(id: "card 4111111111111111"))).message.sender.id == "card ••••••••••••1111")
    }

    @Test func aConversationIdMadeOfFreeTextIsRedactedToo() throws {
        let result = try Self.stage().apply(to: Self.incoming(conversation: "WhatsApp Chat with 078-05-1120"))
        #expect(result.message.conversation == "WhatsApp Chat with [REDACTED:US_SSN]")
        #expect(try Self.stage().apply(to: Self.incoming(conversation: "C024BE91L")).message.conversation == "C024BE91L")
    }

    @Test func identityRedactionFollowsThePolicyButNeverDrops() throws {
        let stage = try Self.stage(
            """
            recognizers:
              us_ssn: drop
              credit_card: hash
            keywords:
              - { id: codename, phrases: ["nightjar"] }
            """)
        let result = stage.apply(
            to: Self.incoming(sender: Handle(id: "U1", displayName: "nightjar 078-05-1120 and 4111111111111111"), name: "nightjar desk"))
        #expect(result.message.text == "see attached", "a drop in an identity does not drop the message")
        let name = try #require(result.message.sender.displayName)
        #expect(name.hasPrefix("nightjar [REDACTED:US_SSN] and [HASH:CREDIT_CARD:"), "\(name)")
        #expect(result.conversationName == "[REDACTED:KEYWORD] desk")
    }

    @Test func attachmentsWithFindingsAreStoredAsTheirRedactedText() throws {
        let text = Array("client ssn 078-05-1120\n".utf8)
        let hash = Self.sha256(text)
        let result = try Self.stage().apply(
            to: Self.incoming(
                attachments: [ChatVaultCore.Attachment(name: "notes.txt", sha256: hash, size: Int64(text.count))], contents: [hash: text]))
        #expect(result.contents[hash] == nil)
        let stored = try #require(result.message.attachments[0].sha256.flatMap { result.contents[$0] })
        #expect(String(decoding: stored, as: UTF8.self) == "client ssn [REDACTED:US_SSN]\n")
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("4111 1111 1111 1111 in pixels".utf8)

    @Test(arguments: [UnreadableAttachments.keep, .metadataOnly])
    func unreadableFilesAreKeptOrReducedToTheirMetadata(setting: UnreadableAttachments) async throws {
        let hash = Self.sha256(Self.png)
        let stage = try Self.stage("attachments: { unreadable: \(setting.rawValue) }\n")
        let attachment = ChatVaultCore.Attachment(name: "photo.png", sha256: hash, size: Int64(Self.png.count), mediaType: "image/png")
        let result = stage.apply(to: Self.incoming(attachments: [attachment], contents: [hash: Self.png]))
        #expect(result.message.attachments == [attachment], "name, hash, size and media type are kept either way")
        #expect((result.contents[hash] != nil) == (setting == .keep))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-unreadable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = try Vault.create(at: directory).openArchive()
        _ = try await archive.append([result], context: AppendContext(actor: "t", source: "t"))
        #expect((try await archive.attachment(sha256: hash) != nil) == (setting == .keep))
        #expect(try await archive.verify().isIntact)
    }

    @Test func thePolicyFileRejectsABadAttachmentsSetting() {
        #expect(
            throws: PolicyError(
                source: "p.yaml", line: 1, reason: "unknown setting 'drop' for unreadable attachments; expected keep or metadata_only")
        ) {
            try RedactionPolicy.load(yaml: "attachments: { unreadable: drop }\n", source: "p.yaml")
        }
    }
}
