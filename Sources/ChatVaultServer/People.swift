import ChatVaultArchive
import ChatVaultIngest
import ChatVaultPolicy
import Foundation

/// The vault's directory indexed for the console: who is in which group, by handle or
/// e-mail address (lowercased). Rebuilt only when `directory.json` changes.
struct People: Sendable {
    let directory: Directory
    /// Every group and department named in the directory, sorted.
    let groups: [String]
    private let groupsByHandle: [String: Set<String>]
    private let handlesByGroup: [String: Set<String>]

    init(_ directory: Directory) {
        self.directory = directory
        var groupsByHandle: [String: Set<String>] = [:]
        var handlesByGroup: [String: Set<String>] = [:]
        for person in directory.people {
            let handles = (person.emails + person.handles.values.joined()).map { $0.lowercased() }
            for handle in handles { groupsByHandle[handle, default: []].formUnion(person.memberships) }
            for group in person.memberships { handlesByGroup[group, default: []].formUnion(handles) }
        }
        self.groupsByHandle = groupsByHandle
        self.handlesByGroup = handlesByGroup
        groups = directory.groups.sorted()
    }

    /// Every handle and e-mail address (lowercased) of the people in `groups` (any case).
    func handles(inGroups groups: [String]) -> Set<String> {
        groups.reduce(into: Set<String>()) { $0.formUnion(handlesByGroup[$1.lowercased()] ?? []) }
    }

    /// The groups of the person behind a handle id on any platform.
    func groups(ofHandle id: String) -> Set<String> { groupsByHandle[id.lowercased()] ?? [] }
}

/// ``People`` for the vault, re-read when the directory file's size or time changes.
final class PeopleCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stamp: [FileAttributeKey: AnyHashable] = [:]
    private var people = People(Directory())

    func people(of vault: Vault) -> People {
        let url = PolicyStage.directoryURL(of: vault)
        let attributes = (try? FileManager.default.attributesOfItem(atPath: url.path)) ?? [:]
        var current: [FileAttributeKey: AnyHashable] = [:]
        for key in [FileAttributeKey.modificationDate, .size, .systemFileNumber] { current[key] = attributes[key] as? AnyHashable }
        return lock.withLock {
            if current != stamp {
                people = People((try? PolicyStage.loadDirectory(of: vault)) ?? Directory())
                stamp = current
            }
            return people
        }
    }
}

extension ConsoleServer {
    /// The vault's people and groups; empty when no directory was imported.
    func people() -> People { peopleCache.people(of: vault) }
}
