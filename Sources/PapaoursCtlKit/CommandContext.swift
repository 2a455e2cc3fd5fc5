import PapaoursClient
import PapaoursCore

/// What a command runs with.
struct CommandContext {
    let command: ParsedCommand
    let json: Bool
    let console: Console
    let text: Localizer
    let client: PapaoursClient
    let now: () -> Timestamp

    var render: Render { Render(text: text) }

    /// A positional argument the parser has checked is there.
    func argument(_ index: Int) -> String { command.positionals[index] }

    /// `--active` / `--inactive` as a status, nil when neither is given.
    func statusOption() throws(UsageError) -> Status? {
        let active = command.flag("active"), inactive = command.flag("inactive")
        if active && inactive { throw UsageError(.conflictingOptions, ["--active", "--inactive"], command: command.spec.path) }
        return active ? .active : inactive ? .inactive : nil
    }

    /// `--role R`… as a role list; `--no-roles` as the empty list; nil when neither.
    func rolesOption() throws(UsageError) -> [String]? {
        let roles = command.values("role")
        if command.flag("no-roles") {
            if !roles.isEmpty { throw UsageError(.conflictingOptions, ["--role", "--no-roles"], command: command.spec.path) }
            return []
        }
        return roles.isEmpty ? nil : roles
    }

    /// A whole-number option (`--after`, `--limit`).
    func numberOption<N: FixedWidthInteger>(_ name: String, as type: N.Type = N.self) throws(UsageError) -> N? {
        guard let text = command.value(name) else { return nil }
        guard let value = N(text), value >= 0 else {
            throw UsageError(.notANumber, ["--" + name, text], command: command.spec.path)
        }
        return value
    }

    /// Throws the "nothing to change" usage error when no change was asked.
    func requireChange(_ changed: Bool, options: [String]) throws(UsageError) {
        guard changed else {
            throw UsageError(.nothingToChange, [options.joined(separator: ", ")], command: command.spec.path)
        }
    }
}
