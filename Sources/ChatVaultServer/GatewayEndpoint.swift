import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What the decision API keeps between requests: the queue that stores decisions in
/// batches and the rules' policy tips.
final class GatewayState: Sendable {
    let queue: DecisionQueue
    let tips: PolicyTips

    init(ingestor: Ingestor, vault: Vault) {
        queue = DecisionQueue(ingestor: ingestor)
        tips = PolicyTips(vault: vault)
    }
}

extension ConsoleServer {
    /// The routes a chat-server gateway module calls before it delivers a message
    /// (docs/GATEWAY.md); only `gateway` tokens may use them.
    var gatewayEndpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/api/v1/decide", roles: [.gateway], kind: .api,
                summary: "Decide whether a message may be delivered (allow, warn, redact, block) and archive it (gateway token)",
                request: "DecideRequest", response: "Decision"
            ) { request, context in
                try await self.decide(request, context)
            },
            Endpoint(.get, "/api/v1/gateway/ping", roles: [.gateway], kind: .api, summary: "Gateway health check", response: "GatewayPing") {
                _, _ in
                let version = (try? self.vault.policyText())?.map(UsePolicy.version(of:)) ?? ""
                return Self.json(.object([("ok", .bool(true)), ("policy_version", .string(version))]))
            },
        ]
    }

    /// The largest body `POST /api/v1/decide` reads: one message line of the JSONL format.
    var maxDecideBytes: Int { configuration.maxTextBytes * 2 + (64 << 10) }

    /// `POST /api/v1/decide`: one message in the JSONL shape → the decision, after the
    /// message (or its `blocked` record) is durable. A retry of the same platform,
    /// conversation and id with the same content answers from the stored record.
    func decide(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let principal = context.principal!
        guard let tokenName = principal.token, let token = await accounts.tokens.first(where: { $0.name == tokenName }) else {
            throw ConsoleError(.forbidden, "only a gateway token may ask for decisions")
        }
        guard let type = request.headers[.contentType], type.hasPrefix("application/json") else {
            throw ConsoleError(.unsupportedMediaType, "send the message as application/json")
        }
        let limit = maxDecideBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ConsoleError(.contentTooLarge, "the body is \(length) bytes; the limit is \(limit)")
        }
        let request = request
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw ConsoleError(.contentTooLarge, "the body is larger than \(limit) bytes")
        }
        let deliveredBy = "gateway:" + tokenName
        let format = ChatVaultJSONL(maxTextBytes: configuration.maxTextBytes)
        let parsed = Array(body.readableBytesView).withUnsafeBufferPointer { format.message(from: $0, source: deliveredBy, line: 1) }
        var incoming: IncomingMessage
        switch parsed {
        case .success(let message): incoming = message
        case .failure(let error): throw ConsoleError(.badRequest, error.reason)
        }
        guard incoming.message.kind == .message || incoming.message.kind == .edit else {
            throw ConsoleError(.badRequest, "a decision is asked for a message or an edit, not a \(incoming.message.kind.rawValue) event")
        }
        if incoming.message.platform.lowercased() == "chatvault" {
            throw ConsoleError(.forbidden, "platform chatvault is ChatVault's own; a gateway may not write to it")
        }
        if let refusal = token.ingestScope.refusal(for: incoming.message) { throw ConsoleError(.forbidden, refusal) }
        if let refusal = IngestScope.refusal(
            sentAt: incoming.message.sentAt, now: .now(), maxBackdateDays: configuration.maxBackdateDays,
            maxFutureMinutes: configuration.maxFutureMinutes)
        {
            throw ConsoleError(.badRequest, refusal)
        }
        incoming.origin = deliveredBy
        let settled: DecisionQueue.Settled
        do {
            settled = try await gateway.queue.settle(incoming, deliveredBy: deliveredBy)
        } catch {
            logger.error("decision could not be archived", metadata: ["token": "\(tokenName)", "error": "\(error)"])
            throw ConsoleError(.serviceUnavailable, "the decision could not be archived; the message must not be delivered")
        }
        let decision: GatewayDecision
        if let record = settled.record {
            decision = GatewayDecision.of(settled.message, record: record, alerts: settled.alerts) { rule in
                self.gateway.tips.tip(rule: rule, version: settled.alerts.first?.policyVersion ?? "")
            }
        } else {
            decision = try await storedDecision(for: settled.message)
        }
        return Self.json(decision.json)
    }

    /// The decision recorded for a message the archive already held (a retried request):
    /// the stored copy with the same sender and text, and the alerts stored with it.
    func storedDecision(for message: Message) async throws -> GatewayDecision {
        let ids = try await archive.messageIDs(platform: message.platform, conversation: message.conversation, sourceID: message.sourceID)
        for id in ids {
            guard let stored = try await archive.message(id: id),
                stored.message.sender.id == message.sender.id, stored.message.text == message.text
            else { continue }
            let alerts = (try await archive.alerts(forMessages: [id]))[id]?.map(\.stored.alert) ?? []
            return GatewayDecision.of(stored.message, record: id, alerts: alerts) { rule in
                self.gateway.tips.tip(rule: rule, version: alerts.first?.policyVersion ?? "")
            }
        }
        throw ConsoleError(.conflict, "the message was reported as archived but its record was not found; retry")
    }
}
