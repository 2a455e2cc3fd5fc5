/// What the command line asks for.
public enum Invocation: Sendable {
    case run(ParsedCommand, GlobalOptions)
    case help(HelpTopic, GlobalOptions)
    case version
}

/// Whose help to print.
public enum HelpTopic: Sendable {
    case tool
    case group(CommandGroup)
    case command(CommandSpec)
}

/// `--socket`, `--json`, `--lang` and `--verbose`, which any command takes, anywhere on the line.
public struct GlobalOptions: Sendable, Equatable {
    public var socket: String?
    public var json = false
    public var lang: Language?
    public var verbose = false

    public init(socket: String? = nil, json: Bool = false, lang: Language? = nil, verbose: Bool = false) {
        self.socket = socket
        self.json = json
        self.lang = lang
        self.verbose = verbose
    }
}

/// A command with its arguments, checked against its spec.
public struct ParsedCommand: Sendable {
    public let spec: CommandSpec
    public let positionals: [String]
    /// Values by option name, in the order given; a flag has one "" per use.
    public let options: [String: [String]]

    public func flag(_ name: String) -> Bool { options[name] != nil }
    public func value(_ name: String) -> String? { options[name]?.last }
    public func values(_ name: String) -> [String] { options[name] ?? [] }
}

/// Our own small parser: `--opt value`, `--opt=value`, `--` ends options,
/// `-h`; unknown options and commands come back with the nearest spelling.
public struct ArgumentParser: Sendable {
    public let catalog: [CatalogEntry]

    public init(catalog: [CatalogEntry] = Catalog.entries) { self.catalog = catalog }

    private enum Node {
        case root
        case group(CommandGroup)
        case command(CommandSpec)

        var path: [String] {
            switch self {
            case .root: []
            case .group(let group): [group.name]
            case .command(let command): command.path
            }
        }

        var options: [OptionSpec] {
            if case .command(let command) = self { return command.options }
            return []
        }
    }

