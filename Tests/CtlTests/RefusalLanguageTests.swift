import PapaoursClient
import PapaoursCore
import Testing
@testable import PapaoursCtlKit

/// Every NO code × every command that can get it, in both languages: a sentence of the user's
/// language only, built from the code and the command, never the daemon's English text.
@Suite struct RefusalLanguageTests {
    /// A command line for each command, and the codes papaoursd may answer it.
    static let table: [([String], [String])] = {
        let everyone = ["forbidden", "busy"]
        let writes = everyone + ["invalid", "unavailable"]
        return [
            (["machine", "create", "web"], writes + ["exists"]),
            (["machine", "list"], everyone),
            (["machine", "show", "web"], everyone + ["not-found"]),
            (["machine", "edit", "web", "--name", "front"], writes + ["not-found", "exists"]),
            (["machine", "delete", "web", "--yes"], writes + ["not-found"]),
            (["key", "create", "web", "--label", "prod"], writes + ["not-found"]),
            (["key", "import", "web", "--label", "prod"], writes + ["not-found", "exists"]),
            (["key", "list", "web"], everyone + ["not-found"]),
            (["key", "show", "k_aaaaaaaaaaaaaaaa"], everyone + ["not-found"]),
            (["key", "show", "web", "prod"], everyone + ["not-found"]),
            (["key", "edit", "k_aaaaaaaaaaaaaaaa", "--inactive"], writes + ["not-found"]),
            (["key", "disable", "web", "prod"], writes + ["not-found"]),
            (["key", "enable", "k_aaaaaaaaaaaaaaaa"], writes + ["not-found"]),
            (["verify"], everyone + ["invalid"] + VerifyRefusal.Reason.allCases.map(\.rawValue) + ["missing-right"]),
            (["audit", "--machine", "web"], everyone + ["invalid", "not-found"]),
            (["status"], everyone),
            (["backup", "/tmp/b.mdb"], writes),
            (["export"], everyone),
            (["import", "dump.jsonl"], writes + ["exists"]),
            (["role", "create", "r", "--right", "a:read"], writes + ["exists"]),
            (["role", "list"], everyone),
            (["role", "show", "r"], everyone + ["not-found"]),
            (["role", "edit", "r", "--name", "s"], writes + ["not-found", "exists"]),
            (["role", "delete", "r"], writes + ["not-found"]),
            (["group", "create", "g", "--role", "r"], writes + ["exists", "not-found"]),
            (["group", "list"], everyone),
            (["group", "show", "g"], everyone + ["not-found"]),
            (["group", "edit", "g", "--perimeter", "Acme"], writes + ["not-found", "exists"]),
            (["group", "delete", "g"], writes + ["not-found"]),
            (["key", "usage", "k_aaaaaaaaaaaaaaaa", "--days", "7"], everyone + ["invalid", "not-found"]),
            (["key", "rotate", "web", "prod", "--grace", "7d"], writes + ["not-found", "exists"]),
            (["alerts", "--follow"], everyone + ["invalid"]),
        ]
    }()

    /// The daemon's sentence, which must never show through.
    static let daemonText = "the daemon's own English sentence which does not belong here"

    /// Words of one language that the other's messages never hold (outside quoted values).
    static let englishWords: Set<String> = ["the", "is", "not", "which", "does", "needs", "already", "found", "refused",
                                            "you", "of", "and", "to", "with", "named", "cannot", "has", "no", "may", "this"]
    static let frenchWords: Set<String> = ["le", "la", "les", "une", "est", "pas", "vous", "aucune", "de", "des", "du",
                                           "ou", "et", "à", "ce", "avec", "existe", "n'a", "demandez", "refusé"]

    @Test func everyCommandIsInTheTable() {
        let covered = Set(Self.table.compactMap { parsed($0.0)?.spec.name })
        for command in Catalog.commands where command.path != Catalog.helpPath {
            #expect(covered.contains(command.name), "\(command.name) has its row")
        }
    }

