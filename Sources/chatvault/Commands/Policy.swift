import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import ChatVaultRedaction
import Crypto
import Foundation

struct Policy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The vault's policy: what is censored before anything is written, and the IM-use rules that raise alerts.",
        subcommands: [Show.self, Check.self, Set.self, Test.self, Backtest.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the active policy.")

        @OptionGroup var options: VaultOptions

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let text = try vault.policyText()
                let policy = try text.map { try RedactionPolicy.load(yaml: $0, source: vault.policyURL.path) } ?? .default
                try await vault.openArchive().recordAudit(action: "policy.show", actor: options.actorName, detail: .object([]))
                let summary = PolicySummary(policy: policy, source: text == nil ? "built-in default" : vault.policyURL.path)
                let use = try text.map { try UsePolicy.load(yaml: $0, source: vault.policyURL.path) } ?? UsePolicy()
                if json {
                    guard case .object(let fields) = summary.json else { return }
                    Terminal.json(.object(fields + [("use", UsePolicySummary(policy: use).json)]))
                } else {
                    summary.lines.forEach(Terminal.out)
                    UsePolicySummary(policy: use).lines.forEach(Terminal.out)
                    if let text {
                        Terminal.out("")
                        Terminal.out("--- \(vault.policyURL.path)")
                        Terminal.out(Terminal.safe(text, allowNewlines: true))
                    }
                }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a policy file without installing it.")

        @Argument(help: "The policy file (YAML).")
        var file: String

        func run() async throws {
            try await reportingErrors {
                let policy = try PolicyFile.load(file)
                let use = try PolicyFile.loadUse(file)
                PolicySummary(policy: policy, source: file).lines.forEach(Terminal.out)
                UsePolicySummary(policy: use).lines.forEach(Terminal.out)
                Terminal.out("ok: \(file) is a valid policy")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a policy file and make it the vault's policy (applies to messages imported from now on).")

        @OptionGroup var options: VaultOptions

        @Argument(help: "The policy file (YAML).")
        var file: String

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let redaction = try PolicyFile.load(file)
                _ = try PolicyFile.loadUse(file)
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                // The change is recorded before it takes effect, so the trail never misses one.
                try await vault.openArchive().recordAudit(
                    action: "policy.set", actor: options.actorName,
                    detail: .object([
                        ("file", .string(file)), ("sha256", .string(Array(SHA256.hash(data: data)).hexString)),
                        // The full text: the trail shows every word any policy version looked for.
                        (
                            "yaml",
                            .string(
                                AuditRedaction.policyText(
                                    String(decoding: data, as: UTF8.self), policy: redaction, secret: try vault.redactionSecret()))
                        ),
                    ]))
                try data.write(to: vault.policyURL, options: .atomic)
                Terminal.out("installed \(file) as the policy of \(vault.directory.path)")
            }
        }
    }
}

enum PolicyFile {
    static func text(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path): not UTF-8 text") }
        return text
    }

    static func load(_ path: String) throws -> RedactionPolicy {
        try RedactionPolicy.load(yaml: try text(path), source: path)
    }

    /// The IM-use part of the same file.
    static func loadUse(_ path: String) throws -> UsePolicy {
        try UsePolicy.load(yaml: try text(path), source: path)
    }
}

/// A readable account of a policy.
struct PolicySummary {
    var policy: RedactionPolicy
    var source: String

    static func describe(_ op: RedactionOperator) -> String {
        switch op {
        case .replace(let label): return label.map { "replace with \($0)" } ?? "replace with [REDACTED:TYPE]"
        case .mask(let keep): return "mask, keep last \(keep)"
        case .hash: return "keyed hash token"
        case .drop: return "drop the message"
        }
    }

    var lines: [String] {
        var out = ["policy: \(source)", "recognizers:"]
        for type in PIIType.allCases {
            guard let setting = policy.recognizers[type] else { continue }
            out.append(
                "  \(type.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(setting.enabled ? Self.describe(setting.operator) : "off")")
        }
        out.append("keyword lists: \(policy.keywordLists.count)")
        for list in policy.keywordLists {
            out.append(
                "  \(Terminal.safe(list.id)): \(list.phrases.count) phrases, \(list.setting.enabled ? Self.describe(list.setting.operator) : "off")")
        }
        out.append("allow-list: \(policy.allow.count) values; overrides: \(policy.overrides.count)")
        return out
    }

    var json: JSONValue {
        .object([
            ("source", .string(source)),
            (
                "recognizers",
                .object(
                    PIIType.allCases.compactMap { type in
                        policy.recognizers[type].map {
                            (type.rawValue, .string($0.enabled ? Self.describe($0.operator) : "off"))
                        }
                    })
            ),
            (
                "keyword_lists",
                .array(
                    policy.keywordLists.map {
                        .object([("id", .string($0.id)), ("phrases", .int($0.phrases.count)), ("enabled", .bool($0.setting.enabled))])
                    })
            ),
            ("allow", .int(policy.allow.count)), ("overrides", .int(policy.overrides.count)),
        ])
    }
}
