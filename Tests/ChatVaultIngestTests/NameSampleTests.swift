import ChatVaultCore
import ChatVaultRedaction
import Foundation
import Testing

@testable import ChatVaultIngest

/// Over-redaction on real exports (`../shared/samples`, skipped when absent): the share of
/// messages that lose a name to `[REDACTED:PERSON]`, with and without the workspace's
/// members (the export's member list and every participant's display name) known.
@Suite(.enabled(if: Samples.root != nil)) struct NameSampleTests {
    struct Share: CustomStringConvertible {
        var messages = 0
        var strangers = 0
        var everyone = 0
        /// Messages with a masked `@mention` when members are known.
        var mentions = 0
        var description: String {
            "\(messages) messages, PERSON in \(strangers) with members known (\(mentions) @mentions), \(everyone) without"
        }
    }

    /// Every sample file or folder an importer recognizes, by format folder.
    static func samples() -> [(String, any ImportFormat)] {
        guard let root = Samples.root, let names = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] else { return [] }
        return names.sorted().compactMap { name in
            let path = root + "/" + name
            guard !name.hasSuffix(".md"), !name.contains("LICENSE"), let format = ImportFormats.detect(path) else { return nil }
            return (path, format)
        }
    }

    static func share(_ path: String, _ format: any ImportFormat) throws -> Share {
        let stage = RedactionStage(redactor: Redactor(policy: .default, secret: Array("samples".utf8)))
        let source = try format.open(path)
        let members = MemberTracker(base: stage, source: source)
        var share = Share()
        while let item = try source.next() {
            guard case .success(let incoming) = item.result else { continue }
            share.messages += 1
            func persons(_ stage: RedactionStage) -> (Bool, Bool) {
                let message = stage.apply(to: incoming).message
                let text = Array(message.text.unicodeScalars)
                let spans = message.redactions.filter { $0.type == "PERSON" && $0.field == "text" }
                return (!spans.isEmpty, spans.contains { $0.start > 0 && $0.start <= text.count && text[$0.start - 1] == "@" })
            }
            let (withMembers, mention) = persons(members.stage(for: incoming.message))
            if withMembers { share.strangers += 1 }
            if mention { share.mentions += 1 }
            if persons(stage).0 { share.everyone += 1 }
        }
        return share
    }

    @Test func membersOfTheSlackWorkspaceKeepTheirMentions() throws {
        let zip = try #require(Self.samples().first { $0.0.hasSuffix(".zip") && $0.0.contains("/slack/") })
        let share = try Self.share(zip.0, zip.1)
        #expect(share.messages == 158)
        // Without the members, colleagues' @mentions are masked; with them, none is (a
        // commit author who is not a member, `by Anthony Bilinski`, still is).
        #expect(share.everyone > share.strangers + 10, "\(share)")
        #expect(share.mentions == 0, "\(share)")
    }

    /// Prints the share for every sample; fails when a member's @mention is masked anywhere.
    @Test func everySampleKeepsItsParticipantsNames() throws {
        var report: [String] = []
        for (path, format) in Self.samples() {
            guard let share = try? Self.share(path, format), share.messages > 0 else { continue }
            let name = path.replacingOccurrences(of: (Samples.root ?? "") + "/", with: "")
            report.append("\(name) [\(format.name)]: \(share)")
            #expect(share.mentions == 0, "\(name): \(share)")
        }
        print("PERSON share on samples:\n" + report.joined(separator: "\n"))
        #expect(!report.isEmpty)
    }
}
