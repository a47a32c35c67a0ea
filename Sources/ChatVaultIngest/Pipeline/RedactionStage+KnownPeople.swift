public import ChatVaultArchive
import ChatVaultCore
import ChatVaultPolicy
public import ChatVaultRedaction

extension RedactionStage {
    /// The same stage (same policy, secret and portion state) with `people` added to the
    /// names the redactor leaves in place.
    public func knowing(_ people: KnownPeople) -> RedactionStage {
        guard !people.isEmpty else { return self }
        var stage = self
        stage.redactor.knownPeople = redactor.knownPeople.merging(people)
        return stage
    }

    /// The people of the vault's directory (`chatvault directory import`), as the redactor knows them.
    public static func directoryPeople(of vault: Vault) throws -> KnownPeople {
        try PolicyStage.loadDirectory(of: vault).knownPeople
    }
}

/// The firm's people as an import meets them: the export's own member list
/// (``WorkspaceRoster``) and the display names of everyone who sends or receives a message.
/// Gives the redaction stage that knows all of them so far.
final class MemberTracker {
    private let base: RedactionStage
    private let roster: (any WorkspaceRoster)?
    private var rosterVersion = -1
    private var participants = KnownPeople()
    private var seen: Set<String> = []
    private var current: RedactionStage

    init(base: RedactionStage, source: any MessageSource) {
        self.base = base
        current = base
        roster = source as? any WorkspaceRoster
    }

    /// The stage to redact `message` with.
    func stage(for message: Message) -> RedactionStage {
        var changed = false
        if let roster, roster.rosterVersion != rosterVersion {
            rosterVersion = roster.rosterVersion
            changed = true
        }
        for handle in CollectionOfOne(message.sender) + message.recipients {
            guard let name = handle.displayName, !name.isEmpty, seen.insert(name).inserted else { continue }
            participants.add(name: name, handles: [handle.id])
            changed = true
        }
        if changed {
            current = base.knowing((roster?.workspaceMembers ?? KnownPeople()).merging(participants))
        }
        return current
    }
}
