import ChatVaultCapture
import Foundation
import Testing

@Suite struct XMPPAccountTests {
    let vault = URL(fileURLWithPath: "/srv/vault")

    func source(_ change: (inout SourceConfiguration) -> Void) -> SourceConfiguration {
        var configuration = SourceConfiguration(name: "prosody", kind: "xmpp")
        change(&configuration)
        return configuration
    }

    @Test func aBareJIDGivesTheDomainAndDefaultsFollowIt() throws {
        let account = try XMPPAccount(
            source {
                $0.username = "Alice@Example.org"
                $0.password = "secret"
            }, vaultDirectory: vault)
        #expect(account.username == "alice")
        #expect(account.domain == "example.org")
        #expect(account.host == "example.org")
        #expect(account.port == 5222)
        #expect(account.requireTLS)
        #expect(account.bareJID == "alice@example.org")
    }

    @Test func thePasswordComesFromTheEnvironmentAndMistakesAreNamed() throws {
        let configuration = source {
            $0.username = "alice"
            $0.domain = "localhost"
            $0.passwordEnv = "CHATVAULT_TEST_UNSET_\(UUID().uuidString.prefix(6))"
        }
        #expect(throws: CaptureError.self) { try XMPPAccount(configuration, vaultDirectory: vault) }
        #expect(throws: CaptureError.self) {
            try XMPPAccount(source { $0.password = "x" }, vaultDirectory: vault)  // no username
        }
        #expect(throws: CaptureError.self) {
            try XMPPAccount(
                source {
                    $0.username = "alice"
                    $0.password = "x"
                }, vaultDirectory: vault)  // no domain
        }
        #expect(throws: CaptureError.self) {
            try XMPPAccount(
                source {
                    $0.username = "alice@localhost"
                    $0.password = "x"
                    $0.caFile = "certs/missing.pem"
                }, vaultDirectory: vault)
        }
        #expect(throws: CaptureError.self) {
            try XMPPAccount(
                source {
                    $0.username = "alice@localhost"
                    $0.password = "x"
                    $0.port = 70000
                }, vaultDirectory: vault)
        }
    }

    @Test func jidsFoldToBareJIDsAndResources() {
        #expect(JID.bare("Alice@Localhost/Phone/x") == "alice@localhost")
        #expect(JID.resource("room@conference.localhost/nick/with/slash") == "nick/with/slash")
        #expect(JID.resource("alice@localhost") == nil)
        #expect(JID.resource("alice@localhost/") == nil)
    }
}
