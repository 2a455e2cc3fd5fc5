import Testing
@testable import PapaoursCtlKit

@Suite struct LanguageTests {
    @Test(arguments: [
        ([:], Language.en),
        (["LANG": "fr_FR.UTF-8"], .fr),
        (["LANG": "fr"], .fr),
        (["LANG": "en_US.UTF-8"], .en),
        (["LANG": "C"], .en),
        (["LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"], .fr),
        (["LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"], .en),
        (["LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_BE.UTF-8"], .fr),
        (["LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"], .fr),
        (["LANG": "french"], .fr),
        // LANGUAGE comes first, as gettext reads it, but not under the C locale.
        (["LANGUAGE": "fr", "LANG": "en_US.UTF-8"], .fr),
        (["LANGUAGE": "de:fr_CA:en", "LANG": "en_US.UTF-8"], .fr),
        (["LANGUAGE": "en", "LC_ALL": "fr_FR.UTF-8"], .en),
        (["LANGUAGE": "de", "LANG": "fr_FR.UTF-8"], .fr),
        (["LANGUAGE": "fr", "LANG": "C"], .en),
        (["LANGUAGE": "fr", "LC_ALL": "C.UTF-8"], .en),
        (["LANGUAGE": "fr"], .en),
    ] as [([String: String], Language)])
    func firstSetVariableWins(environment: [String: String], expected: Language) {
        #expect(Language.preferred(in: Environment(environment)) == expected)
    }

    @Test func theLangOptionWinsOverTheEnvironment() {
        let french = Environment(["LANG": "fr_FR.UTF-8"])
        #expect(Language.preferred(in: french, option: ArgumentParser.language(in: ["--lang", "en", "key"])) == .en)
        #expect(Language.preferred(in: Environment([:]), option: ArgumentParser.language(in: ["key", "--lang=fr"])) == .fr)
        #expect(ArgumentParser.language(in: ["machine", "show", "--", "--lang", "fr"]) == nil, "after --, a positional")
        #expect(ArgumentParser.language(in: ["--lang", "de"]) == nil)
    }

    @Test func theLangOptionIsParsedAndAWrongOneIsAUsageError() throws {
        guard case .run(_, let globals) = try ArgumentParser().parse(["--lang", "fr", "machine", "list", "-v"]) else {
            Issue.record("expected a command")
            return
        }
        #expect(globals.lang == .fr && globals.verbose)
        #expect(throws: UsageError(.unknownLanguage, ["de"], command: ["machine", "list"])) {
            try ArgumentParser().parse(["machine", "list", "--lang", "de"])
        }
        // `papaoursctl --lang fr key` is the key group missing its command, not a command 'fr'.
        #expect(throws: UsageError(.missingSubcommand, ["key", "create, import, list, show, edit, disable, enable, usage, rotate"], command: ["key"])) {
            try ArgumentParser().parse(["--lang", "fr", "key"])
        }
    }

    @Test func messagesExistInBothLanguagesWithTheSamePlaceholders() {
        func placeholders(_ text: String) -> Set<String> {
            Set((0..<5).map { "{\($0)}" }.filter { text.contains($0) })
        }
        for message in Message.allCases {
            let (en, fr) = message.text
            #expect(!en.isEmpty && !fr.isEmpty, "\(message)")
            #expect(placeholders(en) == placeholders(fr), "\(message)")
        }
    }

    @Test func localizerFillsPlaceholders() {
        #expect(Localizer(.en)(.noKeys) == "No API key associated with this machine")
        #expect(Localizer(.fr)(.noKeys) == "Aucune clé API associée à cette machine")
        #expect(Localizer(.en)(.cannotReach, "/run/x.sock", "boom") == "cannot reach papaoursd at /run/x.sock: boom")
        #expect(Localizer(.fr)(.secretLost, "f", "e", "k_1").contains("papaoursctl key disable k_1"))
        // A brace that is not a placeholder stays as it is.
        #expect(Localizer(.en).format(.withDetail, ["{x}", "{9}"]) == "{x}: {9}")
    }
}
