import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl verify`: the key comes from stdin or a file, never from argv,
/// where other users could read it in the process list.
enum VerifyCommand {
    static func run(_ context: CommandContext) throws {
        let secret = try context.readKey()
        var required: [String] = []
        if let text = context.command.value("require") {
            guard let rights = Right.list(text) else { throw UsageError(.badRights, [text], command: context.command.spec.path) }
            required = rights.map(\.description)
        }
        let result = try context.client.verify(secret, ip: context.command.value("ip"), require: required)
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
                context.console.printError("papaoursctl: " + Refusal.verifySentence(refusal.reason, secret: secret, text: context.text))
                if context.verbose { context.console.printError("papaoursctl: " + context.text(.daemonSaid, refusal.text)) }
            }
            throw CommandFailure(.refused)
        }
    }

    private static func recordMembers(_ key: VerifiedKey) -> [(String, JSON)] {
        key.raw.attributes.map { ($0.0, JSON.attribute($0.0, $0.1)) }
    }
}
