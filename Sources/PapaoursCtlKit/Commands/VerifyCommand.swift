import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl verify`: the key comes from stdin or a file, never from argv,
/// where other users could read it in the process list.
enum VerifyCommand {
    static func run(_ context: CommandContext) throws {
        let secret = try readSecret(context)
        let result = try context.client.verify(secret, ip: context.command.value("ip"))
        switch result {
        case .valid(let key):
            if context.json { return context.console.print(JSON.object([("valid", .bool(true))]).adding(recordMembers(key))) }
            context.console.print(context.text(.keyValid))
            context.console.print(context.render.verifiedDetails(key))
        case .refused(let refusal):
            if context.json {
                context.console.print(.object([("valid", .bool(false)), ("code", .string(refusal.reason.rawValue)),
                                               ("text", .string(refusal.text))]))
            } else {
                context.console.printError("papaoursctl: " + ErrorReport.refusal(refusal.reason.rawValue, refusal.text, context.text))
            }
            throw CommandFailure(.refused)
        }
    }

    private static func recordMembers(_ key: VerifiedKey) -> [(String, JSON)] {
        key.raw.attributes.map { ($0.0, JSON.attribute($0.0, $0.1)) }
    }

    /// The first line, its LF and CR removed.
    private static func readSecret(_ context: CommandContext) throws -> String {
        let line: String?
        if let path = context.command.value("key-file") {
            switch StandardStreams.readFirstLine(ofFile: path) {
            case .success(let first): line = first
            case .failure(let error): throw CommandFailure(.refused, .fileCannotRead, [path, error.message])
            }
        } else {
            if context.console.stdinIsTerminal { context.console.prompt(context.text(.keyPrompt)) }
            line = context.console.readLine(hidden: true)
        }
        guard let line, !line.isEmpty else { throw UsageError(.noKeyOnInput, command: context.command.spec.path) }
        return line
    }
}
