import PapaoursClient
import PapaoursCore

/// A key named on the command line: by its id (`k_…`), or by its machine and its label
/// (`key disable web "Clé production"`) when that label is unique among the machine's keys.
enum KeyReference {
    /// Whether the command names its key by machine and label.
    static func byLabel(_ command: ParsedCommand) -> Bool {
        command.spec.positionals.count == 2 && command.spec.positionals[1].name == Catalog.keyLabel.name
            && command.positionals.count == 2
    }

    /// The key's id, looked up with KEY LIST when it is named by its label.
    static func resolve(_ context: CommandContext) throws -> String {
        let command = context.command
        guard byLabel(command) else { return command.positionals[0] }
        let machine = command.positionals[0], label = command.positionals[1]
        let matches = try context.client.keyList(machine).filter { $0.label == label }
        switch matches.count {
        case 0:
            throw CommandFailure(.refused, .labelNotFound, [machine, label])
        case 1:
            return matches[0].id.value
        default:
            let render = context.render
            let ids = matches.map { "\($0.id.value) (\(render.status(of: $0).text))" }
            throw CommandFailure(.refused, .labelAmbiguous, [machine, label, String(matches.count), ids.joined(separator: ", ")])
        }
    }
}
