/// The language of every message, header and error the tool prints.
public enum Language: String, Sendable, CaseIterable {
    case en
    case fr

    /// `--lang` when given; else as gettext picks a message catalog: the locale is the first
    /// of LC_ALL, LC_MESSAGES, LANG that is set and non-empty; unless it is C or POSIX (or
    /// unset), LANGUAGE, a colon-separated list, names the preferred languages first.
    public static func preferred(in environment: Environment, option: Language? = nil) -> Language {
        if let option { return option }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment.nonEmpty($0) }.first
        guard let locale, locale != "C", locale != "POSIX", !locale.hasPrefix("C.") else { return .en }
        for entry in (environment.nonEmpty("LANGUAGE") ?? "").split(separator: ":") {
            if let language = named(String(entry)) { return language }
        }
        return named(locale) ?? .en
    }

    /// `fr`, `fr_FR.UTF-8`, `french` → fr; `en…` → en; nil for a language the tool does not speak.
    public static func named(_ name: String) -> Language? {
        let lowered = name.lowercased()
        return allCases.first { lowered.hasPrefix($0.rawValue) }
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
