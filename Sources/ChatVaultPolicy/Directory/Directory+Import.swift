public import ChatVaultCore

extension Directory {
    /// Reads people from CSV (a header row naming `employee_id`, `name`, `emails`,
    /// `handles`, `department`, `groups`; lists separated by `;`, handles written
    /// `platform:id`) or from JSON (an array of objects with the same keys, lists as
    /// arrays and `handles` as an object of platform → ids).
    /// - Throws: ``InputError`` naming the line of the first problem.
    public static func load(text: String, source: String) throws(InputError) -> Directory {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        if trimmed.first == "[" || trimmed.first == "{" { return try loadJSON(String(trimmed), source: source) }
        return try loadCSV(text, source: source)
    }

    static func loadJSON(_ text: String, source: String) throws(InputError) -> Directory {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 8).parse(text)
        } catch {
            throw InputError(source: source, reason: "not valid JSON (\(error))")
        }
        guard let items = value.arrayValue ?? value["people"]?.arrayValue else {
            throw InputError(source: source, reason: "expected an array of people (or {\"people\": [...]})")
        }
        var directory = Directory()
        for (index, item) in items.enumerated() {
            func list(_ key: String) -> [String] { item[key]?.arrayValue?.compactMap(\.scalarText) ?? item[key]?.stringValue.map { [$0] } ?? [] }
            guard let id = item["employee_id"]?.scalarText, let name = item["name"]?.stringValue else {
                throw InputError(source: source, reason: "person \(index + 1) needs \"employee_id\" and \"name\"")
            }
            var handles: [String: [String]] = [:]
            if case .object(let members) = item["handles"] ?? .null {
                for (platform, ids) in members { handles[platform] = ids.arrayValue?.compactMap(\.scalarText) ?? ids.stringValue.map { [$0] } ?? [] }
            }
            directory.add(
                DirectoryPerson(
                    employeeID: id, name: name, emails: list("emails"), handles: handles, department: item["department"]?.stringValue,
                    groups: list("groups")))
        }
        return directory
    }

    static func loadCSV(_ text: String, source: String) throws(InputError) -> Directory {
        let rows = CSVRows.parse(text)
        guard let header = rows.first else { return Directory() }
        let columns = header.fields.map { $0.lowercased().filter { $0 != " " } }
        guard let idColumn = columns.firstIndex(of: "employee_id"), let nameColumn = columns.firstIndex(of: "name") else {
            throw InputError(source: source, line: header.line, reason: "the header needs employee_id and name columns")
        }
        func field(_ row: [String], _ name: String) -> String? {
            guard let index = columns.firstIndex(of: name), index < row.count, !row[index].isEmpty else { return nil }
            return row[index]
        }
        func list(_ value: String?) -> [String] {
            (value ?? "").split(separator: ";").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
        }
        var directory = Directory()
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            guard row.fields.count == columns.count else {
                throw InputError(source: source, line: row.line, reason: "expected \(columns.count) fields, found \(row.fields.count)")
            }
            guard !row.fields[idColumn].isEmpty, !row.fields[nameColumn].isEmpty else {
                throw InputError(source: source, line: row.line, reason: "employee_id and name must not be empty")
            }
            var handles: [String: [String]] = [:]
            for entry in list(field(row.fields, "handles")) {
                guard let colon = entry.firstIndex(of: ":") else {
                    throw InputError(source: source, line: row.line, reason: "handle '\(entry)' must be written platform:id")
                }
                handles[String(entry[..<colon]), default: []].append(String(entry[entry.index(after: colon)...]))
            }
            directory.add(
                DirectoryPerson(
                    employeeID: row.fields[idColumn], name: row.fields[nameColumn], emails: list(field(row.fields, "emails")), handles: handles,
                    department: field(row.fields, "department"), groups: list(field(row.fields, "groups"))))
        }
        return directory
    }
}

/// Rows of CSV text (RFC 4180 quoting), each with the line it starts on.
struct CSVRows {
    var fields: [String]
    var line: Int

    static func parse(_ text: String) -> [CSVRows] {
        var rows: [CSVRows] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let c = pending {
            pending = iterator.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r", pending == "\n" { pending = iterator.next() }
                fields.append(field)
                rows.append(CSVRows(fields: fields, line: rowLine))
                fields = []
                field = ""
                line += 1
                rowLine = line
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(CSVRows(fields: fields, line: rowLine))
        }
        return rows
    }
}
