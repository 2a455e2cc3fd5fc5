import PapaoursClient
import PapaoursCore

/// papaoursctl from its arguments to its exit status; main.swift only calls this.
public enum PapaoursCtl {
    public static let version = "0.1.0"

    public static func main(arguments: [String], environment: Environment = .process,
                            console: Console? = nil) -> ExitStatus {
        let console = console ?? Console.standard(environment: environment)
        let text = Localizer(Language.preferred(in: environment, option: ArgumentParser.language(in: arguments)))
        let invocation: Invocation
        do {
            invocation = try ArgumentParser().parse(arguments)
        } catch {
            return ErrorReport.report(error, console: console, text: text)
        }
        switch invocation {
        case .version:
            console.print("papaoursctl \(version)")
            return .success
        case .help(let topic, _):
            console.print(Help.render(topic, text))
            return .success
        case .run(let command, let globals):
            let socketPath = globals.socket ?? environment.nonEmpty("PAPAOURS_SOCKET") ?? PapaoursClient.defaultSocketPath
            var scene = ErrorReport.Scene(command: command, socketPath: socketPath, verbose: globals.verbose)
            if socketPath.isEmpty {
                scene.command = nil
                let error = UsageError(.optionNeedsValue, ["--socket", "PATH"], command: command.spec.path)
                return ErrorReport.report(error, console: console, text: text, scene: scene)
            }
            let context = CommandContext(command: command, json: globals.json, verbose: globals.verbose, console: console,
                                         text: text, client: PapaoursClient(socketPath: socketPath), now: Timestamp.now)
            do {
                // Every value is checked before anything is sent: a mistake is a usage error, exit 2.
                try ValueCheck.check(command, now: context.now())
                try command.spec.run(context)
                return .success
            } catch {
                if let refused = error as? ClientError, refused.replyCode == "forbidden" {
                    scene.granted = try? context.client.hello().permissions
                }
                return ErrorReport.report(error, console: console, text: text, scene: scene)
            }
        }
    }
}
