import Testing
@testable import PapaoursCtlKit

private let parser = ArgumentParser()
private let english = Localizer(.en)

private func run(_ arguments: [String]) throws -> (ParsedCommand, GlobalOptions) {
    guard case .run(let command, let globals) = try parser.parse(arguments) else {
        Issue.record("expected a command to run for \(arguments)")
        throw UsageError(.missingCommand)
    }
    return (command, globals)
}

private func usageError(_ arguments: [String]) -> UsageError? {
    do {
        _ = try parser.parse(arguments)
        return nil
    } catch {
        return error
    }
}

@Suite struct ArgumentParserTests {
    @Test(arguments: [
        ["key", "create", "m", "--label=ci runner"],
        ["key", "create", "m", "--label", "ci runner"],
        ["key", "create", "--label", "ci runner", "m"],
        ["key", "create", "--label=ci runner", "--", "m"],
    ])
    func bothOptionForms(arguments: [String]) throws {
        let (command, _) = try run(arguments)
        #expect(command.spec.name == "key create")
        #expect(command.positionals == ["m"])
        #expect(command.value("label") == "ci runner")
    }

    @Test func valueMayStartWithADashOrHoldAnEqualsSign() throws {
        let (command, _) = try run(["machine", "create", "n", "--description", "-x=1", "--organization=a=b"])
        #expect(command.value("description") == "-x=1")
        #expect(command.value("organization") == "a=b")
    }

    @Test func doubleDashEndsOptions() throws {
        let (command, globals) = try run(["machine", "create", "--json", "--", "--help"])
        #expect(command.positionals == ["--help"])
        #expect(globals.json)
        let (dash, _) = try run(["machine", "show", "-"])
        #expect(dash.positionals == ["-"])
    }

    @Test func globalsAnywhere() throws {
        let (_, before) = try run(["--json", "--socket", "/tmp/s", "machine", "list"])
        #expect(before == GlobalOptions(socket: "/tmp/s", json: true))
        let (_, after) = try run(["machine", "list", "--socket=/tmp/t", "--json"])
        #expect(after == GlobalOptions(socket: "/tmp/t", json: true))
    }

    @Test func repeatableAndRepeatedOptions() throws {
        let (command, _) = try run(["machine", "create", "n", "--role", "a", "--role=b"])
        #expect(command.values("role") == ["a", "b"])
        let error = usageError(["key", "create", "m", "--label", "a", "--label", "b"])
        #expect(error?.message == .optionRepeated)
    }

    @Test func unknownOptionNamesTheCommandAndSuggests() throws {
        let error = try #require(usageError(["key", "create", "m", "--lable", "x"]))
        #expect(error.message == .unknownOptionFor)
        #expect(error.suggestion == "--label")
        #expect(error.rendered(english) == "unknown option '--lable' for 'key create'; did you mean '--label'?")
        #expect(error.hint(english) == "try 'papaoursctl key create --help'")
        #expect(usageError(["machine", "list", "--frobnicate"])?.suggestion == nil)
        #expect(usageError(["--jsno", "status"])?.suggestion == "--json")
        #expect(usageError(["-x", "status"])?.message == .unknownOption)
    }

    @Test(arguments: [
        (["machin", "list"], "machine"),
        (["mahcine", "list"], "machine"),
        (["machine", "creat", "x"], "create"),
        (["key", "disabel", "k"], "disable"),
        (["stauts"], "status"),
        (["aud"], "audit"),
    ])
    func misspelledCommandsAreSuggested(arguments: [String], expected: String) throws {
        let error = try #require(usageError(arguments))
        #expect(error.message == .unknownCommand || error.message == .unknownSubcommand)
        #expect(error.suggestion == expected)
    }

    @Test func subcommandErrorPointsAtItsGroup() throws {
        let error = try #require(usageError(["machine", "creat"]))
        #expect(error.rendered(english) == "unknown command 'creat' for 'machine'; did you mean 'create'?")
        #expect(error.hint(english) == "try 'papaoursctl machine --help'")
        #expect(usageError(["frobnicate"])?.suggestion == nil)
    }

    @Test func missingAndExtraArguments() throws {
        let missing = try #require(usageError(["key", "create", "--label", "x"]))
        #expect(missing.message == .missingArgument)
        #expect(missing.rendered(english) == "missing argument MACHINE for 'key create'")
        let extra = try #require(usageError(["machine", "list", "surplus"]))
        #expect(extra.rendered(english) == "unexpected argument 'surplus' for 'machine list'")
        #expect(usageError(["key", "show", "web", "prod", "k3"])?.arguments == ["k3", "key show"])
        #expect(usageError(["key", "list", "web", "prod"])?.arguments == ["prod", "key list"])
        #expect(usageError(["key", "create", "m"])?.rendered(english) == "option '--label' is required for 'key create'")
        #expect(usageError(["key", "create", "m", "--label"])?.message == .optionNeedsValue)
        #expect(usageError(["machine", "list", "--json=yes"])?.message == .optionTakesNoValue)
        #expect(usageError([])?.message == .missingCommand)
        #expect(usageError(["machine"])?.rendered(english) == "'machine' needs a command: create, list, show, edit, delete")
    }

    @Test func helpAndVersion() throws {
        guard case .help(.command(let command), _) = try parser.parse(["key", "create", "-h"]) else {
            Issue.record("expected the help of key create"); return
        }
        #expect(command.name == "key create")
        // --help wins over the missing arguments.
        guard case .help(.command(let show), _) = try parser.parse(["machine", "show", "--help", "--bogus"]) else {
            Issue.record("expected the help of machine show"); return
        }
        #expect(show.name == "machine show")
        guard case .help(.group(let group), _) = try parser.parse(["help", "machine"]) else {
            Issue.record("expected the help of machine"); return
        }
        #expect(group.name == "machine")
        guard case .help(.command(let edit), _) = try parser.parse(["help", "key", "edit"]) else {
            Issue.record("expected the help of key edit"); return
        }
        #expect(edit.name == "key edit")
        guard case .help(.tool, _) = try parser.parse(["--help"]) else { Issue.record("expected the tool's help"); return }
        #expect(usageError(["help", "machin"])?.suggestion == "machine")
        // A wrong command word is reported even with --help.
        #expect(usageError(["machin", "--help"])?.suggestion == "machine")
        guard case .version = try parser.parse(["--version"]) else { Issue.record("expected the version"); return }
    }

    @Test func everyCommandHasHelpAndItsUsageLine() {
        for command in Catalog.commands {
            let help = Help.render(.command(command), english)
            #expect(help.contains(Help.usage(of: command)))
        }
        #expect(Help.usage(of: Catalog.keyGroup.command("create")!)
            == "papaoursctl key create MACHINE --label LABEL [--expires TIME] [--output FILE]")
        #expect(Help.usage(of: Catalog.machineGroup.command("create")!)
            == "papaoursctl machine create NAME [--description TEXT] [--organization ORG] [--role ROLE]... [--group GROUP]... [--protected]")
        #expect(Help.usage(of: Catalog.rightsGroup(.role).command("create")!)
            == "papaoursctl role create NAME [--description TEXT] [--right RIGHT]... [--perimeter ORG]... [--protected]")
    }

    @Test(arguments: [("label", "lable", 1), ("machine", "machin", 1), ("create", "craete", 1), ("kitten", "sitting", 3), ("", "abc", 3)])
    func editDistance(a: String, b: String, distance: Int) {
        #expect(Suggestion.editDistance(Array(a), Array(b)) == distance)
    }
}
