#if canImport(Glibc)
import Glibc
#endif
import PapaoursClient
import PapaoursCore

/// What a command runs with.
struct CommandContext {
    let command: ParsedCommand
    let json: Bool
    /// `--verbose`: papaoursd's own words are shown too.
    var verbose = false
    let console: Console
    let text: Localizer
    let client: PapaoursClient
    let now: () -> Timestamp

    var render: Render { Render(text: text, now: now()) }

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

    /// An API key from the first line of `--key-file`, or of standard input (prompted
    /// for, unechoed, on a terminal); never from the command line, where other users
    /// could read it in the process list. Its LF and CR are removed.
    func readKey() throws -> String {
        let line: String?
        if let path = command.value("key-file") {
            switch StandardStreams.readFirstLine(ofFile: path) {
            case .success(let first): line = first
            case .failure(let error): throw CommandFailure(.refused, .fileCannotRead, [path, error.described(text)])
            }
        } else {
            if console.stdinIsTerminal { console.prompt(text(.keyPrompt)) }
            line = console.readLine(hidden: true)
        }
        guard let line, !line.isEmpty else { throw UsageError(.noKeyOnInput, command: command.spec.path) }
        return line
    }

    /// A new private file (a secret, a backup, an export), or the reason there is none.
    func createPrivateFile(_ path: String) throws -> PrivateFile {
        do {
            return try PrivateFile(creating: path)
        } catch {
            if error.code == EEXIST { throw CommandFailure(.refused, .fileExists, [path]) }
            throw CommandFailure(.refused, .fileCannotCreate, [path, error.described(text)])
        }
    }

    /// A client for an exchange that may take long (a backup, an export, an import).
    var patientClient: PapaoursClient { PapaoursClient(socketPath: client.socketPath, timeout: .seconds(3600)) }
}
