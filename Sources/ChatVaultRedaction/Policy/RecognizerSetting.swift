/// How one built-in recognizer or keyword list is applied: on or off, and with which operator.
public struct RecognizerSetting: Sendable, Hashable {
    public var enabled: Bool
    public var `operator`: RedactionOperator

    public init(enabled: Bool = true, operator: RedactionOperator) {
        self.enabled = enabled
        self.operator = `operator`
    }
}
