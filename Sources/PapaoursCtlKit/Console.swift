/// Where a command's output goes and where its input comes from: the real
/// standard streams, or buffers in tests.
public final class Console {
    private let writeOutput: (String) -> Void
    private let writeError: (String) -> Void
    private let readInput: (_ hidden: Bool) -> String?
    public let stdinIsTerminal: Bool
    public let stdoutIsTerminal: Bool
    /// Colour on stdout: only a terminal, and only when NO_COLOR is unset or empty.
    public let color: Bool

    public init(output: @escaping (String) -> Void, error: @escaping (String) -> Void,
                input: @escaping (_ hidden: Bool) -> String? = { _ in nil },
                stdinIsTerminal: Bool = false, stdoutIsTerminal: Bool = false, color: Bool = false) {
        self.writeOutput = output
        self.writeError = error
        self.readInput = input
        self.stdinIsTerminal = stdinIsTerminal
        self.stdoutIsTerminal = stdoutIsTerminal
        self.color = color
    }

    /// The process's standard streams.
    public static func standard(environment: Environment) -> Console {
        let stdoutIsTerminal = StandardStreams.isTerminal(1)
        return Console(output: { StandardStreams.write($0, to: 1) },
                       error: { StandardStreams.write($0, to: 2) },
                       input: { hidden in StandardStreams.readLine(hidden: hidden) },
                       stdinIsTerminal: StandardStreams.isTerminal(0),
                       stdoutIsTerminal: stdoutIsTerminal,
                       color: stdoutIsTerminal && environment.nonEmpty("NO_COLOR") == nil)
    }

    /// Writes `text` to stdout, ending it with a newline when it has none.
    public func print(_ text: String) { writeOutput(text.hasSuffix("\n") ? text : text + "\n") }

    /// Writes one line to stderr.
    public func printError(_ text: String) { writeError(text.hasSuffix("\n") ? text : text + "\n") }

    /// Writes `text` to stderr as is (a prompt, no newline).
    public func prompt(_ text: String) { writeError(text) }

    public func print(_ table: Table) { writeOutput(table.render(color: color)) }

    public func print(_ json: JSON) { print(json.encoded()) }

    /// One line of standard input without its LF (and CR); `hidden` turns
    /// terminal echo off while it is typed. nil at end of input.
    public func readLine(hidden: Bool = false) -> String? { readInput(hidden) }
}
