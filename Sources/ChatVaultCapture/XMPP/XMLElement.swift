/// One element of an XMPP stream: its name, namespace, attributes, child elements and the
/// character data directly inside it (XMPP has no mixed content that matters here).
public struct XMLElement: Sendable, Hashable, CustomStringConvertible {
    /// The local name, without a prefix (`message`, `features` for `stream:features`).
    public var name: String
    /// The namespace the element is in, resolved from `xmlns` declarations in scope.
    public var namespace: String?
    /// Attributes by qualified name (`id`, `xml:lang`); namespace declarations are not kept.
    public var attributes: [String: String]
    public var children: [XMLElement]
    public var text: String

    public init(
        _ name: String, namespace: String? = nil, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = ""
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public subscript(attribute: String) -> String? { attributes[attribute] }

    /// The first child with this name (and namespace, when given).
    public func child(_ name: String, namespace: String? = nil) -> XMLElement? {
        children.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    public func children(_ name: String, namespace: String? = nil) -> [XMLElement] {
        children.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// The element as XML, declaring its namespace where it differs from `parentNamespace`.
    public func xml(parentNamespace: String? = nil) -> String {
        var out = "<" + name
        if let namespace, namespace != parentNamespace { out += " xmlns=\"\(Self.escape(namespace))\"" }
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { out += " \(key)=\"\(Self.escape(value))\"" }
        if children.isEmpty && text.isEmpty { return out + "/>" }
        out += ">" + Self.escape(text)
        for child in children { out += child.xml(parentNamespace: namespace ?? parentNamespace) }
        return out + "</\(name)>"
    }

    public var description: String { xml() }

    /// Escapes text for character data and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
