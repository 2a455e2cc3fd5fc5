import PapaoursCore

/// The values of a command line against their bounds (protocol.md, Records), before anything
/// is sent: a wrong one is a usage error (exit 2) that names the option and what is wrong.
enum ValueCheck {
    static let auditLimit: ClosedRange<Int> = 1...1000

    static func check(_ command: ParsedCommand, now: Timestamp) throws(UsageError) {
        let path = command.spec.path
        func fail(_ message: Message, _ arguments: [String]) -> UsageError { UsageError(message, arguments, command: path) }
        func text(_ value: String?, _ shown: String, _ length: ClosedRange<Int>, lineBreaks: Bool = false) throws(UsageError) {
            guard let value, let problem = Bounds.text(value, shown, length, lineBreaks: lineBreaks) else { return }
            throw fail(problem.message, problem.arguments)
        }
        switch path {
        case ["machine", "create"]: try text(command.positionals.first, "NAME", Validation.nameLength)
        case ["machine", "edit"]: try text(command.value("name"), "--name", Validation.nameLength)
        default: break
        }
        try text(command.value("description"), "--description", Validation.descriptionLength, lineBreaks: true)
        try text(command.value("organization"), "--organization", Validation.organizationLength)
        try text(command.value("label"), "--label", Validation.labelLength)
        try text(command.value("ip"), "--ip", 0...256)
        if KeyReference.byLabel(command) { try text(command.positionals[1], "LABEL", Validation.labelLength) }
        if let problem = Bounds.roles(command.values("role")) { throw fail(problem.message, problem.arguments) }
        if let expires = command.value("expires"), case .wrong(let problem) = Expiry.parse(expires, now: now) {
            throw fail(problem, [expires])
        }
        if let after = command.value("after"), UInt64(after) == nil { throw fail(.notANumber, ["--after", after]) }
        if let limit = command.value("limit"), !(Int(limit).map(auditLimit.contains) ?? false) {
            guard limit.allSatisfy(\.isNumber), !limit.isEmpty else { throw fail(.notANumber, ["--limit", limit]) }
            throw fail(.numberOutOfRange, ["--limit", String(auditLimit.lowerBound), String(auditLimit.upperBound), limit])
        }
    }
}
