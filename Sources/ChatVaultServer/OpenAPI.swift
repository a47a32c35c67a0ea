import ChatVaultCore
import Foundation
import HTTPTypes
import Logging

extension ConsoleServer {
    /// The OpenAPI 3.0 document of the JSON API, built from the same ``endpoints`` the router
    /// serves, so a route cannot exist without being described (and the other way round).
    func openAPIDocument() -> JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for endpoint in endpoints where endpoint.kind == .api {
            var operation: [(String, JSONValue)] = [
                ("summary", .string(endpoint.summary)),
                ("operationId", .string(Self.operationID(endpoint))),
            ]
            if !endpoint.isPublic {
                operation.append(("description", .string("Roles: " + endpoint.roles.sorted().map(\.rawValue).joined(separator: ", "))))
                operation.append(("security", .array([.object([("bearer", .array([]))]), .object([("session", .array([]))])])))
            } else {
                operation.append(("security", .array([])))
            }
            if !endpoint.parameters.isEmpty {
                operation.append(
                    (
                        "parameters",
                        .array(
                            endpoint.parameters.map { p in
                                var schema: [(String, JSONValue)] = [("type", .string(p.type))]
                                if p.type == "integer", p.location == "path" { schema.append(("minimum", .int(1))) }
                                schema += p.constraints
                                return .object([
                                    ("name", .string(p.name)), ("in", .string(p.location)), ("required", .bool(p.required)),
                                    ("description", .string(p.description)), ("schema", .object(schema)),
                                ])
                            })
                    ))
            }
            if let request = endpoint.requestSchema {
                operation.append(
                    (
                        "requestBody",
                        .object([
                            ("required", .bool(true)),
                            (
                                "content",
                                .object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/\(request)"))]))]))]
                                )
                            ),
                        ])
                    ))
            }
            var responses: [(String, JSONValue)] = [
                (
                    endpoint.method == .post && ["/api/v1/tokens", "/api/v1/holds", "/api/v1/exports"].contains(endpoint.path)
                        ? "201" : (endpoint.path.hasSuffix("/verify") ? "202" : "200"),
                    Self.jsonResponse("OK", schema: endpoint.responseSchema ?? "Object")
                )
            ]
            for (code, text) in [
                ("400", "The request is malformed"), ("401", "Not signed in or bad token"), ("403", "The role may not do this"),
                ("404", "Not found"), ("409", "Conflicts with the current state"), ("413", "Too large"), ("415", "Unsupported media type"),
                ("422", "Unprocessable"), ("429", "Too many attempts"), ("503", "Could not be recorded; retry"),
            ] {
                responses.append((code, Self.jsonResponse(text, schema: "Error")))
            }
            operation.append(("responses", .object(responses)))
            let method = endpoint.method.rawValue.lowercased()
            if let index = paths.firstIndex(where: { $0.0 == endpoint.path }) {
                paths[index].1.append((method, .object(operation)))
            } else {
                paths.append((endpoint.path, [(method, .object(operation))]))
            }
        }
        return .object([
            ("openapi", .string("3.0.3")),
            (
                "info",
                .object([
                    ("title", .string("ChatVault API")), ("version", .string("1.0.0")),
                    ("description", .string("Compliance archive: search, conversations, review, reports, integrity, administration and ingest.")),
                ])
            ),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            (
                "components",
                .object([
                    (
                        "securitySchemes",
                        .object([
                            ("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))])),
                            ("session", .object([("type", .string("apiKey")), ("in", .string("cookie")), ("name", .string(Self.sessionCookie))])),
                        ])
                    ),
                    ("schemas", Self.schemas),
                ])
            ),
        ])
    }

    static func operationID(_ endpoint: Endpoint) -> String {
        let words = endpoint.path.split(separator: "/").dropFirst(2).map {
            $0.hasPrefix("{") ? "by" + $0.dropFirst().dropLast().capitalized : $0.capitalized
        }
        return endpoint.method.rawValue.lowercased() + words.joined()
    }

    static func jsonResponse(_ description: String, schema: String) -> JSONValue {
        .object([
            ("description", .string(description)),
            ("content", .object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/\(schema)"))]))]))])),
        ])
    }

    static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string("object")), ("properties", .object(properties))]
        if !required.isEmpty { fields.append(("required", .array(required.map(JSONValue.string)))) }
        return .object(fields)
    }

    static func type(_ name: String, maxLength: Int? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string(name))]
        if let maxLength { fields.append(("maxLength", .int(maxLength))) }
        return .object(fields)
    }

    static func enumeration(_ values: [String]) -> JSONValue {
        .object([("type", .string("string")), ("enum", .array(values.map(JSONValue.string)))])
    }

    static var schemas: JSONValue {
        let handle = object([("id", type("string", maxLength: 512)), ("name", type("string", maxLength: 512))], required: ["id"])
        let message = object(
            [
                ("platform", type("string", maxLength: 64)), ("conversation", type("string", maxLength: 512)), ("id", type("string", maxLength: 512)),
                ("sender", .object([("oneOf", .array([type("string", maxLength: 512), handle]))])), ("sent_at", type("string", maxLength: 64)),
                ("text", type("string")), ("conversation_name", type("string", maxLength: 512)),
                ("recipients", .object([("type", .string("array")), ("items", handle)])),
            ], required: ["platform", "conversation", "id", "sender", "sent_at"])
        let decideRequest = object(
            [
                ("platform", type("string", maxLength: 64)), ("conversation", type("string", maxLength: 512)), ("id", type("string", maxLength: 512)),
                ("sender", .object([("oneOf", .array([type("string", maxLength: 512), handle]))])), ("sent_at", type("string", maxLength: 64)),
                ("text", type("string")), ("conversation_name", type("string", maxLength: 512)),
                ("conversation_kind", enumeration(Conversation.Kind.allCases.map(\.rawValue))),
                ("recipients", .object([("type", .string("array")), ("items", handle)])),
            ], required: ["platform", "conversation", "id", "sender", "sent_at", "text"])
        return .object([
            ("Object", .object([("type", .string("object"))])),
            ("Error", object([("error", type("string")), ("status", type("integer"))], required: ["error", "status"])),
            ("Health", object([("status", type("string"))])),
            (
                "Me",
                object([
                    ("name", type("string")), ("role", type("string")), ("groups", .object([("type", .string("array")), ("items", type("string"))])),
                ])
            ),
            (
                "Login",
                object([("user", type("string", maxLength: 64)), ("password", type("string", maxLength: 256))], required: ["user", "password"])
            ),
            ("SearchResult", object([("total", type("integer")), ("has_more", type("boolean")), ("hits", .object([("type", .string("array"))]))])),
            ("ConversationList", object([("conversations", .object([("type", .string("array"))]))])),
            ("Transcript", object([("conversation", type("object")), ("messages", .object([("type", .string("array"))]))])),
            ("Message", object([("id", type("integer")), ("text", type("string")), ("sender", type("object"))])),
            ("AlertList", object([("total", type("integer")), ("alerts", .object([("type", .string("array"))]))])),
            ("AlertDetail", object([("alert", type("object")), ("history", .object([("type", .string("array"))]))])),
            (
                "AlertAction",
                object(
                    [
                        ("action", enumeration(ReviewActionNames.all)), ("reason", type("string", maxLength: 4000)),
                        ("comment", type("string", maxLength: 4000)), ("note", type("string", maxLength: 4000)),
                        ("employee", type("string", maxLength: 512)), ("assignee", type("string", maxLength: 64)),
                    ], required: ["action"])
            ),
            (
                "Report",
                object([
                    ("report", type("string")), ("columns", .object([("type", .string("array"))])), ("rows", .object([("type", .string("array"))])),
                ])
            ),
            ("Integrity", object([("tree_size", type("integer")), ("messages", type("integer"))])),
            ("Accepted", object([("started", type("boolean"))])),
            ("AuditList", object([("events", .object([("type", .string("array"))]))])),
            ("UserList", object([("users", .object([("type", .string("array"))]))])),
            (
                "UserChange",
                object(
                    [
                        ("name", type("string", maxLength: 64)), ("role", enumeration(Role.people.map(\.rawValue))),
                        ("password", type("string", maxLength: 256)),
                        ("groups", .object([("type", .string("array")), ("items", type("string", maxLength: 128))])), ("disabled", type("boolean")),
                    ], required: ["name", "role"])
            ),
            ("Ok", object([("ok", type("boolean"))])),
            (
                "TokenRequest",
                object(
                    [
                        ("name", type("string", maxLength: 64)), ("role", enumeration(["ingest", "gateway", "auditor", "officer", "reviewer"])),
                        ("source", type("string", maxLength: 128)),
                    ],
                    required: ["name", "role"])
            ),
            ("Token", object([("token", type("string"))])),
            (
                "HoldRequest",
                object(
                    [
                        ("name", type("string", maxLength: 200)), ("kind", enumeration(["person", "conversation", "query"])),
                        ("value", type("string", maxLength: 2000)), ("from", type("string", maxLength: 32)), ("to", type("string", maxLength: 32)),
                        ("allow_empty", type("boolean")),
                    ], required: ["name", "kind", "value"])
            ),
            ("Hold", object([("id", type("integer")), ("name", type("string")), ("state", type("string"))])),
            ("HoldList", object([("holds", .object([("type", .string("array"))]))])),
            (
                "ExportRequest",
                object(
                    [
                        ("format", enumeration(["jsonl", "html", "eml", "rsmf", "edrm"])), ("q", type("string", maxLength: 2000)),
                        ("sender", type("string", maxLength: 512)), ("conversation", type("string", maxLength: 512)),
                        ("after", type("string", maxLength: 32)), ("before", type("string", maxLength: 32)),
                        ("description", type("string", maxLength: 2000)),
                    ])
            ),
            ("Export", object([("name", type("string")), ("messages", type("integer"))])),
            ("ExportList", object([("exports", .object([("type", .string("array"))]))])),
            ("Policy", object([("version", type("string")), ("yaml", type("string"))])),
            ("PolicyBacktestRequest", object([("yaml", type("string", maxLength: 1 << 20))], required: ["yaml"])),
            (
                "PolicyBacktest",
                object([("version", type("string")), ("messages", type("integer")), ("rules", .object([("type", .string("array"))]))])
            ),
            ("SourceList", object([("sources", .object([("type", .string("array"))]))])),
            ("IngestMessage", message),
            (
                "IngestBatch",
                .object([
                    ("type", .string("array")), ("maxItems", .int(10_000)),
                    ("items", .object([("$ref", .string("#/components/schemas/IngestMessage"))])),
                ])
            ),
            ("DecideRequest", decideRequest),
            (
                "Decision",
                object(
                    [
                        ("decision", enumeration(["allow", "warn", "redact", "block"])), ("text", type("string")),
                        ("tip", .object([("type", .string("string")), ("nullable", .bool(true))])),
                        (
                            "rules",
                            .object([
                                ("type", .string("array")),
                                (
                                    "items",
                                    object([
                                        ("rule", type("string")), ("action", enumeration(Alert.Action.allCases.map(\.rawValue))),
                                        ("severity", enumeration(Alert.Severity.allCases.map(\.rawValue))),
                                    ])
                                ),
                            ])
                        ),
                        ("record", type("string")),
                    ], required: ["decision", "text", "tip", "rules", "record"])
            ),
            ("GatewayPing", object([("ok", type("boolean")), ("policy_version", type("string"))], required: ["ok", "policy_version"])),
            (
                "NoticeRequest",
                object(
                    [
                        ("platform", type("string", maxLength: 64)), ("conversation", type("string", maxLength: 1024)),
                        (
                            "participants",
                            .object([
                                ("type", .string("array")), ("minItems", .int(1)), ("maxItems", .int(ConsoleServer.maxNoticeParticipants)),
                                ("items", .object([("oneOf", .array([type("string", maxLength: 512), handle]))])),
                            ])
                        ),
                        ("language", type("string", maxLength: 35)), ("conversation_kind", enumeration(Conversation.Kind.allCases.map(\.rawValue))),
                        ("conversation_name", type("string", maxLength: 1024)),
                    ], required: ["platform", "conversation", "participants"])
            ),
            (
                "NoticeResult",
                object(
                    [
                        ("text", type("string")), ("language", type("string")),
                        ("new", .object([("type", .string("array")), ("items", type("string"))])),
                    ],
                    required: ["text", "language", "new"])
            ),
            ("GatewayStatus", object([("gateways", .object([("type", .string("array"))]))])),
            (
                "IngestResult",
                object([
                    ("stored", type("integer")), ("duplicates", type("integer")), ("rejected", type("integer")),
                    ("results", .object([("type", .string("array"))])),
                ])
            ),
        ])
    }
}

enum ReviewActionNames {
    static let all = ["assign", "comment", "escalate", "close", "reopen", "coach"]
}
