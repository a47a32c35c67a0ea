import ChatVaultCapture
import ChatVaultCore
import Foundation
import Testing

/// `chatvault capture matrix` against a real Synapse (scripts/peers/start_synapse.sh).
@Suite(.serialized) struct MatrixLiveTests {
    /// Started once for the suite; `false` skips the tests (unless CHATVAULT_REQUIRE_PEERS=1 made it a failure).
    static let synapse: Bool = (try? Peers.script("start_synapse.sh")) ?? false

    static var adminToken: String {
        let file = Peers.directory + "/synapse/alice.token"
        return ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Sent {
        var room: String
        var events: [String?]
    }

    /// `matrix_send.py ROOM ACTION...` (ROOM a new room's name or a room id).
    func send(_ vault: LiveVault, _ room: String, _ actions: [String]) throws -> Sent {
        let output = try vault.run(Peers.python, [Peers.scripts.appendingPathComponent("matrix_send.py").path, room] + actions)
        try #require(output.status == 0, "matrix_send.py failed: \(output.stdout)\(output.stderr)")
        let json = try JSONParser().parse(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        return Sent(room: json["room"]?.stringValue ?? "", events: json["events"]?.arrayValue?.map(\.stringValue) ?? [])
    }

    func capture(_ vault: LiveVault, room: String, once: Bool = false, log: String = "capture.log") throws -> Process {
        var arguments = [
            "capture", "matrix", "--vault", vault.path, "--homeserver",
            "http://127.0.0.1:\(ProcessInfo.processInfo.environment["SYNAPSE_PORT"] ?? "18008")",
            "--token-env", "CV_MATRIX_TOKEN", "--room", room, "--poll-seconds", "0.2", "--max-backoff", "1", "--name", "synapse",
        ]
        if once { arguments.append("--once") }
        return try vault.start(arguments, environment: ["CV_MATRIX_TOKEN": Self.adminToken], log: log)
    }

    func hits(_ vault: LiveVault, kind: String = "message") throws -> [JSONValue] {
        try vault.search(vault.token).filter { $0["kind"]?.stringValue == kind }
    }

    @Test func messagesEditsRedactionsCardNumbersAndAlerts() async throws {
        guard Self.synapse else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        try vault.installPolicy()
        let token = vault.token
        let before = Date()
        let room = try send(vault, "cv-\(token)", ["alice:text:first \(token) from alice"])
        let capture = try capture(vault, room: room.room)
        defer { _ = vault.stop(capture) }
        // Captured while the capture is running: new events after the first catch-up.
        let sent = try send(
            vault, room.room,
            [
                "alice:text:second \(token) from alice", "bob:text:reply \(token) from bob", "bob:text:card 4111 1111 1111 1111 \(token)",
                "alice:text:whatsapp me later \(token)", "alice:file:q3-\(token).pdf:52431:application/pdf",
            ])
        // Captured before they are edited or redacted (a message redacted before it is read has no content left to keep).
        #expect(try await vault.eventually { try self.hits(vault).count == 5 }, "\(vault.log("capture.log"))")
        let changes = try send(
            vault, room.room,
            [
                "alice:edit:\(sent.events[0] ?? "-"):second \(token) edited by alice", "bob:react:\(sent.events[0] ?? "-"):👍",
                "alice:redact:\(sent.events[1] ?? "-")",
            ])
        let after = Date()
        // 0 first, 1 second, 2 reply, 3 card, 4 alert, 5 file, 6 edit of 1, 7 reaction to 1, 8 redaction of 2
        let events = [room.events[0]] + sent.events + changes.events
        let arrived = try await vault.eventually {
            let transcript = try vault.transcript("matrix:\(room.room)")
            return transcript.contains { $0["kind"]?.stringValue == "delete" }
                && transcript.contains { !($0["attachments"]?.arrayValue ?? []).isEmpty }
        }
        #expect(arrived, "capture log:\n\(vault.log("capture.log"))")

        let messages = try hits(vault)
        #expect(messages.count == 5, "\(messages)")
        let ids = messages.map { $0["source_id"]?.string ?? "" }
        #expect(Set(ids).count == ids.count, "a message was stored twice: \(ids)")
        let first = try #require(messages.first { $0["source_id"]?.stringValue == events[0] })
        #expect(first["sender"]?.stringValue == "@alice:localhost")
        #expect(first["text"]?.stringValue == "first \(token) from alice")
        let reply = try #require(messages.first { $0["source_id"]?.stringValue == events[2] })
        #expect(reply["sender"]?.stringValue == "@bob:localhost")
        #expect(reply["text"]?.stringValue == "reply \(token) from bob")
        #expect(reply["sender_name"]?.stringValue == "bob")
        for message in messages {
            let sentAt = try #require(message["sent_at"]?.stringValue.flatMap { Timestamp(iso8601: $0) })
            let seconds = Double(sentAt.microseconds) / 1_000_000
            #expect(seconds >= before.timeIntervalSince1970 - 2 && seconds <= after.timeIntervalSince1970 + 2, "\(message)")
        }
        // The edit is an edit of the second message.
        let edit = try #require(try hits(vault, kind: "edit").first)
        #expect(edit["source_id"]?.stringValue == events[6])
        #expect(edit["target"]?.stringValue == events[1])
        #expect(edit["text"]?.stringValue == "second \(token) edited by alice")
        // The redaction is a deletion of bob's reply; the transcript shows it.
        let transcript = try vault.transcript("matrix:\(room.room)")
        let deletion = try #require(transcript.first { $0["kind"]?.stringValue == "delete" })
        #expect(deletion["source_id"]?.stringValue == events[8])
        #expect(deletion["target"]?.stringValue == events[2])
        #expect(deletion["sender"]?.stringValue == "@alice:localhost")
        let shown = try vault.chatvault(["show", "--vault", vault.path, "matrix:\(room.room)"]).stdout
        #expect(shown.contains("deleted \(events[2] ?? "-")"), "\(shown)")
        let reaction = try #require(transcript.first { $0["kind"]?.stringValue == "reaction" })
        #expect(reaction["target"]?.stringValue == events[1] && reaction["text"]?.stringValue == "👍")
        #expect(reaction["sender"]?.stringValue == "@bob:localhost")
        let file = try #require(transcript.first { !($0["attachments"]?.arrayValue ?? []).isEmpty })
        #expect(file["attachments"]?.arrayValue?.first?["name"]?.stringValue == "q3-\(token).pdf")
        #expect(file["attachments"]?.arrayValue?.first?["size"]?.scalarText == "52431")
        #expect(transcript.contains { $0["kind"]?.stringValue == "join" && $0["sender"]?.stringValue == "@bob:localhost" })
        // The card number never reached the archive.
        let card = try #require(messages.first { $0["source_id"]?.stringValue == events[3] })
        #expect(!(card["text"]?.string.contains("4111 1111 1111 1111") ?? true), "\(card)")
        #expect(try vault.search("\"4111 1111 1111 1111\"").isEmpty)
        #expect(try vault.search("4111111111111111").isEmpty)
        // The lexicon rule raised an alert.
        #expect(try vault.alerts().contains("off-channel"))
        #expect(vault.stop(capture) == 0, "\(vault.log("capture.log"))")
        let state = try await vault.state("synapse")
        #expect(state.cursors[room.room] != nil)
        #expect(state.status == .up)
    }

    @Test func killedMidStreamAndRestartedStoresEveryMessageOnce() async throws {
        guard Self.synapse else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let room = try send(vault, "cv-\(token)", ["alice:text:m0 \(token)"])
        var capture = try capture(vault, room: room.room)
        // 30 messages sent in the background (about 20 a second) while the capture runs; it is killed part way.
        let actions = (1...30).flatMap { ["\($0 % 2 == 0 ? "alice" : "bob"):text:m\($0) \(token)", "alice:pause:0.05"] }
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: Peers.python)
        sender.arguments = [Peers.scripts.appendingPathComponent("matrix_send.py").path, room.room] + actions
        sender.standardOutput = FileHandle.nullDevice
        sender.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["PEERS_DIR"] = Peers.directory
        sender.environment = environment
        try sender.run()
        let some = try await vault.eventually(30) { try self.hits(vault).count >= 5 }
        #expect(some, "\(vault.log("capture.log"))")
        kill(capture.processIdentifier, SIGKILL)
        capture.waitUntilExit()
        let storedBeforeKill = try hits(vault).count
        #expect(vault.wait(sender, timeout: 60) == 0)
        // More messages while no capture runs; the restart must pick them up from the saved cursor.
        _ = try send(vault, room.room, (1...5).map { "bob:text:after \($0) \(token)" })
        capture = try self.capture(vault, room: room.room)
        defer { _ = vault.stop(capture) }
        let expected = Set((0...30).map { "m\($0) \(token)" } + (1...5).map { "after \($0) \(token)" })
        let all = try await vault.eventually { try self.hits(vault).count >= expected.count }
        #expect(all, "\(vault.log("capture.log"))")
        try await Task.sleep(for: .milliseconds(600))
        let texts = try hits(vault).map { $0["text"]?.string ?? "" }
        #expect(texts.count == expected.count, "stored before the kill: \(storedBeforeKill)")
        #expect(Set(texts) == expected)
        #expect(vault.stop(capture) == 0)
    }

    @Test func serverDownIsReportedAndCaptureResumes() async throws {
        guard Self.synapse else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let room = try send(vault, "cv-\(token)", ["alice:text:before \(token)"])
        let capture = try capture(vault, room: room.room)
        defer { _ = vault.stop(capture) }
        #expect(try await vault.eventually { try self.hits(vault).count == 1 })
        #expect(try Peers.script("stop_synapse.sh"))
        let down = try await vault.eventually(15) {
            let state = try await vault.state("synapse")
            return state.status == .down && state.lastError != nil
        }
        let state = try await vault.state("synapse")
        #expect(down, "\(state)")
        #expect(state.lastError?.contains("synapse") == true, "\(state.lastError ?? "-")")
        let row = try vault.sourceRow("synapse")
        #expect(row?["status"]?.stringValue == "down", "\(String(describing: row))")
        #expect(row?["last_error"]?.stringValue?.contains("connection") == true, "\(String(describing: row))")
        try #require(try Peers.script("start_synapse.sh"))
        _ = try send(vault, room.room, ["bob:text:after \(token)"])
        #expect(try await vault.eventually(20) { try self.hits(vault).count == 2 }, "\(vault.log("capture.log"))")
        let resumed = try await vault.state("synapse")
        #expect(resumed.status == .up)
        #expect(try vault.sourceRow("synapse")?["status"]?.stringValue == "up")
        #expect(resumed.gaps.contains { $0.kind == "down" })
        #expect(try hits(vault).map { $0["sender"]?.string ?? "" } == ["@alice:localhost", "@bob:localhost"])
    }

    @Test func onceCatchesUpAndExitsAndBadTokensAreClearErrors() async throws {
        guard Self.synapse else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let room = try send(vault, "cv-\(vault.token)", ["alice:text:once \(vault.token)"])
        let once = try capture(vault, room: room.room, once: true)
        #expect(vault.wait(once, timeout: 20) == 0, "\(vault.log("capture.log"))")
        #expect(try hits(vault).count == 1)
        let again = try capture(vault, room: room.room, once: true)
        #expect(vault.wait(again, timeout: 20) == 0)
        #expect(try hits(vault).count == 1)
        let bad = try vault.chatvault([
            "capture", "matrix", "--vault", vault.path, "--homeserver",
            "http://127.0.0.1:\(ProcessInfo.processInfo.environment["SYNAPSE_PORT"] ?? "18008")",
            "--token-file", "/dev/null", "--once", "--name", "bad",
        ])
        #expect(bad.status != 0)
        let wrong = try vault.run(
            Peers.binary.path,
            [
                "capture", "matrix", "--vault", vault.path, "--homeserver",
                "http://127.0.0.1:\(ProcessInfo.processInfo.environment["SYNAPSE_PORT"] ?? "18008")", "--token-env", "T", "--once", "--name", "wrong",
            ], environment: ["T": "syt_not_a_real_token"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("401"), "\(wrong.stderr)")
        let state = try await vault.state("wrong")
        #expect(state.status == .down)
        #expect(state.lastError?.contains("authentication") == true)
    }

    @Test func sourceFromConfigJSONWithATokenFileInsideTheVault() async throws {
        guard Self.synapse else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let room = try send(vault, "cv-\(vault.token)", ["bob:text:configured \(vault.token)"])
        let vaultURL = URL(fileURLWithPath: vault.path)
        try Self.adminToken.write(to: vaultURL.appendingPathComponent("matrix.token"), atomically: true, encoding: .utf8)
        let configURL = vaultURL.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any] ?? [:]
        config["sources"] = [
            [
                "name": "hs", "kind": "matrix", "host": "127.0.0.1",
                "port": Int(ProcessInfo.processInfo.environment["SYNAPSE_PORT"] ?? "18008") ?? 18008,
                "tls": false, "token_file": "matrix.token", "archives": [room.room], "poll_seconds": 0.2,
            ]
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let once = try vault.chatvault(["capture", "matrix", "--vault", vault.path, "--source", "hs", "--once"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(try hits(vault).map { $0["sender"]?.string ?? "" } == ["@bob:localhost"])
        #expect(try await vault.state("hs").cursors[room.room] != nil)
        let wrongKind = try vault.chatvault(["capture", "irc", "--vault", vault.path, "--source", "hs"])
        #expect(wrongKind.status == 2)
        #expect(wrongKind.stderr.contains("not irc"))
    }
}
