import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation

struct Retention: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Retention rules and disposition (two-person rule).",
        discussion: """
            Where several rules match a message the longest period wins. Lengthening a rule
            applies to every record; shortening applies only to records stored afterwards.
            `run --dry-run` shows what would go; `propose` records a disposition that another
            officer must `approve` before anything is deleted. Each step is signed with the
            officer's registered key (--key FILE; see `chatvault officer`), and the approver's
            key must belong to someone other than the proposer. A disposed message keeps its
            leaf and gains a tombstone, so `verify` still proves the log complete.
            """,
        subcommands: [SetRule.self, Rules.self, Run.self, Propose.self, Approve.self])

    struct SetRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Add or change a rule (a new version).")
        @OptionGroup var options: VaultOptions
        @Option(help: "The rule's name.") var name: String
        @Option(help: "Retention period in days (e.g. 2190 for six years).") var days: Int
        @Option(help: "Only this platform.") var platform: String?
        @Option(help: "Only this conversation (platform:id).") var conversation: String?
        @Option(help: "Only messages this handle sent or received.") var person: String?

        func run() async throws {
            try await reportingErrors {
                let archive = try options.openArchive()
                try await archive.setRetentionRule(
                    RetentionRule(name: name, platform: platform, conversation: conversation, person: person, periodDays: days),
                    actor: options.actorName)
                Terminal.out("rule \(name): \(days) days")
            }
        }
    }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the current rules.")
        @OptionGroup var options: VaultOptions

        func run() async throws {
            try await reportingErrors {
                let archive = try options.openArchive()
                try await archive.recordAudit(action: "retention.rules.read", actor: options.actorName, detail: .object([]))
                for rule in try await archive.retentionRules() {
                    let scope = [
                        rule.platform.map { "platform \($0)" }, rule.conversation.map { "conversation \($0)" }, rule.person.map { "person \($0)" },
                    ]
                    .compactMap { $0 }.joined(separator: ", ")
                    Terminal.out(
                        "\(Terminal.safe(rule.name))  \(rule.periodDays) days  \(scope.isEmpty ? "all messages" : Terminal.safe(scope))  (since \(rule.effectiveFrom.iso8601), by \(Terminal.safe(rule.setBy)))"
                    )
                }
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what a disposition now would remove (--dry-run).")
        @OptionGroup var options: VaultOptions
        @Flag(name: .customLong("dry-run"), help: "Required: only report; use propose/approve to delete.") var dryRun = false
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            guard dryRun else { throw ValidationError("deleting needs two officers: use `retention propose`, then `retention approve ID`") }
        }

        func run() async throws {
            try await reportingErrors {
                let archive = try options.openArchive()
                let plan = try await archive.dispositionPlan(cutoff: Timestamp.now())
                try await archive.recordAudit(
                    action: "retention.dry-run", actor: options.actorName,
                    detail: .object([("expired", .int(plan.expired.count)), ("held", .int(plan.held))]))
                if json {
                    Terminal.json(.object([("expired", .int(plan.expired.count)), ("held", .int(plan.held))]))
                } else {
                    Terminal.out("\(plan.expired.count) messages are past their retention period; \(plan.held) more are kept by legal holds")
                }
            }
        }
    }

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Propose a disposition (a second officer approves it).")
        @OptionGroup var options: VaultOptions
        @Option(help: "Your officer key file (default $CHATVAULT_OFFICER_KEY).") var key: String?

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let archive = try vault.openArchive()
                let officer = try await OfficerKeys.signer(keyPath: key, options: options, archive: archive, step: "proposing a disposition")
                let evidence = try officer.evidence(
                    action: "retention.propose", subject: "at \(Timestamp.now().microseconds)",
                    vaultKey: PublicKeyText.format(try vault.signer().publicKey))
                let disposition = try await archive.proposeDisposition(actor: officer.registration.name, evidence: evidence)
                Terminal.out(
                    "proposed disposition \(disposition.id): \(disposition.candidates) messages; another officer runs `chatvault retention approve \(disposition.id)`"
                )
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve and carry out another officer's proposed disposition.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "The disposition id.") var id: Int64
        @Option(help: "Your officer key file (default $CHATVAULT_OFFICER_KEY).") var key: String?

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let archive = try vault.openArchive()
                let officer = try await OfficerKeys.signer(keyPath: key, options: options, archive: archive, step: "approving a disposition")
                let evidence = try officer.evidence(
                    action: "retention.approve", subject: "disposition \(id)", vaultKey: PublicKeyText.format(try vault.signer().publicKey))
                let done = try await archive.approveDisposition(id: id, actor: officer.registration.name, evidence: evidence)
                Terminal.out(
                    "disposition \(id): \(done.disposed ?? 0) messages disposed of (proposed by \(Terminal.safe(done.proposedBy)), approved by \(Terminal.safe(officer.registration.name)))"
                )
            }
        }
    }
}

