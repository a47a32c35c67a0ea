import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension ConsoleServer {
    /// Largest `POST /api/v1/notice` body, in bytes.
    static let maxNoticeBytes = 64 << 10
    /// Most participants in one notice call.
    static let maxNoticeParticipants = 1000

    /// `POST /api/v1/notice`: a gateway module reports the participants of a conversation it
    /// is about to show the archive notice in; the answer is the notice's text for the
    /// platform and language, and the participants recorded for the first time (`new`).
    var noticeEndpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/api/v1/notice", roles: [.gateway], kind: .api,
                summary: "The archive notice for a conversation; records who was told (token with the gateway role)", request: "NoticeRequest",
                response: "NoticeResult"
            ) { request, context in
                try await self.notice(request, context)
            }
        ]
    }

    /// What a notice call asks for, checked.
    struct NoticeRequest {
        var platform: String
        var conversation: String
        var conversationName: String?
        var conversationKind: Conversation.Kind?
        var language: String?
        var participants: [Handle]
    }

    func notice(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let tokenName = context.principal?.token, let token = await accounts.tokens.first(where: { $0.name == tokenName }) else {
            throw ConsoleError(.forbidden, "only a gateway token may report a notice")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxNoticeBytes {
            throw ConsoleError(.contentTooLarge, "the body is \(length) bytes; the limit is \(Self.maxNoticeBytes)")
        }
        let asked = try Self.noticeRequest(try await Self.jsonBody(request, limit: Self.maxNoticeBytes))
        let probe = Message(
            platform: asked.platform, conversation: asked.conversation, sourceID: "notice", sender: NoticeLedger.sender, sentAt: .now(), text: "")
        if asked.platform.lowercased() == "chatvault" {
            throw ConsoleError(.forbidden, "platform chatvault is the archive's own; a gateway may not write to it")
        }
        if let refusal = token.ingestScope.refusal(for: probe) { throw ConsoleError(.forbidden, refusal) }
        let (text, language) = notices.configuration.text(platform: asked.platform, language: asked.language)
        let recorded: [Handle]
        do {
            recorded = try await notices.record(
                platform: asked.platform, conversation: asked.conversation, conversationName: asked.conversationName,
                // Without a kind, a conversation first seen through its notice is taken for a group
                // unless exactly two people are in it (one notice record alone would look direct).
                conversationKind: asked.conversationKind ?? (asked.participants.count == 2 ? .direct : .group), participants: asked.participants,
                text: text, token: tokenName, at: .now())
        } catch {
            logger.error("notice not recorded", metadata: ["token": "\(tokenName)", "error": "\(error)"])
            throw ConsoleError(.serviceUnavailable, "the notice could not be recorded in the archive; retry")
        }
        await gateways.recordNotices(token: tokenName, count: recorded.count)
        return Self.json(
            .object([
                ("text", .string(text)), ("language", .string(language)), ("new", .array(recorded.map { .string($0.id) })),
            ]))
    }

    /// Reads and checks a notice request; every error says which field is wrong.
    static func noticeRequest(_ body: JSONValue) throws -> NoticeRequest {
        func text(_ key: String, max: Int, required: Bool) throws -> String? {
            guard let value = body[key], !value.isNull else {
                if required { throw ConsoleError(.badRequest, "\(key) is required") }
                return nil
            }
            guard let text = value.stringValue ?? (key == "conversation" ? value.scalarText : nil) else {
                throw ConsoleError(.badRequest, "\(key) must be a string, not \(value.kindName)")
            }
            // A module may send an empty optional field for "not set".
            if !required, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.utf8.count <= max, !text.contains("\u{0}") else {
                throw ConsoleError(.badRequest, "\(key) must be 1–\(max) bytes of text")
            }
            return text
        }
        guard case .object = body else { throw ConsoleError(.badRequest, "send a JSON object: {\"platform\", \"conversation\", \"participants\"}") }
        let platform = try text("platform", max: 64, required: true)!
        guard !platform.contains(":") else { throw ConsoleError(.badRequest, "platform must not contain ':'") }
        let conversation = try text("conversation", max: 1024, required: true)!
        var language: String?
        if let tag = try text("language", max: 35, required: false) {
            guard let normalised = NoticeConfiguration.normalisedTag(tag) else {
                throw ConsoleError(.badRequest, "language must be a language tag such as \"en\" or \"pt-BR\"")
            }
            language = normalised
        }
        var kind: Conversation.Kind?
        if let name = try text("conversation_kind", max: 16, required: false) {
            guard let value = Conversation.Kind(rawValue: name) else {
                throw ConsoleError(.badRequest, "conversation_kind must be \(Conversation.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = value
        }
        guard let list = body["participants"]?.arrayValue else { throw ConsoleError(.badRequest, "participants must be an array of ids") }
        guard (1...maxNoticeParticipants).contains(list.count) else {
            throw ConsoleError(.badRequest, "participants must name 1–\(maxNoticeParticipants) people")
        }
        let participants = try list.enumerated().map { index, item -> Handle in
            let id = item.stringValue ?? item["id"]?.scalarText
            let name = item["name"]?.stringValue
            guard let id, !id.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, id.utf8.count <= 512, !id.contains("\u{0}") else {
                throw ConsoleError(.badRequest, "participants[\(index)] must be an id (1–512 bytes) or {\"id\", \"name\"}")
            }
            guard name.map({ $0.utf8.count <= 512 && !$0.contains("\u{0}") }) ?? true else {
                throw ConsoleError(.badRequest, "participants[\(index)].name must be at most 512 bytes")
            }
            return Handle(id: id, displayName: name)
        }
        return NoticeRequest(
            platform: platform, conversation: conversation, conversationName: try text("conversation_name", max: 1024, required: false),
            conversationKind: kind, language: language, participants: participants)
    }
}
