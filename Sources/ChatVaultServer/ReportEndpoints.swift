import ChatVaultArchive
import ChatVaultCore
import ChatVaultPolicy
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One report: a table, and a bar chart of it when it has one.
struct Report: Sendable {
    var id: String
    var title: String
    var columns: [String]
    var rows: [[String]]
    /// Rows to highlight (e.g. traffic across an ethical wall).
    var flagged: Set<Int> = []
    var chart: Chart?
}

/// A bar chart drawn on the server as SVG; stacked by series.
struct Chart: Sendable {
    var title: String
    var labels: [String]
    var series: [String]
    /// values[label][series]
    var values: [[Double]]

    func view() -> [String: Any] {
        let width = 720.0
        let height = 220.0
        let plot = height - 30
        let maximum = max(1, values.map { $0.reduce(0, +) }.max() ?? 1)
        let slot = width / Double(max(1, labels.count))
        let barWidth = max(1, slot * 0.8)
        var bars: [[String: Any]] = []
        for (i, label) in labels.enumerated() {
            var top = plot
            for (s, value) in values[i].enumerated() where value > 0 {
                let h = value / maximum * (plot - 10)
                top -= h
                bars.append([
                    "x": fmt(Double(i) * slot + (slot - barWidth) / 2), "y": fmt(top), "w": fmt(barWidth), "h": fmt(h), "series": s % 6,
                    "label": label + (series.count > 1 ? " · " + series[s] : ""), "value": fmt(value),
                ])
            }
        }
        let step = max(1, labels.count / 8)
        let ticks = stride(from: 0, to: labels.count, by: step).map { i -> [String: Any] in
            ["x": fmt(Double(i) * slot + 2), "y": fmt(height - 8), "text": String(labels[i].prefix(14))]
        }
        return ["title": title, "width": Int(width), "height": Int(height), "bars": bars, "ticks": ticks]
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}

extension ConsoleServer {
    static let reportNames = ["volume", "participants", "traffic", "domains", "groups", "alerts", "backlog", "coaching", "notices"]

    var reportEndpoints: [Endpoint] {
        let range: [Endpoint.Parameter] =
            [
                .query("from", "string", "First day (YYYY-MM-DD); default 30 days ago", Endpoint.Parameter.date),
                .query("to", "string", "Last day (YYYY-MM-DD); default today", Endpoint.Parameter.date),
            ] + Self.noticeReportParameters
        let name = Endpoint.Parameter(
            name: "name", location: "path", type: "string", required: true, description: "The report",
            constraints: Endpoint.Parameter.oneOf(Self.reportNames))
        return [
            Endpoint(.get, "/reports", roles: Self.readers, kind: .page, summary: "Reports with charts", parameters: range) { request, context in
                let (from, to) = try Self.reportRange(request)
                try await self.audit("console.reports", context, [("from", .string(from.iso8601)), ("to", .string(to.iso8601))])
                var sections: [[String: Any]] = []
                for name in Self.reportNames {
                    let report = try await self.report(name, from: from, to: to, request: request)
                    var chart: Any = false
                    var legend: [[String: Any]] = []
                    if let c = report.chart {
                        chart = c.view()
                        if c.series.count > 1 { legend = c.series.enumerated().map { ["name": $1, "series": $0 % 6] } }
                    }
                    sections.append([
                        "id": report.id, "title": report.title, "columns": report.columns, "chart": chart, "legend": legend,
                        "hasLegend": !legend.isEmpty, "from": Self.day(from), "to": Self.day(to.addingDays(-1)),
                        "more": name == "notices" ? "/reports/notices" as Any : false,
                        "rows": report.rows.prefix(100).enumerated().map { ["cells": $1, "flag": report.flagged.contains($0)] },
                    ])
                }
                return self.render(
                    "reports",
                    self.page(
                        context, title: "Reports", active: "/reports",
                        extra: ["sections": sections, "from": Self.day(from), "to": Self.day(to.addingDays(-1))]))
            },
            Endpoint(.get, "/reports/{name}/csv", roles: Self.readers, kind: .page, summary: "A report as CSV", parameters: [name] + range) {
                request, context in
                guard let name = context.parameters.get("name"), Self.reportNames.contains(name) else {
                    throw ConsoleError(.notFound, "no such report; reports are \(Self.reportNames.joined(separator: ", "))")
                }
                let (from, to) = try Self.reportRange(request)
                try await self.audit("console.report.download", context, [("report", .string(name)), ("from", .string(from.iso8601))])
                let report = try await self.report(name, from: from, to: to, request: request)
                return Self.csv([report.columns] + report.rows, filename: "chatvault-\(name)-\(Self.day(from))-\(Self.day(to.addingDays(-1))).csv")
            },
            Endpoint(
                .get, "/api/v1/reports/{name}", roles: Self.readers, kind: .api, summary: "A report as JSON", parameters: [name] + range,
                response: "Report"
            ) { request, context in
                guard let name = context.parameters.get("name"), Self.reportNames.contains(name) else {
                    throw ConsoleError(.notFound, "no such report; reports are \(Self.reportNames.joined(separator: ", "))")
                }
                let (from, to) = try Self.reportRange(request)
                try await self.audit("console.report", context, [("report", .string(name)), ("from", .string(from.iso8601))])
                let report = try await self.report(name, from: from, to: to, request: request)
                return Self.json(
                    .object([
                        ("report", .string(name)), ("title", .string(report.title)), ("columns", .array(report.columns.map(JSONValue.string))),
                        ("rows", .array(report.rows.map { .array($0.map(JSONValue.string)) })),
                    ]))
            },
        ]
    }

