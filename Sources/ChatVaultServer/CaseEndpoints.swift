import ChatVaultArchive
import ChatVaultCore
import ChatVaultExport
import ChatVaultIngest
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ZIPFoundation

/// Legal holds and eDiscovery exports: officers create and release holds and run exports;
/// auditors see both. Exports are written under `exports/` in the vault with their manifest
/// and proofs, and downloaded as a ZIP.
extension ConsoleServer {
    static let caseReaders: Set<Role> = [.officer, .auditor]
    static let caseWriters: Set<Role> = [.officer]

    var exportsDirectory: URL { vault.directory.appendingPathComponent("exports") }

    var caseEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/cases", roles: Self.caseReaders, kind: .page, summary: "Legal holds and exports") { _, context in
                try await self.audit("console.cases", context, [])
                return try await self.casesPage(context)
            },
            Endpoint(.post, "/holds", roles: Self.caseWriters, kind: .page, summary: "Create a legal hold") { request, context in
                let form = try await Self.form(request)
                _ = try await self.createHold(
                    name: form["name"] ?? "", kind: form["kind"] ?? "", value: form["value"] ?? "", from: form["from"], to: form["to"],
                    allowEmpty: form["allow_empty"] == "1", context)
                return Self.seeOther("/cases")
            },
            Endpoint(.post, "/holds/{id}/release", roles: Self.caseWriters, kind: .page, summary: "Propose or confirm a hold's release") {
                _, context in
                try await self.releaseHold(try context.pathID(), context)
                return Self.seeOther("/cases")
            },
            Endpoint(.post, "/exports", roles: Self.caseWriters, kind: .page, summary: "Export a selection") { request, context in
                let form = try await Self.form(request)
                _ = try await self.export(Dictionary(form.fields, uniquingKeysWith: { first, _ in first }), context)
                return Self.seeOther("/cases")
            },
            Endpoint(
                .get, "/exports/{name}/zip", roles: Self.caseReaders, kind: .page, summary: "Download an export as ZIP",
                parameters: [Endpoint.Parameter(name: "name", location: "path", type: "string", required: true, description: "Export name")]
            ) { _, context in
                try await self.download(context.parameters.get("name") ?? "", context)
            },
            Endpoint(.get, "/api/v1/holds", roles: Self.caseReaders, kind: .api, summary: "Legal holds", response: "HoldList") { _, context in
                try await self.audit("console.holds.list", context, [])
                return Self.json(.object([("holds", .array(try await self.archive.holds().map(Self.holdJSON)))]))
            },
            Endpoint(
                .post, "/api/v1/holds", roles: Self.caseWriters, kind: .api, summary: "Create a legal hold", request: "HoldRequest", response: "Hold"
            ) {
                request, context in
                let body = try await Self.jsonBody(request, limit: 16 << 10)
                let hold = try await self.createHold(
                    name: body["name"]?.stringValue ?? "", kind: body["kind"]?.stringValue ?? "", value: body["value"]?.stringValue ?? "",
                    from: body["from"]?.stringValue, to: body["to"]?.stringValue, allowEmpty: body["allow_empty"] == .bool(true), context)
                let covers = try await self.archive.messagesHeld(by: hold).count
                guard case .object(var fields) = Self.holdJSON(hold) else { return Self.json(Self.holdJSON(hold), status: .created) }
                fields.append(("covers", .int(covers)))
                return Self.json(.object(fields), status: .created)
            },
            Endpoint(
                .post, "/api/v1/holds/{id}/release", roles: Self.caseWriters, kind: .api,
                summary: "Propose, or as a second officer confirm, a release",
                parameters: [.path("id", "Hold id")], response: "Hold"
            ) { _, context in
                Self.json(Self.holdJSON(try await self.releaseHold(try context.pathID(), context)))
            },
            Endpoint(.get, "/api/v1/exports", roles: Self.caseReaders, kind: .api, summary: "Exports made so far", response: "ExportList") {
                _, context in
                try await self.audit("console.exports.list", context, [])
                return Self.json(.object([("exports", .array(self.exportManifests().map(Self.exportJSON)))]))
            },
            Endpoint(
                .post, "/api/v1/exports", roles: Self.caseWriters, kind: .api, summary: "Export a selection", request: "ExportRequest",
                response: "Export"
            ) {
                request, context in
                let body = try await Self.jsonBody(request, limit: 16 << 10)
                guard case .object(let pairs) = body else { throw ConsoleError(.badRequest, "send a JSON object") }
                var fields: [String: String] = [:]
                for (key, value) in pairs { fields[key] = value.stringValue ?? value.scalarText }
                let (name, manifest) = try await self.export(fields, context)
                return Self.json(Self.exportJSON((name, manifest)), status: .created)
            },
        ]
    }

    /// Places a hold; one that covers no message now is refused unless `allowEmpty` (400),
    /// and a query holding a value the redaction policy removes is refused (it could never
    /// match, and the audit trail must not keep the value).
    func createHold(
        name: String, kind: String, value: String, from: String?, to: String?, allowEmpty: Bool, _ context: ConsoleContext
    ) async throws -> LegalHold {
        guard !name.isEmpty, name.count <= 200 else { throw ConsoleError(.badRequest, "a hold needs a name (at most 200 characters)") }
        guard let kind = LegalHold.Kind(rawValue: kind) else { throw ConsoleError(.badRequest, "kind must be person, conversation or query") }
        guard !value.isEmpty, value.utf8.count <= 2000 else { throw ConsoleError(.badRequest, "a hold needs a value (at most 2,000 bytes)") }
        func time(_ text: String?, _ field: String) throws -> Timestamp? {
            guard let text, !text.isEmpty else { return nil }
            guard let time = Timestamp(iso8601: text) ?? Timestamp(iso8601: text + "T00:00:00Z") else {
                throw ConsoleError(.badRequest, "\(field) must be a date like 2026-11-29")
            }
            return time
        }
        let start = try time(from, "from")
        let end = try time(to, "to")
        let redaction = await ingestor.auditRedaction
        if kind == .query, redaction.findsSomething(in: value) {
            throw ConsoleError(
                .badRequest,
                "the hold's query holds a value the redaction policy removes; the archive stores only redacted text, so it could never match")
        }
        try await audit(
            "console.hold.create", context,
            [
                ("hold", .string(name)), ("kind", .string(kind.rawValue)), ("value", .string(redaction.redact(value))),
                ("allow_empty", .bool(allowEmpty)),
            ])
        return try await archive.createHold(
            name: name, kind: kind, value: value, from: start, to: end, actor: context.principal!.name, allowEmpty: allowEmpty)
    }

    @discardableResult
    func releaseHold(_ id: Int64, _ context: ConsoleContext) async throws -> LegalHold {
        try await requireSecondPerson(releasingHold: id, context)
        return try await archive.releaseHold(id: id, actor: context.principal!.name)
    }

    /// Runs an export of the selection the fields describe (the search filters plus `format`
    /// and `description`) into `exports/<name>/`.
    func export(_ fields: [String: String], _ context: ConsoleContext) async throws -> (String, ExportManifest) {
        guard let format = ExportFormat(rawValue: fields["format"] ?? "jsonl") else {
            throw ConsoleError(.badRequest, "format must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var query: SearchQuery?
        if let text = fields["q"], !text.isEmpty {
            guard text.utf8.count <= 2000, let parsed = SearchQuery.parse(text) else {
                throw ConsoleError(.badRequest, "the query could not be read")
            }
            query = parsed
        }
        func time(_ field: String) throws -> Timestamp? {
            guard let text = fields[field], !text.isEmpty else { return nil }
            guard let time = Timestamp(iso8601: text) ?? Timestamp(iso8601: text + "T00:00:00Z") else {
                throw ConsoleError(.badRequest, "\(field) must be a date like 2026-11-29")
            }
            return time
        }
        let selection = SearchRequest(
            query: query, sender: fields["sender"].flatMap { $0.isEmpty ? nil : $0 },
            conversation: fields["conversation"].flatMap { $0.isEmpty ? nil : $0 }, after: try time("after"), before: try time("before"),
            order: .oldest)
        var description: [String: String] = ["requested_by": context.principal!.name]
        // The trail and the manifest keep the query as the redaction policy redacts it.
        let redaction = await ingestor.auditRedaction
        for key in ["q", "sender", "conversation", "after", "before", "description"] {
            if let value = fields[key], !value.isEmpty { description[key] = String((key == "q" ? redaction.redact(value) : value).prefix(2000)) }
        }
        let stamp = String(Timestamp.now().iso8601.prefix(19)).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        let name = "\(stamp)-\(format.rawValue)-\(UUID().uuidString.prefix(8).lowercased())"
        try await audit(
            "console.export", context,
            [("export", .string(name)), ("format", .string(format.rawValue))]
                + description.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        let exporter = Exporter(archive: archive, format: format, actor: context.principal!.name)
        let summary = try await exporter.run(selection, description: description, to: exportsDirectory.appendingPathComponent(name))
        return (name, summary.manifest)
    }

    /// Export folders with a manifest, newest first.
    func exportManifests() -> [(String, ExportManifest)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: exportsDirectory.path)) ?? []
        return names.sorted(by: >).compactMap { name in
            let url = exportsDirectory.appendingPathComponent(name).appendingPathComponent("manifest.json")
            guard let data = FileManager.default.contents(atPath: url.path), let manifest = try? JSONDecoder().decode(ExportManifest.self, from: data)
            else { return nil }
            return (name, manifest)
        }
    }

    func download(_ name: String, _ context: ConsoleContext) async throws -> Response {
        // Only a name the server made, never a path.
        guard name.range(of: "^[0-9TZ]+-[a-z]+-[0-9a-f]{8}$", options: .regularExpression) != nil,
            exportManifests().contains(where: { $0.0 == name })
        else { throw ConsoleError(.notFound, "no export \(name)") }
        try await audit("console.export.download", context, [("export", .string(name))])
        let zip = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        try FileManager.default.zipItem(at: exportsDirectory.appendingPathComponent(name), to: zip)
        let data = try Data(contentsOf: zip)
        return Response(
            status: .ok,
            headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"chatvault-export-\(name).zip\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func casesPage(_ context: ConsoleContext) async throws -> Response {
        let holds = try await archive.holds()
        var covers: [Int64: Int] = [:]
        for hold in holds where hold.state != .released { covers[hold.id] = try await archive.messagesHeld(by: hold).count }
        let values: [String: Any] = [
            "canChange": Self.caseWriters.contains(context.principal!.role),
            "holds": holds.map { hold -> [String: Any] in
                [
                    "id": String(hold.id), "name": hold.name, "kind": hold.kind.rawValue, "value": hold.value, "state": hold.state.rawValue,
                    "covers": covers[hold.id].map { "\($0) messages now" } ?? "released",
                    "createdBy": hold.createdBy, "createdAt": Self.time(hold.createdAt), "active": hold.state != .released,
                    "proposedBy": hold.releaseProposedBy.map { $0 as Any } ?? false,
                ]
            },
            "exports": exportManifests().map { name, manifest -> [String: Any] in
                [
                    "name": name, "format": manifest.exportFormat, "messages": manifest.messages, "conversations": manifest.conversations,
                    "by": manifest.exportedBy, "createdAt": manifest.createdAt,
                    "selection": manifest.selection.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " · "),
                ]
            },
            "formats": ExportFormat.allCases.map(\.rawValue),
        ]
        return render("cases", page(context, title: "Holds and exports", active: "/cases", extra: values))
    }

    static func holdJSON(_ hold: LegalHold) -> JSONValue {
        .object([
            ("id", .int(hold.id)), ("name", .string(hold.name)), ("kind", .string(hold.kind.rawValue)), ("value", .string(hold.value)),
            ("from", .optional(hold.from?.iso8601)), ("to", .optional(hold.to?.iso8601)), ("state", .string(hold.state.rawValue)),
            ("created_by", .string(hold.createdBy)), ("created_at", .string(hold.createdAt.iso8601)),
            ("release_proposed_by", .optional(hold.releaseProposedBy)), ("released_by", .optional(hold.releasedBy)),
        ])
    }

    static func exportJSON(_ entry: (String, ExportManifest)) -> JSONValue {
        let (name, manifest) = entry
        return .object([
            ("name", .string(name)), ("format", .string(manifest.exportFormat)), ("messages", .int(manifest.messages)),
            ("conversations", .int(manifest.conversations)), ("files", .int(manifest.files.count)), ("exported_by", .string(manifest.exportedBy)),
            ("created_at", .string(manifest.createdAt)), ("tree_size", .int(manifest.checkpoint.treeSize)),
            ("selection", .object(manifest.selection.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }
}
