/// One token of a line (protocol.md, Lines and tokens).
public enum Token: Sendable, Equatable {
    /// Unquoted text without space, quote, backslash or control character.
    case word(String)
    /// `"…"` with its escapes undone.
    case quoted(String)
    /// `name=value`, the value a word, a quoted string or nothing.
    case attribute(name: String, value: String)

    /// The text of a positional token (word or quoted string); nil for an attribute.
    public var text: String? {
        switch self {
        case .word(let s), .quoted(let s): s
        case .attribute: nil
        }
    }
}
