import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultIngest
public import Foundation
public import Logging

/// A live source: connects, catches up from the saved cursors, then follows new messages
/// until cancelled or until the session breaks.
///
/// ``run(_:)`` is one session. It throws when the server goes away; ``CaptureRunner``
/// marks the source down, waits with backoff and calls it again, and the new session
/// continues from the cursors the last durable batch saved. A connector returns normally
/// only when its task is cancelled (graceful shutdown), after finishing the batch at hand.
public protocol Connector: Sendable {
    var configuration: SourceConfiguration { get }
    func run(_ context: CaptureContext) async throws
}

/// What a connector uses to store what it read and to say how the source is doing.
public struct CaptureContext: Sendable {
    public let configuration: SourceConfiguration
    public let ingestor: Ingestor
    public let store: SourceStore
    public let logger: Logger
    public let vaultDirectory: URL
    /// How long this source is usually quiet, learnt from what it delivered (kept across the
    /// sessions of one runner).
    let quiet = QuietPatternBox()

    public init(configuration: SourceConfiguration, ingestor: Ingestor, store: SourceStore, logger: Logger, vaultDirectory: URL) {
        self.configuration = configuration
        self.ingestor = ingestor
        self.store = store
        self.logger = logger
        self.vaultDirectory = vaultDirectory
    }

    var name: String { configuration.name }

    /// Where reading `archive` should continue; `nil` reads it from the beginning.
    public func cursor(_ archive: String) async throws -> String? {
        try await store.state(of: name, kind: configuration.kind).cursors[archive]
    }

    /// Stores a batch read from `archive` and, once it is durable, moves the archive's
    /// cursor to `cursor` (unchanged when `nil`) and counts it. Returns the archive's report.
    @discardableResult
    public func deliver(_ messages: [IncomingMessage], from archive: String, cursor: String?) async throws -> Ingestor.Report {
        let report = try await ingestor.ingest(messages, source: "\(configuration.kind):\(name):\(archive)", deliveredBy: "capture:\(name)")
        let storedDays = zip(messages, report.outcomes).compactMap { message, outcome -> Timestamp? in
            if case .stored = outcome { message.message.sentAt } else { nil }
        }
        let newest = messages.map(\.message.sentAt).max()
        try await store.update(name, kind: configuration.kind) { state in
            if let cursor { state.cursors[archive] = cursor }
            for day in storedDays { state.perDay[SourceState.day(of: day), default: 0] += 1 }
            state.stored += report.stored
            state.duplicates += report.duplicates
            state.rejected += report.rejected
            if let newest {
                let seconds = Double(newest.microseconds) / 1_000_000
                state.lastMessageAt = max(state.lastMessageAt ?? seconds, seconds)
            }
        }
        await quiet.observe(messages.map { Double($0.message.sentAt.microseconds) / 1_000_000 })
        if report.stored > 0 {
            logger.info("stored", metadata: ["archive": "\(archive)", "stored": "\(report.stored)", "duplicates": "\(report.duplicates)"])
        }
        return report
    }

    /// Moves a cursor without storing anything (an archive page with nothing new).
    public func advance(_ archive: String, to cursor: String) async throws {
        try await store.update(name, kind: configuration.kind) { $0.cursors[archive] = cursor }
    }

    /// The session is connected and the last poll succeeded. Coming back from an outage
    /// reports it as a `down` gap: the cursors make XMPP and Matrix catch up, but a source
    /// without history (IRC) lost what was said meanwhile.
    public func markUp() async throws {
        let now = Date().timeIntervalSince1970
        let previous = try await store.state(of: name, kind: configuration.kind)
        try await store.update(name, kind: configuration.kind) { state in
            state.status = .up
            state.lastError = nil
            state.downSince = nil
            state.lastPollAt = now
        }
        if previous.status != .up { logger.info("source up") }
        if previous.status == .down, let since = previous.downSince {
            try await reportGap(
                kind: "down", archive: nil,
                detail:
                    "unreachable for \(Int(now - since)) s from \(Timestamp(secondsSince1970: since).iso8601) (\(previous.lastError ?? "no error recorded"))"
            )
        }
        try await checkSilence(now: now)
    }

    /// A `silence` gap when the source delivered nothing for longer than `silence_hours`, or
    /// for much longer than it is usually quiet (``QuietPattern``), while it is reachable.
    func checkSilence(now: Double) async throws {
        guard let last = try await store.state(of: name, kind: configuration.kind).lastMessageAt else { return }
        let silence = now - last
        let since = Timestamp(secondsSince1970: last).iso8601
        if let hours = configuration.silenceHours, hours > 0, silence > hours * 3600 {
            try await reportGap(kind: "silence", archive: nil, detail: "no message since \(since) (more than \(hours) h, silence_hours)")
        } else if await quiet.pattern.isUnusual(silence: silence) {
            try await reportGap(
                kind: "silence", archive: nil, detail: "no message since \(since) (more than 3 times the longest quiet interval seen)")
        }
    }

    /// Records something that may mean messages were missed (an id skip, a lost cursor, a
    /// silence or an outage): in the source's state, in the audit trail, and as an alert in
    /// the review queue on a system message of the `chatvault` platform's `source-monitor`
    /// conversation, so a reviewer sees it next to the policy alerts.
    public func reportGap(kind: String, archive: String?, detail: String) async throws {
        logger.warning("gap", metadata: ["kind": "\(kind)", "archive": "\(archive ?? "-")", "detail": "\(detail)"])
        let now = Date().timeIntervalSince1970
        let gap = SourceState.Gap(kind: kind, archive: archive, detectedAt: now, detail: detail)
        // The same gap reported again adds nothing. Whether it is new is decided on a copy; the
        // state records it only after its alert is durable, so a failed alert is raised again.
        var probe = try await store.state(of: name, kind: configuration.kind)
        let before = probe.gaps.count
        probe.record(gap)
        guard probe.gaps.count > before else { return }
        let time = Timestamp(secondsSince1970: now)
        let text = "Source \(name) (\(configuration.kind))\(archive.map { ", archive \($0)" } ?? ""): \(kind) — \(detail)"
        let message = Message(
            platform: "chatvault", conversation: "source-monitor", sourceID: "gap-\(name)-\(kind)-\(time.microseconds)", kind: .system,
            sender: Handle(id: "chatvault:capture", displayName: "ChatVault capture"), sentAt: time, text: text)
        let alert = Alert(
            rule: "capture.\(kind)", severity: kind == "silence" ? .medium : .high, description: "A live source may have missed messages",
            message: message.dedupKey, participants: [], raisedAt: time)
        _ = try await ingestor.ingest(
            [.success(IncomingMessage(message: message, conversationName: "Source monitor", conversationKind: .group, origin: "capture"))],
            source: "capture:\(name):gap", deliveredBy: "capture:\(name)", alerts: [alert])
        try await ingestor.archive.recordAudit(
            action: "source.gap", actor: "capture:\(name)",
            detail: .object([
                ("source", .string(name)), ("kind", .string(kind)), ("archive", archive.map(JSONValue.string) ?? .null), ("detail", .string(detail)),
                ("detected_at", .string(time.iso8601)),
            ]))
        try await store.update(name, kind: configuration.kind) { $0.record(gap) }
    }

    func markDown(_ error: any Error) async throws {
        let now = Date().timeIntervalSince1970
        try await store.update(name, kind: configuration.kind) { state in
            if state.status != .down { state.downSince = now }
            state.status = .down
            state.lastError = "\(error)"
        }
    }
}
