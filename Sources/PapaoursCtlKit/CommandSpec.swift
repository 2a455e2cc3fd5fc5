import PapaoursCore

/// An option a command takes: `--name`, `--name VALUE` or `--name=VALUE`.
public struct OptionSpec: Sendable {
    /// Without the dashes: `label`.
    public let name: String
    public let short: Character?
    /// The value's placeholder in help (`LABEL`); nil for a flag.
    public let valueName: String?
    public let repeatable: Bool
    public let required: Bool
    public let help: Message

    public init(_ name: String, short: Character? = nil, value: String? = nil, repeatable: Bool = false,
                required: Bool = false, help: Message) {
        self.name = name
        self.short = short
        self.valueName = value
        self.repeatable = repeatable
        self.required = required
        self.help = help
    }

    public var spelled: String { "--" + name }
    public var takesValue: Bool { valueName != nil }
}

/// A positional argument: `MACHINE`, `KEY`.
public struct PositionalSpec: Sendable {
    public let name: String
    public let help: Message
    public let optional: Bool
    /// Takes every remaining word (only `help COMMAND...`).
    public let variadic: Bool

    public init(_ name: String, help: Message, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
    }
}

/// A command the tool runs: its words, its arguments, the permission it needs and what it does.
public struct CommandSpec: Sendable {
    /// `["key", "create"]`
    public let path: [String]
    public let summary: Message
    public let positionals: [PositionalSpec]
    public let options: [OptionSpec]
    /// What papaoursd asks of the user for every request the command sends (named in a refusal).
    public let permission: Permissions
    let run: @Sendable (CommandContext) throws -> Void

    init(_ path: [String], summary: Message, positionals: [PositionalSpec] = [], options: [OptionSpec] = [],
         permission: Permissions = [], run: @escaping @Sendable (CommandContext) throws -> Void) {
        self.path = path
        self.summary = summary
        self.positionals = positionals
        self.options = options
        self.permission = permission
        self.run = run
    }

    public var name: String { path.joined(separator: " ") }

    public func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }
}

/// Commands under one first word: `machine`, `key`.
public struct CommandGroup: Sendable {
    public let name: String
    public let summary: Message
    public let commands: [CommandSpec]

    public func command(_ word: String) -> CommandSpec? { commands.first { $0.path.last == word } }
}

/// The first word of a command line names one of these.
public enum CatalogEntry: Sendable {
    case group(CommandGroup)
    case command(CommandSpec)

    public var name: String {
        switch self {
        case .group(let group): group.name
        case .command(let command): command.name
        }
    }
}

/// Options every command takes.
public enum GlobalOption {
    public static let socket = OptionSpec("socket", value: "PATH", help: .optSocket)
    public static let json = OptionSpec("json", help: .optJSON)
    public static let help = OptionSpec("help", short: "h", help: .optHelp)
    public static let version = OptionSpec("version", help: .optVersion)
    public static let lang = OptionSpec("lang", value: "fr|en", help: .optLang)
    public static let verbose = OptionSpec("verbose", short: "v", help: .optVerbose)
    public static let all = [socket, json, lang, verbose, help, version]
}
