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
    ] as [([String: String], Language)])
    func firstSetVariableWins(environment: [String: String], expected: Language) {
        #expect(Language.preferred(in: Environment(environment)) == expected)
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