struct Hold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Legal holds: what they cover is kept whatever retention says.", subcommands: [Create.self, List.self, Show.self, Release.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place a hold on a person, a conversation or a query.",
            discussion: """
                A person is matched as search matches a sender: handle or display name, as sender
                or recipient, without regard to case, accents or invisible characters. The hold
                says how many messages it covers now; one that covers none is refused unless
                --allow-empty (it would still cover matching messages that arrive later). A query
                holding a value the redaction policy removes (an SSN, a card number) is refused:
                the archive never stores such values, so it could not match them.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "A name for the matter.") var name: String
        @Option(help: "Messages this handle sent or received.") var person: String?
        @Option(help: "A conversation (platform:id).") var conversation: String?
        @Option(help: "Messages matching a search query.") var query: String?
        @Option(help: "Only messages sent at or after (ISO 8601).") var from: String?
        @Option(help: "Only messages sent before (ISO 8601).") var to: String?
        @Flag(name: .customLong("allow-empty"), help: "Place the hold even if it covers no message yet.") var allowEmpty = false

        func validate() throws {
            guard [person, conversation, query].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --person, --conversation or --query")
            }
            for (flag, value) in [("--from", from), ("--to", to)] where value != nil && Timestamp(iso8601: value!) == nil {
                throw ValidationError("\(flag) \(value!): expected an ISO 8601 date")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let (kind, value): (LegalHold.Kind, String) =
                    if let person { (.person, person) } else if let conversation { (.conversation, conversation) } else { (.query, query!) }
                let vault = try options.openVault()
                if kind == .query, try AuditRedaction.forVault(vault).findsSomething(in: value) {
                    throw CLIError(
                        "the hold's query holds a value the redaction policy removes; the archive stores only redacted text, so it could never match: hold by person, conversation or other words"
                    )
                }
                let archive = try vault.openArchive()
                let hold = try await archive.createHold(
                    name: name, kind: kind, value: value, from: from.flatMap(Timestamp.init(iso8601:)), to: to.flatMap(Timestamp.init(iso8601:)),
                    actor: options.actorName, allowEmpty: allowEmpty)
                let covers = try await archive.messagesHeld(by: hold).count
                Terminal.out(
                    "hold \(hold.id) \"\(Terminal.safe(hold.name))\" placed on \(kind.rawValue) \(Terminal.safe(value)): covers \(covers) messages now"
                        + (covers == 0 ? " (and any matching message that arrives later)" : ""))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List holds.")
        @OptionGroup var options: VaultOptions

        func run() async throws {
            try await reportingErrors {
                let archive = try options.openArchive()
                try await archive.recordAudit(action: "hold.list", actor: options.actorName, detail: .object([]))
                for hold in try await archive.holds() {
                    Terminal.out(
                        "\(hold.id)  \(Terminal.safe(hold.name))  \(hold.kind.rawValue) \(Terminal.safe(hold.value))  \(hold.state.rawValue)  by \(Terminal.safe(hold.createdBy))"
                    )
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what a hold covers.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "The hold id.") var id: Int64

        func run() async throws {
            try await reportingErrors {
                let archive = try options.openArchive()
                guard let hold = try await archive.holds().first(where: { $0.id == id }) else { throw CLIError("no hold \(id)") }
                let covered = try await archive.messagesHeld(by: hold)
                try await archive.recordAudit(
                    action: "hold.show", actor: options.actorName, detail: .object([("hold", .int(id)), ("covers", .int(covered.count))]))
                Terminal.out(
                    "hold \(hold.id) \"\(Terminal.safe(hold.name))\": \(hold.kind.rawValue) \(Terminal.safe(hold.value)), \(hold.state.rawValue)")
                Terminal.out("covers \(covered.count) messages now (and any that arrive and match)")
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose a hold's release, or confirm another officer's proposal.",
            discussion:
                "Each step is signed with an officer's registered key (--key FILE; see `chatvault officer`); the two keys must be different officers'."
        )
        @OptionGroup var options: VaultOptions
        @Argument(help: "The hold id.") var id: Int64
        @Option(help: "Your officer key file (default $CHATVAULT_OFFICER_KEY).") var key: String?

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let archive = try vault.openArchive()
                let officer = try await OfficerKeys.signer(keyPath: key, options: options, archive: archive, step: "releasing a hold")
                let step = try await archive.holds().first { $0.id == id }?.state == .releaseProposed ? "confirm" : "propose"
                let evidence = try officer.evidence(
                    action: "hold.release.\(step)", subject: "hold \(id)", vaultKey: PublicKeyText.format(try vault.signer().publicKey))
                let hold = try await archive.releaseHold(id: id, actor: officer.registration.name, evidence: evidence)
                switch hold.state {
                case .releaseProposed: Terminal.out("release of hold \(id) proposed; a second officer must run the same command")
                case .released: Terminal.out("hold \(id) released")
                case .active: Terminal.out("hold \(id) is active")
                }
            }
        }
    }
}
