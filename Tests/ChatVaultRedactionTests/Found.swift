import ChatVaultRedaction

/// What the default policy finds in `text`, as (type, matched text) pairs in text order.
func found(_ text: String, policy: RedactionPolicy = .default, platform: String? = nil, conversation: String? = nil) -> [Finding] {
    let outcome = Redactor(policy: policy, secret: Array("test-secret".utf8)).redact(text, platform: platform, conversation: conversation)
    let scalars = Array(text.unicodeScalars)
    return outcome.originalSpans.map { span in
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[span.start..<span.end])
        return Finding(type: span.type, value: String(view))
    }
}

struct Finding: Equatable, CustomStringConvertible {
    var type: String
    var value: String
    init(type: String, value: String) {
        self.type = type
        self.value = value
    }
    var description: String { "\(type)(\(value))" }
}

func finding(_ type: String, _ value: String) -> Finding { Finding(type: type, value: value) }
