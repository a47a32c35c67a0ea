/// A person of the company as the directory knows them.
public struct DirectoryPerson: Sendable, Hashable, Codable {
    public var employeeID: String
    public var name: String
    public var emails: [String]
    /// Chat handles by platform (`slack` → `["U024BE7LH"]`).
    public var handles: [String: [String]]
    public var department: String?
    public var groups: [String]

    public init(
        employeeID: String, name: String, emails: [String] = [], handles: [String: [String]] = [:], department: String? = nil,
        groups: [String] = []
    ) {
        self.employeeID = employeeID
        self.name = name
        self.emails = emails
        self.handles = handles
        self.department = department
        self.groups = groups
    }

    /// Groups and the department together: what group conditions and walls compare against.
    public var memberships: Set<String> {
        var all = Set(groups.map { $0.lowercased() })
        if let department { all.insert(department.lowercased()) }
        return all
    }

    enum CodingKeys: String, CodingKey {
        case employeeID = "employee_id", name, emails, handles, department, groups
    }
}
