import ChatVaultCapture
import Crypto
import Testing

@Suite struct SCRAMTests {
    @Test func sha1MatchesRFC5802() throws {
        var scram = SCRAM<Insecure.SHA1>(username: "user", password: "pencil", clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        #expect(scram.clientFirst == "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
        let final = try scram.clientFinal(serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
        #expect(final == "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
        try scram.verify(serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
    }

    @Test func sha256MatchesRFC7677() throws {
        var scram = SCRAM<SHA256>(username: "user", password: "pencil", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        let final = try scram.clientFinal(
            serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
        #expect(final == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        try scram.verify(serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    @Test func aServerThatDoesNotKnowThePasswordIsRefused() throws {
        var scram = SCRAM<Insecure.SHA1>(username: "user", password: "pencil", clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        _ = try scram.clientFinal(serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
        #expect(throws: SCRAM<Insecure.SHA1>.Failure.self) { try scram.verify(serverFinal: "v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=") }
        #expect(throws: SCRAM<Insecure.SHA1>.Failure.self) { try scram.verify(serverFinal: "e=invalid-proof") }
    }

    @Test func hostileChallengesAreRefused() {
        func attempt(_ serverFirst: String) -> Bool {
            var scram = SCRAM<Insecure.SHA1>(username: "user", password: "pencil", clientNonce: "abc")
            return (try? scram.clientFinal(serverFirst: serverFirst)) == nil
        }
        #expect(attempt("r=xyz123,s=QSXCR+Q6sek8bf92,i=4096"))  // nonce not extending ours
        #expect(attempt("r=abc,s=QSXCR+Q6sek8bf92,i=4096"))  // nonce not extended at all
        #expect(attempt("r=abcdef,s=QSXCR+Q6sek8bf92,i=999999999"))  // iteration bomb
        #expect(attempt("r=abcdef,s=QSXCR+Q6sek8bf92,i=0"))
        #expect(attempt("r=abcdef,s=!!!,i=4096"))
        #expect(attempt("garbage"))
    }

    @Test func usernamesAreEscaped() {
        let scram = SCRAM<SHA256>(username: "a=b,c", password: "x", clientNonce: "n")
        #expect(scram.clientFirst == "n,,n=a=3Db=2Cc,r=n")
    }
}
