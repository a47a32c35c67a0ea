import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ChatVaultServer

/// Findings of the security review of the sign-in hardening (issue 13).
@Suite struct SecurityReviewTests {
    /// Names compare under NFKC and full case folding: lower-casing alone keeps `ß` apart from
    /// `ss` (and `ς` from `σ`). Account names are ASCII today, so this guards the helper.
    @Test func identitiesCompareUnderFullCaseFolding() {
        #expect(Identity.same("STRASSE", "straße"))
        #expect(Identity.same("ΣΟΦΟΣ", "σοφος"))
        #expect(Identity.same("ＡＬＩＣＥ", "alice"))
        #expect(!Identity.same("alice", "alicia"))
    }

    /// One IPv6 client holds a whole /64: counting per full address would give it 2^64 fresh
    /// budgets. Attempts from one /64 count as one address; an IPv4-mapped address as its IPv4.
    @Test func ipv6AddressesAreThrottledPerSlash64() async {
        let throttle = LoginThrottle()
        for host in 1...5 {
            guard case .proceed(let ticket) = await throttle.begin(account: "officer", address: "2001:db8:1:2::\(host)") else {
                Issue.record("attempt \(host) refused")
                return
            }
            await throttle.finish(ticket, succeeded: false)
        }
        guard case .refused = await throttle.begin(account: "officer", address: "2001:DB8:1:2:ffff::6") else {
            Issue.record("a sixth address in the same /64 was not throttled")
            return
        }
        guard case .proceed = await throttle.begin(account: "officer", address: "2001:db8:1:3::1") else {
            Issue.record("another /64 was throttled")
            return
        }
        #expect(LoginThrottle.network("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(LoginThrottle.network("192.0.2.7") == "192.0.2.7")
        #expect(LoginThrottle.network("2001:db8:1:2:aaaa::1") == LoginThrottle.network("2001:0db8:0001:0002::9"))
    }
}

/// `X-Forwarded-For` behind a trusted proxy: the right-most hop that is not a trusted proxy,
/// across several headers and spaces, without the port some proxies append.
@Suite struct SecurityReviewForwardedTests {
    static let proxies = ["10.0.0.1", "10.0.0.2"]

    @Test func rightMostUntrustedHopWithoutPort() {
        func resolve(_ headers: [String], peer: String = "10.0.0.1") -> String {
            ClientAddress.resolve(peer: peer, forwardedFor: headers, trusted: Self.proxies)
        }
        #expect(resolve(["198.51.100.1 , 203.0.113.9", " 192.0.2.4 "]) == "192.0.2.4")
        #expect(resolve(["203.0.113.9, 10.0.0.2"]) == "203.0.113.9")
        #expect(resolve(["203.0.113.9"], peer: "192.0.2.50") == "192.0.2.50")
        // A port per connection would give each connection a fresh sign-in budget.
        #expect(resolve(["203.0.113.9:5555"]) == "203.0.113.9")
        #expect(resolve(["[2001:db8::1]:443"]) == "2001:db8::1")
        #expect(resolve(["2001:db8::1"]) == "2001:db8::1")
        #expect(resolve(["not-an-address"]) == "10.0.0.1")
        #expect(resolve(["1.2.3.4.5:6"]) == "10.0.0.1")
    }
}

/// Sessions against a real server over an account changed by the CLI's own store.
@Suite(.serialized) struct SecurityReviewSessionTests {
    /// Disabled and enabled again, or moved to another role and back, on the CLI (which cannot
    /// reach the server's sessions): the old session must not come back to life.
    @Test func disableAndEnableOnTheCLIEndsSessions() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let cli = try AccountStore(vaultDirectory: fixture.directory, bcryptCost: 4)
            let first = try #require(try await Session.signIn(client, user: "officer"))
            try await cli.setUser(name: "officer", role: .officer, password: nil, disabled: true)
            try await cli.setUser(name: "officer", role: .officer, password: nil, disabled: false)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: first.headers(csrf: false)).status == .unauthorized)
            let second = try #require(try await Session.signIn(client, user: "officer"))
            try await cli.setUser(name: "officer", role: .auditor, password: nil)
            try await cli.setUser(name: "officer", role: .officer, password: nil)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: second.headers(csrf: false)).status == .unauthorized)
        }
    }
}
