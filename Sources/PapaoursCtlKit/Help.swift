/// The text of `--help`, for the tool, a command group or a command.
enum Help {
    static func render(_ topic: HelpTopic, _ text: Localizer) -> String {
        switch topic {
        case .tool:
            var out = text(.helpTool) + "\n\n" + text(.helpUsage) + " papaoursctl [--socket PATH] [--json] [--lang fr|en] [--verbose] COMMAND ...\n\n"
            out += text(.helpCommands) + "\n" + commandTable(Catalog.commands, text)
            out += "\n" + text(.helpGlobalOptions) + "\n" + optionTable(GlobalOption.all, text)
            return out + "\n" + text(.helpMore) + "\n" + text(.helpExit) + "\n"
        case .group(let group):
            var out = text(group.summary) + "\n\n" + text(.helpUsage) + " papaoursctl \(group.name) COMMAND ...\n\n"
            out += text(.helpCommands) + "\n" + commandTable(group.commands, text)
            return out + "\n" + text(.helpGlobalOptions) + "\n" + optionTable(GlobalOption.all, text)
        case .command(let command):
            var out = text(command.summary) + "\n\n" + text(.helpUsage) + " " + usage(of: command) + "\n"
            if !command.positionals.isEmpty {
                let rows = command.positionals.map { [Cell("  " + $0.name), Cell(text($0.help))] }
                out += "\n" + text(.helpArguments) + "\n" + Table(rows: rows).render(color: false)
            }
            if !command.options.isEmpty {
                out += "\n" + text(.helpOptions) + "\n" + optionTable(command.options, text)
            }
            return out + "\n" + text(.helpGlobalOptions) + "\n" + optionTable(GlobalOption.all, text)
        }
    }

    /// `papaoursctl key create MACHINE --label LABEL [--expires TIME] [--output FILE]`
    static func usage(of command: CommandSpec) -> String {
        var words = ["papaoursctl", command.name]
        for positional in command.positionals {
            let name = positional.variadic ? positional.name + "..." : positional.name
            words.append(positional.optional ? "[\(name)]" : name)
        }
        for option in command.options {
            var word = option.spelled + (option.valueName.map { " " + $0 } ?? "")
            if !option.required { word = "[\(word)]" }
            words.append(option.repeatable ? word + "..." : word)
        }
        return words.joined(separator: " ")
    }

    private static func commandTable(_ commands: [CommandSpec], _ text: Localizer) -> String {
        Table(rows: commands.map { [Cell("  " + $0.name), Cell(text($0.summary))] }).render(color: false)
    }

    private static func optionTable(_ options: [OptionSpec], _ text: Localizer) -> String {
        let rows = options.map { option -> [Cell] in
            var name = option.short.map { "-\($0), " } ?? ""
            name += option.spelled + (option.valueName.map { " " + $0 } ?? "")
            return [Cell("  " + name), Cell(text(option.help))]
        }
        return Table(rows: rows).render(color: false)
    }
}
