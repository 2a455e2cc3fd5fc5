/// The language of every message, header and error the tool prints.
public enum Language: String, Sendable, CaseIterable {
    case en
    case fr

    /// French when the first of LC_ALL, LC_MESSAGES, LANG that is set and
    /// non-empty starts with "fr"; English otherwise (as setlocale(3) picks).
    public static func preferred(in environment: Environment) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment.nonEmpty(name) { return value.hasPrefix("fr") ? .fr : .en }
        }
        return .en
    }
}

/// Messages in one language: `text(.noKeys)`, `text(.machineDeleted, id)`.
public struct Localizer: Sendable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    /// The message with `{0}`, `{1}`… replaced by `arguments`.
    public func callAsFunction(_ message: Message, _ arguments: String...) -> String {
        format(message, arguments)
    }

    public func format(_ message: Message, _ arguments: [String]) -> String {
        let template = language == .fr ? message.text.fr : message.text.en
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let n = Int(after[..<close]), arguments.indices.contains(n) {
                result += arguments[n]
                rest = after[after.index(after: close)...]
            } else {
                result.append("{")
                rest = after
            }
        }
        return result + rest
    }
}
