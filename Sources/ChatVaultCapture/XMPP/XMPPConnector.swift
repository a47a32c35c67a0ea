import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Logging

/// Captures an XMPP account and rooms through XEP-0313 Message Archive Management.
///
/// Each session logs in (``XMPPSession``), then for every configured archive (the account's
/// own bare JID, MUC room JIDs) reads the pages after the saved cursor, stores them and moves
/// the cursor only once each page is durable; then polls every `poll_seconds`. A cursor the
/// server no longer knows (`item-not-found`) is recorded as a `reset` gap and the archive is
/// read again from the start (the archive drops what it already has).
public struct XMPPConnector: Connector {
    public let configuration: SourceConfiguration
    /// Read what is new once and return, instead of following the archives.
    public var catchUpOnly: Bool
    public var pageSize: Int

    public init(configuration: SourceConfiguration, catchUpOnly: Bool = false, pageSize: Int = 100) {
        self.configuration = configuration
        self.catchUpOnly = catchUpOnly
        self.pageSize = pageSize
    }

    public func run(_ context: CaptureContext) async throws {
        let account = try XMPPAccount(configuration, vaultDirectory: context.vaultDirectory)
        let session = try await XMPPSession.open(account, source: configuration.name, logger: context.logger)
        do {
            try await follow(session, context)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    private func follow(_ session: XMPPSession, _ context: CaptureContext) async throws {
        let archives = (configuration.archives ?? []).isEmpty ? [session.bareJID] : (configuration.archives ?? []).map(JID.bare)
        let seconds = configuration.pollSeconds.flatMap { $0.isFinite ? $0 : nil } ?? 30
        let poll = Duration.milliseconds(Int64(min(max(seconds, 0.2), 86_400) * 1000))
        try await context.markUp()
        var firstRound = true
        while !Task.isCancelled {
            for archive in archives where !Task.isCancelled {
                try await catchUp(archive, session, context, verifyCursor: firstRound)
            }
            firstRound = false
            if Task.isCancelled { break }
            try await context.markUp()
            if catchUpOnly { break }
            do { try await Task.sleep(for: poll) } catch { break }
        }
    }

    /// Reads `archive` from its cursor to its end, one durable page at a time.
    ///
    /// With `verifyCursor` (once per session), a cursor after which nothing comes is checked
    /// against the archive's newest item: some servers (ejabberd) answer an unknown `after`
    /// with an empty page instead of `item-not-found`, which would otherwise read nothing forever.
    private func catchUp(_ archive: String, _ session: XMPPSession, _ context: CaptureContext, verifyCursor: Bool) async throws {
        var after = try await context.cursor(archive)
        var verify = verifyCursor
        while !Task.isCancelled {
            var page: XMPPArchivePage
            do {
                page = try await session.archivePage(archive, after: after, max: pageSize)
                if verify, let cursor = after, page.items.isEmpty {
                    verify = false
                    let newest = try await session.archivePage(archive, after: nil, max: 1, newest: true)
                    if let last = newest.items.last?.archiveID, last != cursor {
                        // Something newer exists: ask once more in case it has just arrived.
                        page = try await session.archivePage(archive, after: cursor, max: pageSize)
                        if page.items.isEmpty {
                            try await reset(
                                archive, context, detail: "nothing follows cursor \(cursor) although the archive's newest item is \(last)")
                            after = nil
                            continue
                        }
                    }
                }
            } catch let error as XMPPStanzaError where error.condition == "item-not-found" && after != nil {
                try await reset(archive, context, detail: "the server no longer knows cursor \(after ?? "")")
                after = nil
                continue
            } catch let error as XMPPStanzaError {
                throw CaptureError.protocolError(source: configuration.name, "archive \(archive): \(error)")
            }
            verify = false
            let messages = page.items.compactMap { $0.incomingMessage(owner: archive) }
            if !messages.isEmpty {
                // A task of its own, so a shutdown signal lets the batch and its cursor finish.
                let cursor = page.last
                _ = try await Task { try await context.deliver(messages, from: archive, cursor: cursor) }.value
            } else if let last = page.last, last != after {
                try await context.advance(archive, to: last)
            }
            if page.complete || page.last == nil || page.last == after { break }
            after = page.last
        }
    }

    /// Records a `reset` gap and forgets the archive's cursor: it is read again from the start.
    private func reset(_ archive: String, _ context: CaptureContext, detail: String) async throws {
        try await context.reportGap(kind: "reset", archive: archive, detail: detail + "; reading the archive again from the start")
        try await context.store.update(configuration.name, kind: configuration.kind) { $0.cursors[archive] = nil }
    }
}
