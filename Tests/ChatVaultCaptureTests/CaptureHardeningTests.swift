import ChatVaultCapture
import Crypto
import Foundation
import Testing

/// Issue 13 item 12: SCRAM iteration bounds and no secrets in config.json.
@Suite struct CaptureHardeningTests {
    func refused(_ iterations: String) -> String? {
        var scram = SCRAM<SHA256>(username: "user", password: "pencil", clientNonce: "abc")
        do {
            _ = try scram.clientFinal(serverFirst: "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=\(iterations)")
            return nil
        } catch {
            return error.reason
        }
    }

    /// A server (or someone between it and us) asking for one iteration makes the proof
    /// cheap to brute-force offline; one asking for billions makes the client spin.
    @Test(arguments: ["1", "2", "4095", "1000001", "99999999999", "-4096", "4096.5"])
    func iterationCountsOutsideTheSafeRangeAreRefused(iterations: String) {
        #expect(refused(iterations)?.contains("iteration count") == true)
    }

    @Test func theRFCMinimumIsAccepted() {
        #expect(refused("4096") == nil)
        #expect(SCRAM<SHA256>.minIterations == 4096 && SCRAM<SHA256>.maxIterations == 1_000_000)
    }

    @Test(arguments: ["password", "token", "access_token"])
    func aLiteralSecretInTheConfigIsRefused(key: String) throws {
        let json = ##"{"sources":[{"name":"desk","kind":"irc","host":"127.0.0.1","archives":["#desk"],"\##(key)":"hunter2"}]}"##
        let vault = FileManager.default.temporaryDirectory.appendingPathComponent("cv-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: vault, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: vault) }
        try json.write(to: vault.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        do {
            _ = try CaptureConfiguration.load(vaultDirectory: vault)
            Issue.record("a literal \(key) was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("desk") && text.contains("literal \"\(key)\" is not allowed"), "\(text)")
            #expect(!text.contains("hunter2"), "the error does not repeat the secret")
        }
    }

    @Test func secretsByReferenceStillLoad() throws {
        let json = #"{"sources":[{"name":"desk","kind":"irc","password_env":"IRC_PASSWORD","allow_plaintext_password":true}]}"#
        let vault = FileManager.default.temporaryDirectory.appendingPathComponent("cv-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: vault, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: vault) }
        try json.write(to: vault.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let source = try #require(try CaptureConfiguration.load(vaultDirectory: vault).sources.first)
        #expect(source.passwordEnv == "IRC_PASSWORD" && source.allowPlaintextPassword == true && source.password == nil)
    }
}
