import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension ConsoleServer {
    /// `POST /api/v1/ingest`: a batch of ChatVault JSON messages (docs/JSONL.md) as a JSON
    /// array, `{"messages": [...]}`, or JSON Lines (`application/x-ndjson`). Answers only after
    /// the batch is durable, with an outcome per message in the order sent; a retried batch
    /// reports duplicates and stores nothing twice.
    ///
    /// A token writes only inside its ``IngestScope`` and within the configured window
    /// around now (`max_backdate_days`, `max_future_minutes`); a message outside either is
    /// `rejected` with the reason. Every stored message records `ingest:TOKEN` as the source
    /// that delivered it.
    var ingestEndpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/api/v1/ingest", roles: [.ingest], kind: .api, summary: "Push a batch of messages (token with the ingest role)",
                request: "IngestBatch", response: "IngestResult"
            ) { request, context in
                try await self.ingest(request, context)
            }
        ]
    }

    func ingest(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let principal = context.principal!
        let source = principal.source ?? principal.token ?? principal.name
        guard let tokenName = principal.token, let token = await accounts.tokens.first(where: { $0.name == tokenName }) else {
            throw ConsoleError(.forbidden, "only an ingest token may deliver messages")
        }
        let scope = token.ingestScope
        let request = request
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxIngestBytes {
            throw ConsoleError(.contentTooLarge, "the body is \(length) bytes; the limit is \(configuration.maxIngestBytes)")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxIngestBytes)
        } catch {
            throw ConsoleError(.contentTooLarge, "the body is larger than \(configuration.maxIngestBytes) bytes")
        }
        let format = ChatVaultJSONL(maxTextBytes: configuration.maxTextBytes)
        let name = "ingest:\(source)"
        var items: [Result<IncomingMessage, InputError>] = []
        let contentType = request.headers[.contentType] ?? ""
        if contentType.hasPrefix("application/x-ndjson") || contentType.hasPrefix("application/jsonl") {
            var line = 0
            for slice in body.readableBytesView.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                line += 1
                if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                items.append(Array(slice).withUnsafeBufferPointer { format.message(from: $0, source: name, line: line) })
                if items.count > configuration.maxIngestMessages { break }
            }
        } else if contentType.isEmpty || contentType.hasPrefix("application/json") {
            let value: JSONValue
            do {
                value =
                    try body.readableBytesView.withContiguousStorageIfAvailable { try JSONParser(maxDepth: 18).parse($0) }
                    ?? JSONParser(maxDepth: 18).parse(String(buffer: body))
            } catch {
                throw ConsoleError(.badRequest, "the body is not valid JSON: \(error)")
            }
            let elements: [JSONValue]
            if let array = value.arrayValue {
                elements = array
            } else if let array = value["messages"]?.arrayValue {
                elements = array
            } else {
                throw ConsoleError(.unprocessableContent, "send a JSON array of messages or {\"messages\": [...]}")
            }
            for (index, element) in elements.prefix(configuration.maxIngestMessages + 1).enumerated() {
                items.append(format.message(from: element, source: name, line: index + 1))
            }
        } else {
            throw ConsoleError(.unsupportedMediaType, "send application/json or application/x-ndjson")
        }
        guard !items.isEmpty else { throw ConsoleError(.unprocessableContent, "the batch has no messages") }
        // Conversations captured live (and ChatVault's own) are written only by their connectors:
        // an ingest token cannot plant a message under an id a live message will arrive with.
        items = items.map { item in
            guard case .success(let incoming) = item, reservedPlatforms.contains(incoming.message.platform.lowercased()) else { return item }
            return .failure(
                InputError(source: name, reason: "platform \(incoming.message.platform) is captured live; ingest tokens may not write to it"))
        }
        let now = Timestamp.now()
        items = items.map { item in
            guard case .success(let incoming) = item else { return item }
            let reason =
                scope.refusal(for: incoming.message)
                ?? IngestScope.refusal(
                    sentAt: incoming.message.sentAt, now: now, maxBackdateDays: configuration.maxBackdateDays,
                    maxFutureMinutes: configuration.maxFutureMinutes)
            return reason.map { .failure(InputError(source: name, reason: $0)) } ?? item
        }
        guard items.count <= configuration.maxIngestMessages else {
            throw ConsoleError(.contentTooLarge, "a batch holds at most \(configuration.maxIngestMessages) messages; split it")
        }
        let report: Ingestor.Report
        do {
            report = try await ingestor.ingest(items, source: name, deliveredBy: "ingest:" + tokenName)
        } catch {
            logger.error("ingest failed", metadata: ["source": "\(source)", "error": "\(error)"])
            throw ConsoleError(.serviceUnavailable, "the batch could not be stored; nothing from it was acknowledged, retry it")
        }
        let results = zip(items, report.outcomes).enumerated().map { index, pair -> JSONValue in
            let (item, outcome) = pair
            var fields: [(String, JSONValue)] = [("index", .int(index))]
            if case .success(let message) = item { fields.append(("id", .string(message.message.sourceID))) }
            switch outcome {
            case .stored(let id): fields += [("status", .string("stored")), ("archive_id", .int(id))]
            case .duplicate: fields.append(("status", .string("duplicate")))
            case .rejected(let reason): fields += [("status", .string("rejected")), ("reason", .string(reason))]
            }
            return .object(fields)
        }
        return Self.json(
            .object([
                ("stored", .int(report.stored)), ("duplicates", .int(report.duplicates)), ("rejected", .int(report.rejected)),
                ("alerts", .int(report.alerts)), ("tree_size", .int(report.treeSize)), ("results", .array(results)),
            ]))
    }
}