    @Test(arguments: Language.allCases)
    func everyRefusalIsOneLanguage(_ language: Language) throws {
        let text = Localizer(language)
        let foreign = language == .fr ? Self.englishWords : Self.frenchWords
        for (arguments, codes) in Self.table {
            let command = try #require(parsed(arguments), "\(arguments)")
            for code in codes {
                let (line, status) = ErrorReport.describe(.refused(code, Self.daemonText), text: text,
                                                          scene: ErrorReport.Scene(command: command, socketPath: "/s"))
                #expect(status == .refused)
                #expect(!line.contains("daemon's own"), "\(arguments) \(code): \(line)")
                #expect(line != text(.noOther, code), "\(arguments) \(code) has a sentence of its own")
                let strays = Self.words(outsideQuotes: line, language).filter(foreign.contains)
                #expect(strays.isEmpty, "\(language) \(arguments) \(code): \(line) holds \(strays)")
            }
        }
    }

    @Test func aForbiddenCommandNamesItselfAndThePermissionAsTheGuideDoes() throws {
        let command = try #require(parsed(["key", "create", "web", "--label", "x"]))
        let scene = ErrorReport.Scene(command: command)
        let user = Refusal.currentUser()
        #expect(ErrorReport.describe(.refused("forbidden", Self.daemonText), text: Localizer(.fr), scene: scene).0
            == "vous n'avez pas le droit d'utiliser « key create » : il faut la permission « Gestion des droits / Machines / Écriture » (machines.write), que \(user) n'a pas ; demandez-la à l'administrateur de papaoursd")
        #expect(ErrorReport.describe(.refused("forbidden", Self.daemonText), text: Localizer(.en), scene: scene).0
            == "you may not run 'key create': it needs the permission “Rights management / Machines / Write” (machines.write), which \(user) does not have; ask the administrator of papaoursd to grant it")
        let byLabel = try #require(parsed(["key", "disable", "web", "prod"]))
        #expect(Refusal.needed(by: byLabel) == [.machinesRead, .machinesWrite], "the label is looked up with KEY LIST")
        #expect(Refusal.permissions([.machinesWrite, .auditRead], Localizer(.fr))
            == "« Gestion des droits / Machines / Écriture » (machines.write) et « Gestion des droits / Audit / Lecture » (audit.read)")
    }

    @Test func aMalformedKeyIsSaidOnceWithWhatIsWrong() {
        let fr = Localizer(.fr)
        #expect(Refusal.verifySentence(.malformedKey, secret: "papa_short", text: fr)
            == "ceci n'est pas une clé API bien formée : longueur incorrecte : une clé papaours a 43 caractères (papa_ puis 38), une clé émise ailleurs de 20 à 256")
        let key = Secret.generate().revealed
        let swapped = String(key.prefix(42)) + (key.last == "0" ? "1" : "0")
        #expect(Refusal.malformation(of: swapped) == .malformedChecksum)
        #expect(Refusal.malformation(of: "papa_" + String(repeating: "é", count: 19)) == .malformedAlphabet)
        #expect(Refusal.malformation(of: key) == nil)
        #expect(Refusal.verifySentence(.malformedKey, secret: key, text: fr) == "ceci n'est pas une clé API bien formée")
    }

    /// The words of `line`, without the values quoted in it (« … », '…', “…”), which are the
    /// user's own or the tool's (command names, paths) in any language.
    static func words(outsideQuotes line: String, _ language: Language) -> [String] {
        var out = "", depth = 0
        let characters = Array(line)
        for (i, c) in characters.enumerated() {
            let before = i > 0 ? characters[i - 1] : " ", after = i + 1 < characters.count ? characters[i + 1] : " "
            let opens = c == "«" || c == "“" || (c == "'" && (before == " " || before == "("))
            let closes = c == "»" || c == "”" || (c == "'" && depth > 0 && !after.isLetter)
            if opens { depth += 1; continue }
            if closes && depth > 0 { depth -= 1; continue }
            if depth == 0 { out.append(c) }
        }
        return out.lowercased().split { !$0.isLetter && $0 != "'" }.map { String($0) }
    }
}
