import PapaoursClient
import PapaoursCore

/// Turns whatever a command threw into one line on stderr (two with `--verbose`, the
/// second quoting papaoursd) and an exit status.
enum ErrorReport {
    /// Where the error happened: the command typed (nil before one was parsed), the socket.
    struct Scene {
        var command: ParsedCommand?
        var socketPath = ""
        var verbose = false
        /// What papaoursd says the peer holds, asked after a `forbidden`.
        var granted: Permissions?
    }

    static func report(_ error: any Error, console: Console, text: Localizer, scene: Scene = Scene()) -> ExitStatus {
        switch error {
        case let usage as UsageError:
            console.printError("papaoursctl: " + usage.rendered(text))
            console.printError(usage.hint(text))
            return .usage
        case let failure as CommandFailure:
            if let message = failure.message { console.printError("papaoursctl: " + text.format(message, failure.arguments)) }
            return failure.status
        case let client as ClientError:
            let (line, status) = describe(client, text: text, scene: scene)
            console.printError("papaoursctl: " + line)
            if scene.verbose { console.printError("papaoursctl: " + text(.daemonSaid, client.description)) }
            return status
        default:
            console.printError("papaoursctl: \(error)")
            return .failure
        }
    }

    static func describe(_ error: ClientError, text: Localizer, scene: Scene) -> (String, ExitStatus) {
        switch error.code {
        case .refused:
            return (Refusal.sentence(error.replyCode ?? "", command: scene.command, granted: scene.granted, text: text), .refused)
        case .bad:
            return (text(.badRequest, scene.command?.spec.name ?? "", error.replyCode ?? ""), .failure)
        case .protocolViolation:
            return (text(.protocolError), .failure)
        case .connectionLost:
            return (text(.connectionLost, scene.socketPath), .unreachable)
        case .timedOut:
            return (text(.timedOut, scene.socketPath), .unreachable)
        default:
            return (text(.cannotReach, scene.socketPath, SocketDiagnosis.cause(of: error, path: scene.socketPath, text: text)), .unreachable)
        }
    }
}
