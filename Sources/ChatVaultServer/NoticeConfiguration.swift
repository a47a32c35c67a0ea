public import ChatVaultCore
public import Foundation

/// The archive notice a gateway module shows in each conversation ("this conversation is
/// recorded"), from the `"notice"` object of the vault's `config.json`:
///
/// ```json
/// "notice": {
///   "firm": "Example Bank plc",
///   "language": "en",
///   "text": {"en": "This chat is recorded by {firm}.", "de": "Dieser Chat wird von {firm} aufgezeichnet."},
///   "platforms": {"matrix": {"language": "de", "text": {"de": "…"}}}
/// }
/// ```
///
/// Every key is optional; without the object the built-in English text names "the firm".
/// `{firm}` in a text is replaced by ``firm``. A text is chosen by ``text(platform:language:)``.
public struct NoticeConfiguration: Sendable, Equatable {
    /// The firm named by `{firm}`.
    public var firm: String
    /// The language used when a caller asks for none or for one without a text.
    public var language: String
    /// Texts by language (lower case, `-` between subtags).
    public var texts: [String: String]
    /// Per platform (lower case): its own default language and texts, which win over the global ones.
    public var platforms: [String: Platform]

    public struct Platform: Sendable, Equatable {
        public var language: String?
        public var texts: [String: String]

        public init(language: String? = nil, texts: [String: String] = [:]) {
            self.language = language
            self.texts = texts
        }
    }

    /// The built-in text, used for English when the configuration gives none.
    public static let defaultText =
        "This conversation is recorded and archived by {firm} for regulatory compliance. "
        + "Messages sent here are kept, may be reviewed by compliance staff and may be given to regulators."

    /// Longest text accepted, in characters.
    public static let maxTextLength = 2000

    public init(firm: String = "the firm", language: String = "en", texts: [String: String] = [:], platforms: [String: Platform] = [:]) {
        self.firm = firm
        self.language = language
        self.texts = texts
        self.platforms = platforms
    }

    /// The text for `platform` in `language`: the first language with a text among the one
    /// asked for (then its primary subtag: `de-ch` → `de`), the platform's default language,
    /// the configured default language and `en` — a platform's own text before the global
    /// one at each step. Returns the text with `{firm}` filled in and the language used.
    public func text(platform: String, language requested: String?) -> (text: String, language: String) {
        let platform = platforms[platform.lowercased()]
        var candidates: [String] = []
        for tag in [requested.flatMap(Self.normalisedTag), platform?.language, language, "en"].compactMap(\.self) {
            candidates.append(tag)
            if let dash = tag.firstIndex(of: "-") { candidates.append(String(tag[..<dash])) }
        }
        for tag in candidates {
            if let text = platform?.texts[tag] ?? texts[tag] ?? (tag == "en" ? Self.defaultText : nil) {
                return (text.replacingOccurrences(of: "{firm}", with: firm), tag)
            }
        }
        return (Self.defaultText.replacingOccurrences(of: "{firm}", with: firm), "en")
    }

    /// A language tag as compared: lower case, `_` read as `-`; `nil` unless it is 1–8
    /// letters optionally followed by `-` subtags of 1–8 letters or digits (BCP 47's shape).
    public static func normalisedTag(_ tag: String) -> String? {
        let text = tag.lowercased().replacingOccurrences(of: "_", with: "-")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count <= 35, let first = parts.first, (1...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
            parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { return nil }
        return text
    }
}

/// The `"notice"` object of `config.json` is not valid; the message names the key.
public struct NoticeConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension NoticeConfiguration {
    /// The `"notice"` object of the vault's `config.json`, or the defaults when it has none.
    public static func load(vaultDirectory: URL) throws -> NoticeConfiguration {
        let url = vaultDirectory.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return NoticeConfiguration() }
        let file: JSONValue
        do {
            file = try JSONParser(maxDepth: 32).parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw NoticeConfigurationError(description: "\(url.path): not valid JSON (\(error))")
        }
        guard let notice = file["notice"], !notice.isNull else { return NoticeConfiguration() }
        do {
            return try NoticeConfiguration(json: notice)
        } catch let error as NoticeConfigurationError {
            throw NoticeConfigurationError(description: "\(url.path): \(error.description)")
        }
    }

    /// Reads and checks the `"notice"` object; each error names the key at fault.
    public init(json: JSONValue) throws {
        guard case .object(let members) = json else { throw Self.failure("notice", "must be an object, not \(json.kindName)") }
        self.init()
        for (key, value) in members {
            switch key {
            case "firm":
                guard let firm = value.stringValue, !firm.trimmingCharacters(in: .whitespaces).isEmpty, firm.count <= 200 else {
                    throw Self.failure("notice.firm", "must be the firm's name (1–200 characters)")
                }
                self.firm = firm
            case "language": language = try Self.tag(value, at: "notice.language")
            case "text", "texts": texts = try Self.texts(value, at: "notice." + key)
            case "platforms":
                guard case .object(let entries) = value else { throw Self.failure("notice.platforms", "must be an object keyed by platform") }
                for (name, entry) in entries {
                    let path = "notice.platforms." + name
                    guard !name.isEmpty, !name.contains(":"), name.count <= 64 else { throw Self.failure(path, "is not a platform name") }
                    guard case .object(let fields) = entry else { throw Self.failure(path, "must be an object with \"language\" and \"text\"") }
                    var platform = Platform()
                    for (field, item) in fields {
                        switch field {
                        case "language": platform.language = try Self.tag(item, at: path + ".language")
                        case "text", "texts": platform.texts = try Self.texts(item, at: path + "." + field)
                        default: throw Self.failure(path + "." + field, "is not a known key (language, text)")
                        }
                    }
                    platforms[name.lowercased()] = platform
                }
            default: throw Self.failure("notice." + key, "is not a known key (firm, language, text, platforms)")
            }
        }
    }

    private static func failure(_ path: String, _ reason: String) -> NoticeConfigurationError {
        NoticeConfigurationError(description: "\(path) \(reason)")
    }

    private static func tag(_ value: JSONValue, at path: String) throws -> String {
        guard let text = value.stringValue, let tag = normalisedTag(text) else {
            throw failure(path, "must be a language tag such as \"en\", \"de\" or \"pt-BR\"")
        }
        return tag
    }

    private static func texts(_ value: JSONValue, at path: String) throws -> [String: String] {
        guard case .object(let entries) = value else {
            throw failure(path, "must be an object of texts by language, e.g. {\"en\": \"…\"}")
        }
        var texts: [String: String] = [:]
        for (language, text) in entries {
            guard let tag = normalisedTag(language) else { throw failure(path + "." + language, "is not a language tag such as \"en\" or \"pt-BR\"") }
            guard let text = text.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw failure(path + "." + language, "must be a non-empty string")
            }
            guard text.count <= maxTextLength else { throw failure(path + "." + language, "is longer than \(maxTextLength) characters") }
            texts[tag] = text
        }
        return texts
    }
}