    public func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        var node = Node.root
        var globals = GlobalOptions()
        var positionals: [String] = []
        var values: [String: [String]] = [:]
        var wantsHelp = false
        var wantsVersion = false
        var endOfOptions = false
        // A wrong command word is reported even with --help; other mistakes give way to --help.
        var wordError: UsageError?
        var otherError: UsageError?
        func record(_ error: UsageError) { if otherError == nil { otherError = error } }

        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if !endOfOptions && argument == "--" {
                endOfOptions = true
                continue
            }
            if !endOfOptions && argument.hasPrefix("-") && argument != "-" {
                let (spelled, inline) = Self.split(argument)
                let known = GlobalOption.all + node.options
                guard let spec = known.first(where: { $0.spelled == spelled || ($0.short.map { "-\($0)" } == spelled) }) else {
                    let names = known.map(\.spelled)
                    let suggestion = spelled.hasPrefix("--") ? Suggestion.nearest(to: spelled, among: names) : nil
                    if node.path.isEmpty {
                        record(UsageError(.unknownOption, [spelled], suggestion: suggestion))
                    } else {
                        let name = node.path.joined(separator: " ")
                        record(UsageError(.unknownOptionFor, [spelled, name], suggestion: suggestion, command: node.path))
                    }
                    continue
                }
                var value = ""
                if spec.takesValue {
                    if let inline {
                        value = inline
                    } else if index < arguments.count {
                        value = arguments[index]
                        index += 1
                    } else {
                        record(UsageError(.optionNeedsValue, [spec.spelled, spec.valueName ?? ""], command: node.path))
                        continue
                    }
                } else if inline != nil {
                    record(UsageError(.optionTakesNoValue, [spec.spelled], command: node.path))
                    continue
                }
                switch spec.name {
                case GlobalOption.help.name: wantsHelp = true
                case GlobalOption.version.name: wantsVersion = true
                case GlobalOption.json.name: globals.json = true
                case GlobalOption.socket.name: globals.socket = value
                case GlobalOption.verbose.name: globals.verbose = true
                case GlobalOption.lang.name:
                    if let language = Language(rawValue: value) {
                        globals.lang = language
                    } else {
                        record(UsageError(.unknownLanguage, [value], command: node.path))
                    }
                default:
                    if !spec.repeatable && values[spec.name] != nil {
                        record(UsageError(.optionRepeated, [spec.spelled], command: node.path))
                    }
                    values[spec.name, default: []].append(value)
                }
                continue
            }
            switch node {
            case .root:
                if let entry = catalog.first(where: { $0.name == argument }) {
                    switch entry {
                    case .group(let group): node = .group(group)
                    case .command(let command): node = .command(command)
                    }
                } else if wordError == nil {
                    wordError = UsageError(.unknownCommand, [argument],
                                           suggestion: Suggestion.nearest(to: argument, among: catalog.map(\.name)))
                }
            case .group(let group):
                if let command = group.command(argument) {
                    node = .command(command)
                } else if wordError == nil {
                    let names = group.commands.compactMap(\.path.last)
                    wordError = UsageError(.unknownSubcommand, [argument, group.name],
                                           suggestion: Suggestion.nearest(to: argument, among: names), command: [group.name])
                }
            case .command:
                positionals.append(argument)
            }
        }

        if let wordError { throw wordError }
        if wantsHelp { return .help(Self.topic(of: node), globals) }
        if wantsVersion { return .version }
        if let otherError { throw otherError }

        switch node {
        case .root:
            throw UsageError(.missingCommand)
        case .group(let group):
            let names = group.commands.compactMap(\.path.last).joined(separator: ", ")
            throw UsageError(.missingSubcommand, [group.name, names], command: [group.name])
        case .command(let command):
            if command.path == Catalog.helpPath { return .help(try topic(named: positionals), globals) }
            try Self.check(positionals, values, against: command)
            return .run(ParsedCommand(spec: command, positionals: positionals, options: values), globals)
        }
    }

    /// The `--lang` of a command line, read before it is parsed so that even its
    /// mistakes are reported in that language; nil when absent or not fr/en.
    public static func language(in arguments: [String]) -> Language? {
        var found: Language?
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let (spelled, inline) = split(arguments[index])
            index += 1
            guard spelled == GlobalOption.lang.spelled else { continue }
            let value = inline ?? (index < arguments.count ? arguments[index] : "")
            if inline == nil { index += 1 }
            found = Language(rawValue: value) ?? found
        }
        return found
    }

    /// `--name=value` → ("--name", "value"); `-h` → ("-h", nil).
    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    private static func topic(of node: Node) -> HelpTopic {
        switch node {
        case .root: .tool
        case .group(let group): .group(group)
        case .command(let command): .command(command)
        }
    }

    /// The topic of `help machine create`.
    private func topic(named words: [String]) throws(UsageError) -> HelpTopic {
        guard let first = words.first else { return .tool }
        guard let entry = catalog.first(where: { $0.name == first }) else {
            throw UsageError(.unknownCommand, [first], suggestion: Suggestion.nearest(to: first, among: catalog.map(\.name)),
                             command: Catalog.helpPath)
        }
        switch entry {
        case .command(let command):
            if words.count > 1 { throw UsageError(.extraArgument, [words[1], "help " + first], command: Catalog.helpPath) }
            return .command(command)
        case .group(let group):
            guard words.count > 1 else { return .group(group) }
            guard let command = group.command(words[1]) else {
                let names = group.commands.compactMap(\.path.last)
                throw UsageError(.unknownSubcommand, [words[1], group.name],
                                 suggestion: Suggestion.nearest(to: words[1], among: names), command: Catalog.helpPath)
            }
            if words.count > 2 { throw UsageError(.extraArgument, [words[2], "help " + command.name], command: Catalog.helpPath) }
            return .command(command)
        }
    }

    private static func check(_ positionals: [String], _ values: [String: [String]], against command: CommandSpec) throws(UsageError) {
        let specs = command.positionals
        let required = specs.filter { !$0.optional }.count
        if positionals.count < required {
            throw UsageError(.missingArgument, [specs[positionals.count].name, command.name], command: command.path)
        }
        if positionals.count > specs.count && specs.last?.variadic != true {
            throw UsageError(.extraArgument, [positionals[specs.count], command.name], command: command.path)
        }
        for option in command.options where option.required && values[option.name] == nil {
            throw UsageError(.missingOption, [option.spelled, command.name], command: command.path)
        }
    }
}
