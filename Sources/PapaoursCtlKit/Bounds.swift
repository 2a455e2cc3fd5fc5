import PapaoursCore

/// A message with its arguments, to be said later in the user's language.
struct Phrase: Equatable, Sendable {
    let message: Message
    let arguments: [String]

    init(_ message: Message, _ arguments: [String] = []) {
        self.message = message
        self.arguments = arguments
    }

    func said(_ text: Localizer) -> String { text.format(message, arguments) }
}

/// The bounds of protocol.md's Records, checked on the client's side so that what is wrong
/// is said in the user's language, naming the field (`--label`, `NAME`, `hash`).
enum Bounds {
    /// What is wrong with the text `value` of `field`; nil when it is within `length` and holds
    /// no control character (but LF and TAB where `lineBreaks`).
    static func text(_ value: String, _ field: String, _ length: ClosedRange<Int>, lineBreaks: Bool = false) -> Phrase? {
        let scalars = value.unicodeScalars
        if scalars.contains(where: { $0.properties.generalCategory == .control && !(lineBreaks && ($0 == "\n" || $0 == "\t")) }) {
            return Phrase(.controlCharacter, [field])
        }
        if length.contains(scalars.count) { return nil }
        if length.lowerBound == 0 { return Phrase(.textTooLong, [field, String(length.upperBound), String(scalars.count)]) }
        return Phrase(.textLength, [field, String(length.lowerBound), String(length.upperBound), String(scalars.count)])
    }

    /// What is wrong with a list of roles: a role's form, or their number.
    static func roles(_ roles: [String]) -> Phrase? {
        for role in roles where role.isEmpty || role.contains(",") || (try? Validation.roles(role)) == nil { return Phrase(.badRole, [role]) }
        let distinct = Set(roles).count
        return distinct > Validation.maxRoles ? Phrase(.tooManyRoles, [String(Validation.maxRoles), String(distinct)]) : nil
    }
}
