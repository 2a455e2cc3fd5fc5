/// A mistake in the command line: reported with a hint, exit status 2.
/// Kept apart from the errors of running a command.
public struct UsageError: Error, Sendable, Equatable {
    public let message: Message
    public let arguments: [String]
    /// What the user probably meant (`--label`, `machine`).
    public let suggestion: String?
    /// The command whose help the hint points to; empty for the tool's.
    public let command: [String]

    public init(_ message: Message, _ arguments: [String] = [], suggestion: String? = nil, command: [String] = []) {
        self.message = message
        self.arguments = arguments
        self.suggestion = suggestion
        self.command = command
    }

    /// `unknown option '--lable' for 'key create'; did you mean '--label'?`
    public func rendered(_ text: Localizer) -> String {
        let sentence = text.format(message, arguments)
        guard let suggestion else { return sentence }
        return sentence + text(.didYouMean, suggestion)
    }

    /// `try 'papaoursctl key create --help'`
    public func hint(_ text: Localizer) -> String {
        text(.tryHelp, (["papaoursctl"] + command).joined(separator: " "))
    }
}
