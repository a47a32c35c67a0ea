import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird

extension ConsoleServer {
    static let gatewayWatchers: Set<Role> = [.admin, .officer]

    /// A gateway that has not called for this long is shown as not reachable.
    static let gatewayQuietSeconds: Int64 = 300

    /// The gateway status page and its JSON: per gateway token, when it last called, the
    /// fail mode its module reports, and its decisions per second.
    var gatewayStatusEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/admin/gateways", roles: Self.gatewayWatchers, kind: .page, summary: "Gateway modules: last call, decisions, fail mode") {
                _, context in
                try await self.audit("console.gateways", context, [])
                let gateways = try await self.gatewayStatus()
                return self.render(
                    "gateways",
                    self.page(
                        context, title: "Gateways", active: "/admin/gateways",
                        extra: ["gateways": gateways.map(\.view), "quietMinutes": Self.gatewayQuietSeconds / 60]))
            },
            Endpoint(
                .get, "/api/v1/gateways", roles: Self.gatewayWatchers, kind: .api, summary: "Gateway modules: last call, decisions, fail mode",
                response: "GatewayStatus"
            ) { _, context in
                try await self.audit("console.gateways", context, [])
                return Self.json(.object([("gateways", .array(try await self.gatewayStatus().map(\.json)))]))
            },
        ]
    }

    /// One gateway token as the status page shows it.
    struct GatewayRow {
        var token: APIToken
        var activity: GatewayMonitor.Activity?
        var now: Timestamp

        var secondsSinceCall: Int64? { activity.map { (now.microseconds - $0.lastCallAt.microseconds) / 1_000_000 } }
        var reachable: Bool { secondsSinceCall.map { $0 <= ConsoleServer.gatewayQuietSeconds } ?? false }
        var state: String {
            guard let activity else { return "never called" }
            if !reachable { return "not heard from" }
            return (200..<300).contains(activity.lastStatus) ? "reachable" : "reachable, last call failed"
        }

        static func rate(_ count: Int, per seconds: Double) -> String { String(format: "%.2f", Double(count) / seconds) }

        var view: [String: Any] {
            [
                "name": token.name, "platforms": token.ingestScope.platforms.joined(separator: ", "), "state": state, "reachable": reachable,
                "pending": !token.isUsable, "lastCall": activity?.lastCallAt.iso8601 ?? "", "lastPath": activity?.lastPath ?? "",
                "lastStatus": activity.map { String($0.lastStatus) } ?? "", "address": activity?.lastAddress ?? "",
                "ago": secondsSinceCall.map { "\($0) s ago" } ?? "", "failMode": activity?.failMode?.rawValue ?? "not reported",
                "failOpen": activity?.failMode == .open, "calls": activity?.calls ?? 0, "failures": activity?.failures ?? 0,
                "notices": activity?.noticesRecorded ?? 0, "minute": Self.rate(activity?.decisionsLastMinute ?? 0, per: 60),
                "hour": Self.rate(activity?.decisionsLastHour ?? 0, per: 3600), "minuteCount": activity?.decisionsLastMinute ?? 0,
                "hourCount": activity?.decisionsLastHour ?? 0,
            ]
        }

        var json: JSONValue {
            .object([
                ("token", .string(token.name)), ("platforms", .array(token.ingestScope.platforms.map(JSONValue.string))),
                ("state", .string(state)), ("reachable", .bool(reachable)), ("last_call_at", .optional(activity?.lastCallAt.iso8601)),
                ("last_path", .optional(activity?.lastPath)), ("last_status", activity.map { .int($0.lastStatus) } ?? .null),
                ("last_address", .optional(activity?.lastAddress)), ("fail_mode", .optional(activity?.failMode?.rawValue)),
                ("calls", .int(activity?.calls ?? 0)), ("failures", .int(activity?.failures ?? 0)),
                ("notices_recorded", .int(activity?.noticesRecorded ?? 0)),
                ("decisions_last_minute", .int(activity?.decisionsLastMinute ?? 0)), ("decisions_last_hour", .int(activity?.decisionsLastHour ?? 0)),
                ("decisions_per_second_last_minute", .number(Self.rate(activity?.decisionsLastMinute ?? 0, per: 60))),
                ("decisions_per_second_last_hour", .number(Self.rate(activity?.decisionsLastHour ?? 0, per: 3600))),
            ])
        }
    }

    func gatewayStatus() async throws -> [GatewayRow] {
        let now = Timestamp.now()
        let activity = await gateways.snapshot(now: now)
        return await accounts.tokens.filter { $0.role == .gateway }.sorted { $0.name < $1.name }.map {
            GatewayRow(token: $0, activity: activity[$0.name], now: now)
        }
    }

    /// Reads the fail mode a gateway module reports; a value other than `closed` or `open` is refused.
    static func reportedFailMode(_ request: Request) throws -> GatewayMonitor.FailMode? {
        guard let value = request.headers[GatewayMonitor.failModeHeader] else { return nil }
        guard let mode = GatewayMonitor.FailMode(rawValue: value.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ConsoleError(.badRequest, "X-ChatVault-Fail-Mode must be closed or open")
        }
        return mode
    }

    /// Counts a gateway token's call for the status page; `nil` status for a call that threw.
    func recordGatewayCall(_ endpoint: Endpoint, _ request: Request, _ context: ConsoleContext, status: Int) async {
        guard let principal = context.principal, principal.role == .gateway, let token = principal.token else { return }
        await gateways.record(
            token: token, path: endpoint.path, status: status, address: context.remoteAddress, failMode: try? Self.reportedFailMode(request),
            at: .now())
    }
}
