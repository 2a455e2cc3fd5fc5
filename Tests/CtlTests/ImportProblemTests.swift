import Glibc
import Testing
@testable import PapaoursCtlKit

/// What `papaoursctl import` says of a bad line, and of a file it cannot read or write: in the
/// user's language, naming the member, never strerror's or the validator's English.
@Suite struct ImportProblemTests {
    static let machine = #"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web"}"#
    static let hash = String(repeating: "ab", count: 32)

    func problems(_ lines: [String], _ language: Language) -> [String] {
        let file = (lines + [#"{"type":"end","machines":1,"keys":0,"events":0}"#]).joined(separator: "\n") + "\n"
        return ExportFile.read(Array(file.utf8)).problems.map { "\($0.line): " + $0.said(Localizer(language)) }
    }

    @Test(arguments: [
        (#"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"\#(String(repeating: "n", count: 129))"}"#,
         "1: in a machine line, name must be 1 to 128 characters long, not 129",
         "1: dans une ligne machine, name doit faire de 1 à 128 caractères, pas 129"),
        (#"{"type":"machine","id":"m_x","name":"web"}"#,
         "1: in a machine line, id must be m_ and 16 of [a-z0-9]", "1: dans une ligne machine, id doit être m_ suivi de 16 caractères parmi [a-z0-9]"),
        (#"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web","roles":["ok","bad role"]}"#,
         "1: in a machine line, role 'bad role' must be 1 to 64 letters, digits or . _ : -",
         "1: dans une ligne machine, le rôle « bad role » doit faire de 1 à 64 lettres, chiffres ou . _ : -"),
        (#"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web","status":"paused"}"#,
         "1: in a machine line, status must be active or inactive", "1: dans une ligne machine, status doit être active ou inactive"),
        (#"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web","created":"yesterday"}"#,
         "1: in a machine line, created must be an RFC 3339 time such as 2027-01-31T00:00:00Z",
         "1: dans une ligne machine, created doit être une date RFC 3339 comme 2027-01-31T00:00:00Z"),
        (#"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web","keys":"one"}"#,
         "1: in a machine line, keys must be a whole number", "1: dans une ligne machine, keys doit être un nombre entier"),
        (#"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web","name":"again"}"#,
         "1: in a machine line, name is given twice", "1: dans une ligne machine, name est donné deux fois"),
    ] as [(String, String, String)])
    func aBadMachineLineIsSaidInBothLanguages(line: String, english: String, french: String) {
        #expect(problems([line], .en) == [english])
        #expect(problems([line], .fr) == [french])
    }

    @Test func keysAndEventsToo() {
        let key = #"{"type":"key","id":"k_aaaaaaaaaaaaaaaa","machine":"m_aaaaaaaaaaaaaaaa","label":"prod","hash":"zz"}"#
        let event = #"{"type":"event","seq":0,"time":"2026-01-01T00:00:00Z","action":"machine.create"}"#
        let action = #"{"type":"event","seq":1,"time":"2026-01-01T00:00:00Z","action":"key.destroy"}"#
        let said = problems([Self.machine, key, event, action], .fr)
        #expect(said.prefix(2) == ["2: dans une ligne key, hash doit faire 64 chiffres hexadécimaux (un SHA-256)",
                                   "3: dans une ligne event, seq doit être un numéro d'ordre à partir de 1"])
        #expect(said.dropFirst(2).first?.hasPrefix("4: dans une ligne event, action doit être l'un de machine.create, machine.edit, ") == true,
                "\(said)")
        let expires = #"{"type":"key","id":"k_aaaaaaaaaaaaaaaa","machine":"m_aaaaaaaaaaaaaaaa","label":"prod","hash":"\#(Self.hash)","expires":5}"#
        #expect(problems([Self.machine, expires], .en).first == "2: in a key line, expires must be a time or null")
        #expect(problems([Self.machine], .fr).isEmpty, "a right line has no problem")
    }

    @Test func anEventKeepsWhatChangedAsData() {
        let event = #"{"type":"event","seq":1,"time":"2026-01-01T00:00:00Z","action":"key.edit","changed":"status","old-status":"active","new-status":"inactive"}"#
        let file = [Self.machine, event, #"{"type":"end","machines":1,"keys":0,"events":1}"#].joined(separator: "\n") + "\n"
        let contents = ExportFile.read(Array(file.utf8))
        #expect(contents.problems.isEmpty, "\(contents.problems.map { $0.said(Localizer(.en)) })")
        #expect(contents.records.last?["new-status"] == "inactive")
        let machine = #"{"type":"machine","id":"m_aaaaaaaaaaaaaaaa","name":"web","old-name":"x"}"#
        #expect(problems([machine], .en) == ["1: a machine line has no member 'old-name'"], "only events carry them")
    }

    @Test func systemErrorsAreSaidInTheUsersLanguage() {
        let french = Localizer(.fr)
        #expect(SystemError(EACCES).described(french) == "permission refusée")
        #expect(SystemError(ENOENT).described(french) == "fichier ou répertoire introuvable")
        #expect(SystemError(ENOSPC).described(Localizer(.en)) == "no space left on the disk")
        #expect(SystemError(EIO).described(french) == "erreur système \(EIO)")
        #expect(french(.fileCannotCreate, "/x/y", SystemError(EACCES).described(french)) == "impossible de créer /x/y : permission refusée")
    }
}
