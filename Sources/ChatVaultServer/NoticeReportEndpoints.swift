import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Foundation
import Hummingbird

extension ConsoleServer {
    /// The filters the `notices` report reads besides the date range.
    static let noticeReportParameters: [Endpoint.Parameter] = [
        .query("platform", "string", "notices report: only this platform"),
        .query("person", "string", "notices report: only this handle, display name or directory person"),
        .query("missing", "boolean", "notices report: list participants never shown the notice (default true)"),
    ]

    /// `/reports/notices`: the notice report with its filters, as a page.
    var noticeReportEndpoints: [Endpoint] {
        [
            Endpoint(
                .get, "/reports/notices", roles: Self.readers, kind: .page, summary: "Who has been shown the archive notice, and who has not",
                parameters: [
                    .query("from", "string", "First day of notices shown (YYYY-MM-DD); default: all", Endpoint.Parameter.date),
                    .query("to", "string", "Last day of notices shown (YYYY-MM-DD); default: all", Endpoint.Parameter.date),
                ] + Self.noticeReportParameters
            ) { request, context in
                let filter = try Self.noticeFilter(request)
                try await self.audit("console.report", context, [("report", .string("notices"))] + Self.noticeAuditDetail(filter))
                let report = try await self.noticeReport(filter)
                let received = report.rows.count { $0.status == .received }
                var query: [String] = []
                for (key, value) in [
                    ("platform", filter.platform), ("person", filter.person), ("from", request.query("from")), ("to", request.query("to")),
                ] {
                    if let value { query.append(key + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
                }
                if !filter.missing { query.append("missing=false") }
                return self.render(
                    "notices",
                    self.page(
                        context, title: "Archive notices", active: "/reports",
                        extra: [
                            "platform": filter.platform ?? "", "person": filter.person ?? "", "from": request.query("from") ?? "",
                            "to": request.query("to") ?? "", "hideMissing": !filter.missing, "received": received,
                            "missingCount": report.rows.count - received, "limit": Self.noticePageRows,
                            "truncated": report.rows.count > Self.noticePageRows,
                            "csv": "/reports/notices/csv" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")),
                            "rows": report.rows.prefix(Self.noticePageRows).map { row -> [String: Any] in
                                [
                                    "missing": row.status == .missing, "status": row.status == .missing ? "not received" : "received",
                                    "platform": row.platform, "conversation": row.conversation, "conversationName": row.conversationName ?? "",
                                    "participant": row.participant.id, "name": row.participant.displayName ?? "", "at": row.at?.iso8601 ?? "",
                                    "via": row.via ?? "",
                                ]
                            },
                        ]))
            }
        ]
    }

    /// Rows shown on the page; the CSV and the API have them all.
    static let noticePageRows = 500

    static func noticeFilter(_ request: Request?) throws -> NoticeReport.Filter {
        guard let request else { return NoticeReport.Filter() }
        var filter = NoticeReport.Filter(platform: request.query("platform"), person: request.query("person"))
        if let value = request.query("platform"), value.count > 64 || value.contains(":") {
            throw ConsoleError(.badRequest, "platform must be a platform name")
        }
        if let value = request.query("person"), value.count > 256 { throw ConsoleError(.badRequest, "person is at most 256 characters") }
        filter.from = try request.queryTime("from")
        filter.to = try request.queryTime("to").map { $0.addingDays(1) }
        switch request.query("missing") {
        case nil, "true", "1", "yes": filter.missing = true
        case "false", "0", "no": filter.missing = false
        default: throw ConsoleError(.badRequest, "missing must be true or false")
        }
        return filter
    }

    static func noticeAuditDetail(_ filter: NoticeReport.Filter) -> [(String, JSONValue)] {
        [("platform", .optional(filter.platform)), ("person", .optional(filter.person)), ("from", .optional(filter.from?.iso8601))]
    }

    func noticeReport(_ filter: NoticeReport.Filter) async throws -> NoticeReport {
        let gatewayPlatforms = Set(await accounts.tokens.filter { $0.role == .gateway }.flatMap(\.ingestScope.platforms))
        return try await NoticeReport.build(archive: archive, filter: filter, gatewayPlatforms: gatewayPlatforms, directory: people().directory)
    }

    /// The notice report as one of ``reportNames``: all time unless the request names dates.
    func noticeReport(_ request: Request?) async throws -> Report {
        let report = try await noticeReport(try Self.noticeFilter(request))
        var counts: [String: (received: Int, missing: Int)] = [:]
        for row in report.rows {
            if row.status == .received {
                counts[row.platform, default: (0, 0)].received += 1
            } else {
                counts[row.platform, default: (0, 0)].missing += 1
            }
        }
        let platforms = counts.keys.sorted()
        return Report(
            id: "notices", title: "Archive notices: who was told, and who was not", columns: NoticeReport.columns, rows: report.cells,
            flagged: Set(report.rows.indices.filter { report.rows[$0].status == .missing }),
            chart: platforms.isEmpty
                ? nil
                : Chart(
                    title: "Participants told and not told", labels: platforms, series: ["received", "not received"],
                    values: platforms.map { [Double(counts[$0]!.received), Double(counts[$0]!.missing)] }))
    }
}
