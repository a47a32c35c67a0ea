import Foundation
import Testing

@testable import ChatVaultPostgres

/// Parsing `postgres://` locations; the password never comes from or shows in the URL.
@Suite struct PostgresLocationTests {
    @Test func parsesAURL() throws {
        let location = try PostgresLocation(url: "postgres://chatvault@db.example:6432/vault?sslmode=require", environment: [:])
        #expect(location.host == "db.example" && location.port == 6432 && location.user == "chatvault")
        #expect(location.database == "vault" && location.tls == .require && location.password == nil)
    }

    @Test func defaultsPortDatabaseAndTLS() throws {
        let location = try PostgresLocation(url: "postgresql://archiver@127.0.0.1", environment: [:])
        #expect(location.port == 5432 && location.database == "archiver" && location.tls == .prefer)
    }

    @Test func readsThePasswordFromTheEnvironmentAndNeverPrintsIt() throws {
        let location = try PostgresLocation(
            url: "postgres://u@h/d?sslmode=disable", environment: [PostgresLocation.passwordVariable: "s3cret-value"])
        #expect(location.password == "s3cret-value")
        #expect(location.description == "postgres://u@h:5432/d?sslmode=disable")
        #expect(!"\(location)".contains("s3cret"))
    }

    @Test func refusesAPasswordInTheURLWithoutEchoingIt() throws {
        let error = #expect(throws: PostgresStoreError.self) {
            try PostgresLocation(url: "postgres://u:hunter2@h/d", environment: [:])
        }
        #expect(error?.code == .invalidLocation)
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("refused") == true)
    }

    @Test func refusesBadInput() {
        for url in ["mysql://u@h/d", "postgres://h/d", "postgres://u@h/d?sslmode=verify-full", "postgres://u@h/d?host=x", "postgres://u@h/a/b"] {
            #expect(throws: PostgresStoreError.self, "\(url)") { try PostgresLocation(url: url, environment: [:]) }
        }
    }

    @Test func readsAPrivatePasswordFileAndRefusesAReadableOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-password-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(atPath: path, contents: Data("from-file\n".utf8), attributes: [.posixPermissions: 0o600])
        let location = try PostgresLocation(
            url: "postgres://u@h/d", passwordFile: path, environment: [PostgresLocation.passwordVariable: "from-env"])
        #expect(location.password == "from-file")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: "postgres://u@h/d", passwordFile: path) }
        #expect(error?.message.contains("chmod 600") == true)
    }
}
