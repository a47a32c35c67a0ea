public import ChatVaultRedaction

extension Directory {
    /// The directory's people as the redactor knows them: each person's name, e-mail
    /// addresses (their local parts read as names: `dana.smith@…`) and chat handles. Their
    /// names stay in messages unless the policy says `redact_known_people: true`.
    public var knownPeople: KnownPeople {
        var known = KnownPeople()
        for person in people {
            let mailboxes = person.emails.compactMap { $0.split(separator: "@").first.map(String.init) }
            known.add(name: person.name, handles: mailboxes + person.handles.values.flatMap(\.self))
        }
        return known
    }
}