    /// `[from, to)`: whole UTC days, the last one included.
    static func reportRange(_ request: Request) throws -> (Timestamp, Timestamp) {
        let now = Timestamp.now()
        let today = Timestamp(iso8601: String(now.iso8601.prefix(10)) + "T00:00:00Z") ?? now
        let to = try request.queryTime("to")?.addingDays(1) ?? today.addingDays(1)
        let from = try request.queryTime("from") ?? to.addingDays(-30)
        guard from < to else { throw ConsoleError(.badRequest, "from must be before to") }
        guard to.microseconds - from.microseconds <= Int64(3660) * 86_400_000_000 else {
            throw ConsoleError(.badRequest, "a report covers at most ten years")
        }
        return (from, to)
    }

    static func day(_ time: Timestamp) -> String { String(time.iso8601.prefix(10)) }

    func report(_ name: String, from: Timestamp, to: Timestamp, request: Request? = nil) async throws -> Report {
        let people = people()
        switch name {
        case "notices":
            return try await noticeReport(request)
        case "volume":
            let counts = try await archive.volumeByDay(from: from, to: to)
            let platforms = Array(Set(counts.map(\.platform))).sorted()
            var days: [String] = []
            var day = from
            while day < to {
                days.append(Self.day(day))
                day = day.addingDays(1)
            }
            var table: [String: [String: Int]] = [:]
            for c in counts { table[c.day, default: [:]][c.platform] = c.messages }
            return Report(
                id: name, title: "Messages per day and platform", columns: ["day"] + platforms + ["total"],
                rows: days.map { d in
                    let row = platforms.map { table[d]?[$0] ?? 0 }
                    return [d] + row.map(String.init) + [String(row.reduce(0, +))]
                },
                chart: Chart(
                    title: "Messages per day", labels: days, series: platforms,
                    values: days.map { d in platforms.map { Double(table[d]?[$0] ?? 0) } }))
        case "participants":
            // The archive's own notices (sender `chatvault`) are no one's traffic.
            let top = try await archive.topSenders(from: from, to: to, limit: 26).filter { $0.key != NoticeLedger.sender.id }.prefix(25)
            return Report(
                id: name, title: "Top participants", columns: ["participant", "groups", "messages"],
                rows: top.map { [$0.key, people.groups(ofHandle: $0.key).sorted().joined(separator: " "), String($0.count)] },
                chart: Chart(title: "Top participants", labels: top.map(\.key), series: ["messages"], values: top.map { [Double($0.count)] }))
        case "traffic":
            let traffic = try await archive.conversationTraffic(from: from, to: to)
            let external = traffic.filter(\.isExternal).reduce(0) { $0 + $1.messages }
            let internalCount = traffic.filter { !$0.isExternal }.reduce(0) { $0 + $1.messages }
            return Report(
                id: name, title: "Internal and external traffic", columns: ["kind", "messages", "conversations"],
                rows: [
                    ["internal", String(internalCount), String(traffic.filter { !$0.isExternal }.count)],
                    ["external", String(external), String(traffic.filter(\.isExternal).count)],
                ],
                chart: Chart(
                    title: "Internal and external messages", labels: ["internal", "external"], series: ["messages"],
                    values: [[Double(internalCount)], [Double(external)]]))
        case "domains":
            let traffic = try await archive.conversationTraffic(from: from, to: to)
            let internalDomains = Set(vault.configuration.internalDomains.map { $0.lowercased() })
            var byDomain: [String: (messages: Int, conversations: Int)] = [:]
            for conversation in traffic where conversation.isExternal {
                let domains = Set(
                    conversation.participants.compactMap { id -> String? in
                        guard let at = id.lastIndex(of: "@") else { return nil }
                        let domain = id[id.index(after: at)...].lowercased()
                        return internalDomains.contains(domain) ? nil : domain
                    })
                for domain in domains {
                    byDomain[domain, default: (0, 0)].messages += conversation.messages
                    byDomain[domain, default: (0, 0)].conversations += 1
                }
            }
            let sorted = byDomain.sorted { ($0.value.messages, $1.key) > ($1.value.messages, $0.key) }.prefix(25)
            return Report(
                id: name, title: "Top external domains", columns: ["domain", "messages", "conversations"],
                rows: sorted.map { [$0.key, String($0.value.messages), String($0.value.conversations)] },
                chart: Chart(
                    title: "Top external domains", labels: sorted.map(\.key), series: ["messages"], values: sorted.map { [Double($0.value.messages)] }
                ))
        case "groups":
            let traffic = try await archive.conversationTraffic(from: from, to: to)
            let walls = policyWalls()
            var pairs: [String: Int] = [:]
            for conversation in traffic {
                let groups = Set(conversation.participants.flatMap { people.groups(ofHandle: $0) }).sorted()
                for (i, a) in groups.enumerated() {
                    for b in groups[i...] where a != b || conversation.participants.count > 1 {
                        pairs[a + "\u{1F}" + b, default: 0] += conversation.messages
                    }
                }
            }
            let sorted = pairs.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            var flagged = Set<Int>()
            let rows = sorted.enumerated().map { index, entry -> [String] in
                let parts = entry.key.split(separator: "\u{1F}").map(String.init)
                let wall = walls.first { Set([$0.first, $0.second]) == Set(parts) }
                if wall != nil { flagged.insert(index) }
                return [parts[0], parts.count > 1 ? parts[1] : parts[0], String(entry.value), wall?.name ?? ""]
            }
            return Report(
                id: name, title: "Who talks to whom (groups)", columns: ["group", "with group", "messages", "across ethical wall"], rows: rows,
                flagged: flagged)
        case "alerts":
            let alerts = try await archive.alertsByWeek(from: from, to: to)
            var counts: [String: Int] = [:]
            for alert in alerts {
                let groups = Set(alert.participants.flatMap { people.groups(ofHandle: $0) })
                for group in groups.isEmpty ? ["(none)"] : groups.sorted() {
                    counts[[alert.week, alert.rule, group].joined(separator: "\u{1F}"), default: 0] += 1
                }
            }
            let weeks = Array(Set(alerts.map(\.week))).sorted()
            let rules = Array(Set(alerts.map(\.rule))).sorted()
            var perWeek: [String: [String: Int]] = [:]
            for alert in alerts { perWeek[alert.week, default: [:]][alert.rule, default: 0] += 1 }
            return Report(
                id: name, title: "Alerts per rule, group and week", columns: ["week", "rule", "group", "alerts"],
                rows: counts.keys.sorted().map { key in key.split(separator: "\u{1F}").map(String.init) + [String(counts[key]!)] },
                chart: Chart(
                    title: "Alerts per week", labels: weeks, series: rules, values: weeks.map { w in rules.map { Double(perWeek[w]?[$0] ?? 0) } }))
        case "backlog":
            let backlog = try await archive.reviewBacklog(from: from, to: to)
            let times = backlog.closeTimes.sorted()
            let median = times.isEmpty ? "" : String(format: "%.1f h", times[times.count / 2] / 3600)
            let mean = times.isEmpty ? "" : String(format: "%.1f h", times.reduce(0, +) / Double(times.count) / 3600)
            return Report(
                id: name, title: "Review backlog and time to close", columns: ["measure", "value"],
                rows: [
                    ["open", String(backlog.open)], ["escalated", String(backlog.escalated)], ["closed", String(backlog.closed)],
                    ["closed in range", String(times.count)], ["median time to close", median], ["mean time to close", mean],
                ],
                chart: Chart(
                    title: "Alerts by state", labels: ["open", "escalated", "closed"], series: ["alerts"],
                    values: [[Double(backlog.open)], [Double(backlog.escalated)], [Double(backlog.closed)]]))
        default:
            let notes = try await archive.coachingNotes(limit: 5000).filter { $0.at >= from && $0.at < to }
            var perPerson: [String: (count: Int, last: Timestamp)] = [:]
            for note in notes {
                let employee = note.detail["employee"]?.stringValue ?? "unknown"
                let previous = perPerson[employee]
                perPerson[employee] = ((previous?.count ?? 0) + 1, max(previous?.last ?? note.at, note.at))
            }
            let sorted = perPerson.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            return Report(
                id: "coaching", title: "Coaching notes per person", columns: ["employee", "notes", "last note"],
                rows: sorted.map { [$0.key, String($0.value.count), Self.time($0.value.last)] },
                chart: Chart(title: "Coaching notes", labels: sorted.map(\.key), series: ["notes"], values: sorted.map { [Double($0.value.count)] }))
        }
    }

    func policyWalls() -> [EthicalWall] {
        guard let text = try? vault.policyText(), let policy = try? UsePolicy.load(yaml: text, source: "policy.yaml") else { return [] }
        return policy.walls
    }
}

extension Timestamp {
    func addingDays(_ days: Int) -> Timestamp { Timestamp(microseconds: microseconds + Int64(days) * 86_400_000_000) }
}
