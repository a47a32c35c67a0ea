public import ChatVaultCore

/// The company's people and groups, and who is behind a chat handle.
///
/// A handle resolves by platform and id (`slack` + `U024BE7LH`) or, on any platform,
/// by an email address of the person (case-insensitive).
public struct Directory: Sendable, Hashable {
    public private(set) var people: [DirectoryPerson]
    private var byHandle: [String: Int] = [:]
    private var byEmail: [String: Int] = [:]

    public init(people: [DirectoryPerson] = []) {
        self.people = []
        for person in people { add(person) }
    }

    public var isEmpty: Bool { people.isEmpty }

    public mutating func add(_ person: DirectoryPerson) {
        let index = people.count
        people.append(person)
        for email in person.emails { byEmail[email.lowercased()] = index }
        for (platform, handles) in person.handles {
            for handle in handles { byHandle[platform.lowercased() + "\u{1F}" + handle.lowercased()] = index }
        }
    }

    /// The person behind `handle` on `platform`, if the directory knows them.
    public func person(for handle: Handle, platform: String) -> DirectoryPerson? {
        let id = handle.id.lowercased()
        if let index = byHandle[platform.lowercased() + "\u{1F}" + id] ?? byEmail[id] { return people[index] }
        return nil
    }

    /// Every group or department named in the directory.
    public var groups: Set<String> { people.reduce(into: []) { $0.formUnion($1.memberships) } }
}
